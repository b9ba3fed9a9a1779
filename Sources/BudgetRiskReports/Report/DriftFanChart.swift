import BudgetRiskStudies
import BudgetRiskModel

/// The drift fan chart: quantiles of cumulative drift, (cost of need − budget) / budget to
/// date, at the end of every period — the median and the 50, 80 and 95 % bands — with the
/// budget-year boundaries marked.
enum DriftFanChart {
  /// Band levels (lower, upper) from the widest, and their fill opacities when stacked.
  static let bands: [(lower: Double, upper: Double, name: String, opacity: Double)] = [
    (0.025, 0.975, "95 %", 0.16), (0.10, 0.90, "80 %", 0.22), (0.25, 0.75, "50 %", 0.32),
  ]

  static func make(_ f: RunFigures, budget b: BudgetFigures, scope s: Int, id: String) -> SVGChart? {
    let path = b.scopes[s].driftPath
    guard !path.isEmpty else { return nil }
    func series(_ level: Double) -> [(x: Double, y: Double)] {
      path.map { p in (Double(p.period + 1), p.quantiles.first { abs($0.level - level) < 1e-9 }?.value ?? .nan) }
        .filter { $0.y.isFinite }
    }
    let all = bands.flatMap { series($0.lower) + series($0.upper) }.map(\.y) + [0]
    let T = Double(f.periods), perYear = f.periods / max(1, f.budgetYears)
    let step = f.periodLength == "month" ? (f.periods > 36 ? 12.0 : 6.0) : (f.periods > 12 ? 4.0 : 1.0)
    let xAxis = SVGChart.Axis(
      title: "\(f.periodLength.capitalized) of the pilot (cumulative to the end of the \(f.periodLength))",
      domain: 0...T, ticks: Array(stride(from: 0, through: T, by: step))
    ) { ReportFormat.plain($0) }
    // Headroom above the fan for the year labels and the "on budget" label.
    let (low, high) = (all.min()!, all.max()!)
    let span = max(high - low, 0.01)
    let yAxis = SVGChart.Axis.nice("Cumulative drift (%)", low - 0.03 * span, high + 0.12 * span, count: 7) {
      ReportFormat.percentNumber($0)
    }

    var legend = [SVGChart.LegendEntry]()
    var stacked = 0.0
    for band in bands {
      stacked = 1 - (1 - stacked) * (1 - band.opacity)
      legend.append(.init(label: "\(band.name) of pilots", color: ChartPalette.blue, swatch: .band(opacity: stacked)))
    }
    legend.append(.init(label: "median", color: ChartPalette.blue, swatch: .line(dash: nil)))
    legend.append(.init(label: "budget-year boundary", color: "#555555", swatch: .line(dash: "4 3")))

    let scope = f.scopeNames[s]
    let end = path.last!.quantiles
    func q(_ level: Double) -> String {
      ReportFormat.signedPercent(end.first { abs($0.level - level) < 1e-9 }?.value ?? .nan)
    }
    let summary =
      "Fan chart of cumulative drift for \(scope) at \(b.proposal) (\(RunFigures.responseWords(b.response))) over \(f.periodWords(f.periods)). "
      + "At the end of the pilot the median drift is \(q(0.5)); half of the simulated pilots lie between \(q(0.25)) and \(q(0.75)), "
      + "80 % between \(q(0.10)) and \(q(0.90)) and 95 % between \(q(0.025)) and \(q(0.975)). Positive drift is overspend."
    var chart = SVGChart(
      id: id, title: "Drift over the pilot — \(scope), \(b.proposal)", summary: summary, x: xAxis, y: yAxis, legend: legend)
    for band in bands {
      chart.addBand("\(band.name) band", lower: series(band.lower), upper: series(band.upper), color: ChartPalette.blue, opacity: band.opacity)
    }
    chart.addHorizontalReference(y: 0, label: "on budget", color: "#333333", dash: "none")
    for year in 1..<max(1, f.budgetYears) {
      chart.addVerticalReference(x: Double(year * perYear), label: "end of year \(year)", color: "#555555")
    }
    chart.addLine("median", points: series(0.5), color: ChartPalette.blue)
    return chart
  }
}
