import BudgetRiskModel
import BudgetRiskNumerics
import BudgetRiskStudies

/// The comparison page's charts beyond P(overspend) against the margin: P(service gap)
/// against the margin (where pooling helps a rationing provider), and every design's cost
/// of need over the horizon overlaid as exceedance curves with the common budgets marked.
enum ComparisonCharts {
  static let colours = [ChartPalette.blue, ChartPalette.vermillion, ChartPalette.bluishGreen, ChartPalette.orange,
                        ChartPalette.reddishPurple, ChartPalette.skyBlue, ChartPalette.black]
  static let markers: [SVGChart.Marker] = [.circle, .square, .diamond]

  /// One probability figure (`overspend_probability`, `service_gap_probability`) against the
  /// margin, one series per design with 95 % intervals; nil with fewer than two margins.
  static func probabilityChart(
    _ c: ComparisonFigures, response: String, figure: String, words: String, id: String
  ) -> SVGChart? {
    let budgets = c.budgets.filter { $0.response == response && $0.margin != nil }
    guard budgets.count > 1 else { return nil }
    let margins = budgets.map { $0.margin! }
    let names = c.designs.map(\.name)
    func series(_ d: String) -> [(x: Double, y: Double, se: Double)] {
      budgets.compactMap { b in
        b.rows.first { $0.design == d }?.figures.first { $0.figure == figure }
          .map { (x: b.margin!, y: $0.value.mean, se: $0.value.standardError) }
      }
    }
    let top = names.flatMap { series($0).map { $0.y + 2 * $0.se } }.max() ?? 0.05
    let xAxis = SVGChart.Axis.nice("Contingency margin (%)", margins.min()!, max(margins.max()!, margins.min()! + 0.01), count: 7) {
      ReportFormat.percentNumber($0)
    }.padded(0.025)
    let yAxis = SVGChart.Axis.nice("\(words) (%)", 0, min(1, max(0.05, top * 1.05)), count: 6) { ReportFormat.percentNumber($0) }
    let legend = names.enumerated().map { i, n in
      SVGChart.LegendEntry(label: n, color: colours[i % colours.count], swatch: .line(dash: nil, marker: markers[i % markers.count]))
    }
    let summary = names.map { n in
      let s = series(n)
      return "\(n): \(ReportFormat.percent(s.first?.y ?? .nan)) at \(ReportFormat.margin(margins.first!)), \(ReportFormat.percent(s.last?.y ?? .nan)) at \(ReportFormat.margin(margins.last!))."
    }
    var chart = SVGChart(
      id: id, title: "\(words) against the margin by design, provider \(response)s",
      summary: summary.joined(separator: " "), x: xAxis, y: yAxis, legend: legend)
    for (i, n) in names.enumerated() {
      let s = series(n), colour = colours[i % colours.count]
      chart.addIntervals("\(n) interval", s.map { ($0.x, max(0, $0.y - CriticalValue.z95 * $0.se), $0.y + CriticalValue.z95 * $0.se) }, color: colour, offset: Double(i - names.count / 2) * 3)
      chart.addLine(n, points: s.map { ($0.x, $0.y) }, color: colour, marker: markers[i % markers.count])
    }
    return chart
  }

  /// Every design's total cost of need over the horizon as an exceedance curve (P(cost >
  /// amount)), overlaid, with the budgets of `response` on the comparison's basis marked
  /// (the baseline's row: on a common basis every design's budget). Under `absorb` a
  /// budget's line meets each design's curve at that design's P(overspend).
  static func distributions(
    _ c: ComparisonFigures, designs: [(name: String, figures: RunFigures)], response: String, id: String
  ) -> SVGChart? {
    let curves = designs.compactMap { d -> (name: String, points: [CostExceedancePoint])? in
      guard let scope = d.figures.scopeNames.last, let curve = d.figures.exceedance(scope: scope), !curve.points.isEmpty
      else { return nil }
      return (d.name, curve.points)
    }
    guard curves.count > 1, let years = designs.first?.figures.budgetYears else { return nil }
    let budgets = c.budgets.filter { $0.response == response }.compactMap { b -> (label: String, value: Double)? in
      b.rows.first { $0.design == c.baseline }.map { (b.proposal, $0.budgetPerYear * Double(years)) }
    }
    let costs = curves.flatMap { $0.points.map(\.cost) } + budgets.map(\.value)
    guard let low = costs.min(), let high = costs.max(), high > low else { return nil }
    let unit = ReportFormat.moneyUnit(forMagnitude: high)
    let xAxis = SVGChart.Axis.nice(
      "Cost of need over the \(years)-year horizon (\(c.currency)\(unit.words.isEmpty ? "" : " " + unit.words))", low, high, count: 7
    ) { ReportFormat.plain($0 / unit.divisor, significant: 4) }
    let yAxis = SVGChart.Axis.nice("Probability the cost of need is higher (%)", 0, 1, count: 6) { ReportFormat.percentNumber($0) }
    var legend = curves.enumerated().map { i, d in
      SVGChart.LegendEntry(label: d.name, color: colours[i % colours.count], swatch: .line(dash: nil))
    }
    legend.append(.init(label: "budget (\(c.basis) basis)", color: "#555555", swatch: .line(dash: "4 3")))
    let medians = curves.map { d in
      "\(d.name) about \(ReportFormat.money(d.points.first { $0.probability <= 0.5 }?.cost ?? .nan, c.currency))"
    }
    let summary = "The cost of need of each design over the horizon, overlaid: the probability that it is higher than each amount. "
      + "Medians: \(medians.joined(separator: ", ")). Budgets marked (\(response)): "
      + budgets.map { "\($0.label) \(ReportFormat.money($0.value, c.currency))" }.joined(separator: ", ") + "."
    var chart = SVGChart(
      id: id, title: "Cost of need by design, with the budgets (provider \(response)s)", summary: summary,
      x: xAxis, y: yAxis, legend: legend)
    for b in budgets { chart.addVerticalReference(x: b.value, label: b.label, color: "#555555", dash: "4 3", labelAt: .alongTop) }
    for (i, d) in curves.enumerated() {
      chart.addLine(d.name, points: d.points.map { ($0.cost, $0.probability) }, color: colours[i % colours.count])
    }
    return chart
  }
}
