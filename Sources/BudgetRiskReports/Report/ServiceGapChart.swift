import BudgetRiskModel
import BudgetRiskStudies

/// Service gap by category: for each proposed budget, the probability that more than the
/// threshold share of proactive (and of reactive) need goes unmet, with 95 % intervals.
enum ServiceGapChart {
  static func make(_ f: RunFigures, response: String, scope s: Int, id: String) -> SVGChart? {
    let budgets = f.budgets(response: response)
    guard !budgets.isEmpty else { return nil }
    let categories = budgets[0].scopes[s].serviceGap.byCategory.map(\.category)
    let uppers = budgets.flatMap { $0.scopes[s].serviceGap.byCategory.map(\.probability.upper) }
    let n = budgets.count
    let xAxis = SVGChart.Axis(
      title: "Proposed budget", domain: -0.5...(Double(n) - 0.5), ticks: (0..<n).map(Double.init)
    ) { i in
      let k = Int(i.rounded())
      return k >= 0 && k < n ? RunFigures.shortLabel(budgets[k]) : ""
    }
    let threshold = budgets[0].scopes[s].serviceGap.threshold
    let yAxis = SVGChart.Axis.nice(
      "P(more than \(ReportFormat.percent(threshold)) of need unmet) (%)", 0, max(0.05, (uppers.max() ?? 0) * 1.05), count: 6
    ) { ReportFormat.percentNumber($0) }
    let legend = categories.map {
      SVGChart.LegendEntry(label: "\($0) services", color: ChartPalette.category($0), swatch: .bar)
    }
    let scope = f.scopeNames[s]
    let words = categories.map { c in
      "\(c): " + budgets.map { b in
        let g = b.scopes[s].serviceGap.byCategory.first { $0.category == c }!
        return "\(RunFigures.shortLabel(b)) \(ReportFormat.percent(g.probability.estimate))"
      }.joined(separator: ", ")
    }
    let summary =
      "Service-gap probability of \(scope) by category of service (\(RunFigures.responseWords(response))): the chance that more than \(ReportFormat.percent(threshold)) of the category's need goes unmet over the horizon, for each proposed budget. "
      + words.joined(separator: "; ") + "."
    var chart = SVGChart(
      id: id, title: "Service gap by category — \(scope)", summary: summary, x: xAxis, y: yAxis, legend: legend)
    let slot = min(56.0, (chart.right - chart.left) / Double(n) * 0.8)
    let barWidth = slot / Double(max(1, categories.count))
    for (c, category) in categories.enumerated() {
      let offset = (Double(c) - Double(categories.count - 1) / 2) * barWidth
      let gaps = budgets.enumerated().map { k, b in (x: Double(k), g: b.scopes[s].serviceGap.byCategory[c].probability) }
      chart.addBars("\(category)", gaps.map { ($0.x, $0.g.estimate) }, offset: offset, barWidth: barWidth * 0.9, color: ChartPalette.category(category))
      chart.addBarIntervals("\(category) interval", gaps.map { ($0.x, $0.g.lower, $0.g.upper) }, offset: offset)
    }
    return chart
  }
}
