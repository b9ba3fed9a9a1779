import BudgetRiskStudies
import BudgetRiskModel

/// The exceedance curve of the horizon cost of need — P(cost of need > x) against x — with
/// every proposed budget marked: where a budget's line meets the curve is (under `absorb`)
/// its overspend probability.
enum ExceedanceChart {
  static func make(_ f: RunFigures, scope s: Int, id: String) -> SVGChart? {
    let scope = f.scopeNames[s]
    guard let curve = f.exceedance(scope: scope), !curve.points.isEmpty else { return nil }
    let proposals = f.budgets(response: curve.response)
    let budgets = proposals.map { (label: RunFigures.shortLabel($0), value: $0.scopes[s].budget.mean) }
    let costs = curve.points.map(\.cost) + budgets.map(\.value)
    let unit = ReportFormat.moneyUnit(forMagnitude: costs.max()!)
    let years = f.budgetYears
    let xAxis = SVGChart.Axis.nice(
      "Cost of need over the \(years)-year horizon (\(f.currency)\(unit.words.isEmpty ? "" : " " + unit.words))",
      costs.min()!, costs.max()!, count: 7
    ) { ReportFormat.plain($0 / unit.divisor, significant: 4) }
    let yAxis = SVGChart.Axis.nice("Probability the cost of need is higher (%)", 0, 1, count: 6) {
      ReportFormat.percentNumber($0)
    }
    let alpha = f.recommendations.first { $0.scope == scope }?.overspendTarget
    let recommended = f.recommendation(response: curve.response, scope: scope)?.margin

    let median = curve.points.first { $0.probability <= 0.5 }?.cost
    var words = [
      "Exceedance curve of the cost of need of \(scope) over the horizon (\(RunFigures.responseWords(curve.response))): the probability that the cost of need is higher than each amount on the horizontal axis."
    ]
    if let median { words.append("Half of the simulated pilots cost more than about \(ReportFormat.money(median, f.currency)).") }
    words.append(
      "Proposed budgets are marked: "
        + proposals.map { b in
          "\(b.proposal) \(ReportFormat.money(b.scopes[s].budget.mean, f.currency)) (P(overspend) \(ReportFormat.percent(b.scopes[s].overspendProbability.estimate)))"
        }.joined(separator: ", ") + ".")

    var legend: [SVGChart.LegendEntry] = [
      .init(label: "P(cost of need > amount)", color: ChartPalette.blue, swatch: .line(dash: nil)),
      .init(label: "proposed budget", color: "#555555", swatch: .line(dash: "4 3")),
    ]
    if recommended != nil { legend.append(.init(label: "recommended budget", color: ChartPalette.black, swatch: .line(dash: nil))) }
    var chart = SVGChart(
      id: id, title: "Exceedance curve of the cost of need — \(scope)", summary: words.joined(separator: " "),
      x: xAxis, y: yAxis, legend: legend)
    if let alpha { chart.addHorizontalReference(y: alpha, label: "overspend target \(ReportFormat.percent(alpha))", labelLeft: true) }
    for (b, budget) in zip(proposals, budgets) {
      let isRecommended = recommended != nil && b.margin == recommended
      chart.addVerticalReference(
        x: budget.value, label: budget.label, color: isRecommended ? ChartPalette.black : "#555555",
        dash: isRecommended ? "none" : "4 3", labelAt: .alongTop)
    }
    chart.addLine("P(cost of need > amount)", points: curve.points.map { ($0.cost, $0.probability) }, color: ChartPalette.blue)
    return chart
  }
}
