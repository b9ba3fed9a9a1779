import BudgetRiskNumerics
import BudgetRiskModel
import BudgetRiskStudies

/// The `budget-risk outcomes --report FILE.html` output: one self-contained page with, per
/// intervention, a chart of the averted events and of the net saving by budget year (95 %
/// intervals from the paired standard errors) and the table of every figure; the dose
/// sweep's table; the assumptions and the run manifest.
public enum OutcomesHTMLReport {
  public static func render(
    _ interventions: [InterventionOutcomeFigures], sweep: DoseSweepFigures?, manifest: RunManifest,
    assumptions: ScenarioAssumptions, scenario name: String, currency c: String, rationedAt: String? = nil
  ) -> String {
    var parts = [(anchor: String, heading: String, body: String)]()
    for (k, f) in interventions.enumerated() {
      var body = HTMLReport.figure(
        chart(f, id: "averted-\(k)", title: "Averted events by year — \(f.name)", axis: "Events averted", unit: nil) { $0.avertedEvents },
        caption: "Events of \(f.targets.joined(separator: ", ")) averted each budget year against the same iterations without \(f.name) (bars), with 95 % intervals from the paired standard error.")
      body += HTMLReport.figure(
        chart(f, id: "net-\(k)", title: "Net saving by year — \(f.name)", axis: "Net saving (\(c))", unit: c) { $0.netSaving },
        caption: "Averted cost minus the programme's own cost, each budget year, with 95 % intervals.")
      body += table(f, currency: c)
      parts.append(("intervention-\(k)", "What \(f.name) averts", body))
    }
    if let sweep { parts.append(("sweep", "Dose sweep of \(sweep.intervention)", sweepTable(sweep, currency: c))) }
    parts.append(("assumptions", "Assumptions", HTMLReport.assumptions(assumptions)))
    parts.append(("manifest", "Run manifest", HTMLReport.manifestSection(manifest)))
    let header = "<h1>\(HTMLText.escape(name)): what the interventions avert</h1>\n"
      + HTMLReport.paragraph(
        "Each intervention against the same \(manifest.iterations) iterations without it (its effect zero, every random number the same): the differences are paired. Paths: \(OutcomesReport.delivery(rationedAt)); money in \(c).",
        class: "meta")
    return HTMLReport.page(title: "\(name) — averted outcomes", header: header, parts: parts, manifest: manifest)
  }

  /// Bars per budget year of one estimate, with mean ± z₉₅·SE.
  static func chart(
    _ f: InterventionOutcomeFigures, id: String, title: String, axis: String, unit: String?,
    _ figure: (OutcomeYearFigures) -> Estimate
  ) -> SVGChart {
    let years = f.years.filter { $0.year != nil }
    let values = years.map { y -> (x: Double, e: Estimate) in (Double(y.year!), figure(y)) }
    let z = CriticalValue.z95
    func lo(_ e: Estimate) -> Double { e.standardError.isFinite ? e.mean - z * e.standardError : e.mean }
    func hi(_ e: Estimate) -> Double { e.standardError.isFinite ? e.mean + z * e.standardError : e.mean }
    let lower = min(0, values.map { lo($0.e) }.filter(\.isFinite).min() ?? 0)
    let upper = max(lower + 1, values.map { hi($0.e) }.filter(\.isFinite).max() ?? 1)
    let n = values.count
    let xAxis = SVGChart.Axis(title: "Budget year", domain: 0.5...(Double(n) + 0.5), ticks: (1...max(1, n)).map(Double.init)) { "\(Int($0.rounded()))" }
    let yAxis = SVGChart.Axis.nice(axis, lower, upper * 1.05, count: 6) { v in
      unit.map { ReportFormat.money(v, $0) } ?? ReportFormat.plain(v)
    }
    let words = values.map { v in "year \(Int(v.x)) \(unit.map { ReportFormat.money(v.e.mean, $0) } ?? ReportFormat.plain(v.e.mean))" }
    var chart = SVGChart(
      id: id, title: title, summary: "\(title): " + words.joined(separator: ", ") + ".", x: xAxis, y: yAxis,
      legend: [SVGChart.LegendEntry(label: axis, color: ChartPalette.bluishGreen, swatch: .bar)])
    let width = min(56.0, (chart.right - chart.left) / Double(max(1, n)) * 0.6)
    chart.addBars(axis, values.map { ($0.x, $0.e.mean.isFinite ? $0.e.mean : 0) }, offset: 0, barWidth: width, color: ChartPalette.bluishGreen)
    chart.addBarIntervals("\(axis) interval", values.filter { $0.e.standardError.isFinite }.map { ($0.x, lo($0.e), hi($0.e)) }, offset: 0)
    return chart
  }

  static func table(_ f: InterventionOutcomeFigures, currency c: String) -> String {
    func money(_ e: Estimate) -> TableCell { .figure(ReportFormat.money(e.mean, c), interval: "± " + ReportFormat.compactMoney(e.standardError)) }
    let rows: [[TableCell]] = f.years.map { y in
      [.text(y.year.map { "year \($0)" } ?? "horizon"),
       .figure(OutcomesReport.count(y.avertedEvents.mean), interval: "± " + OutcomesReport.count(y.avertedEvents.standardError)),
       .number("± " + OutcomesReport.count(y.avertedEventsUnpairedStandardError)),
       money(y.avertedCost), money(y.programmeCost), money(y.netSaving),
       .number(y.returnOnInvestment.map { ReportFormat.signedPercent($0) } ?? "–"),
       TableCell.probability(y.probabilityNetSaving)]
    }
    return HTMLReport.table(
      caption: "\(f.name): averted events and cost of \(f.targets.joined(separator: ", ")), programme cost, net saving, ROI and P(net saving > 0); ± is the paired Monte Carlo standard error (the unpaired one beside it)",
      header: ["period", "averted events", "unpaired ±", "averted cost", "programme cost", "net saving", "ROI", "P(net saving > 0)"], rows: rows)
  }

  static func sweepTable(_ s: DoseSweepFigures, currency c: String) -> String {
    let rows: [[TableCell]] = s.doses.map { d in
      let h = d.outcomes.horizon
      return [.number(ReportFormat.plain(d.dose, significant: 6)),
              .figure(ReportFormat.money(d.costOfNeed.mean, c), interval: "± " + ReportFormat.compactMoney(d.costOfNeed.standardError)),
              TableCell.probability(d.overspendProbability),
              .figure(OutcomesReport.count(h.avertedEvents.mean), interval: "± " + OutcomesReport.count(h.avertedEvents.standardError)),
              .number(ReportFormat.money(h.programmeCost.mean, c)),
              .figure(ReportFormat.money(h.netSaving.mean, c), interval: "± " + ReportFormat.compactMoney(h.netSaving.standardError)),
              TableCell.probability(h.probabilityNetSaving)]
    }
    return HTMLReport.table(
      caption: "Each dose (\(s.unit)) on common random numbers against a fixed horizon budget of \(ReportFormat.money(s.budget, c)): lowest expected cost at \(ReportFormat.plain(s.lowestExpectedCostDose, significant: 6)), lowest P(overspend) at \(ReportFormat.plain(s.lowestOverspendDose, significant: 6))",
      header: ["dose", "cost of need", "P(overspend)", "averted events", "programme cost", "net saving", "P(net saving > 0)"], rows: rows)
  }
}
