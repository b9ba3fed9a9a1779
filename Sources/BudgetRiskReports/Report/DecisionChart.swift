import BudgetRiskStudies
import BudgetRiskModel

/// The decision chart: overspend probability and service-gap probability against the
/// contingency margin, one pair of series per provider response, with 95 % intervals, the
/// targets as horizontal lines and the recommended margin ringed.
enum DecisionChart {
  static func make(_ f: RunFigures, scope s: Int, id: String) -> SVGChart? {
    let scope = f.scopeNames[s]
    let responses = f.responses.filter { !f.marginBudgets(response: $0).isEmpty }
    guard !responses.isEmpty else { return nil }
    let target = f.recommendations.first { $0.scope == scope }
    let alpha = target?.overspendTarget, beta = target?.serviceGapTarget

    // Service gap series: responses that ration (absorb never leaves need unmet), or the
    // only response when none rations.
    let gapResponses = responses.contains("ration") ? responses.filter { $0 == "ration" } : [responses[0]]
    let margins = responses.flatMap { f.marginBudgets(response: $0).compactMap(\.margin) }
    var top = [alpha ?? 0, beta ?? 0]
    for r in responses {
      for b in f.marginBudgets(response: r) {
        top.append(b.scopes[s].overspendProbability.upper)
        if gapResponses.contains(r) { top.append(b.scopes[s].serviceGap.probability.upper) }
      }
    }
    let xAxis = SVGChart.Axis.nice(
      "Contingency margin on the base budget (%)", margins.min()!, max(margins.max()!, margins.min()! + 0.01), count: 7
    ) { ReportFormat.percentNumber($0) }.padded(0.025)
    let yAxis = SVGChart.Axis.nice("Probability (%)", 0, min(1, max(0.05, top.max()! * 1.05)), count: 6) {
      ReportFormat.percentNumber($0)
    }

    var legend = [SVGChart.LegendEntry]()
    for r in responses {
      legend.append(.init(label: "P(overspend), \(RunFigures.responseWords(r))", color: ChartPalette.response(r), swatch: .line(dash: nil, marker: style(r).marker)))
    }
    for r in gapResponses {
      legend.append(.init(label: "P(service gap), \(RunFigures.responseWords(r))", color: ChartPalette.response(r), swatch: .line(dash: "7 4", marker: .diamond)))
    }
    legend.append(.init(label: "recommended margin", color: ChartPalette.black, swatch: .ring))

    var words = ["Overspend and service-gap probabilities of \(scope) against the contingency margin."]
    for r in responses {
      let bs = f.marginBudgets(response: r)
      let first = bs.first!, last = bs.last!
      var sentence = "If the \(RunFigures.responseWords(r)), P(overspend) is \(ReportFormat.percent(first.scopes[s].overspendProbability.estimate)) at a \(ReportFormat.margin(first.margin!)) margin"
      if bs.count > 1 { sentence += " and \(ReportFormat.percent(last.scopes[s].overspendProbability.estimate)) at \(ReportFormat.margin(last.margin!))" }
      if gapResponses.contains(r) {
        sentence += "; P(service gap) is \(ReportFormat.percent(first.scopes[s].serviceGap.probability.estimate))"
        if bs.count > 1 { sentence += " and \(ReportFormat.percent(last.scopes[s].serviceGap.probability.estimate))" }
      }
      if let m = f.recommendation(response: r, scope: scope)?.margin {
        sentence += "; the recommended margin is \(ReportFormat.margin(m))."
      } else {
        sentence += "; no listed margin meets the target."
      }
      words.append(sentence)
    }
    if let alpha { words.append("The overspend target is \(ReportFormat.percent(alpha)).") }
    if let beta { words.append("The service-gap target is \(ReportFormat.percent(beta)).") }

    var chart = SVGChart(
      id: id, title: "Overspend and service-gap probability against the margin — \(scope)",
      summary: words.joined(separator: " "), x: xAxis, y: yAxis, legend: legend)
    // Targets are labelled at the left, where the probabilities are high and the plot is free.
    if let alpha { chart.addHorizontalReference(y: alpha, label: "overspend target \(ReportFormat.percent(alpha))", labelLeft: true) }
    if let beta {
      // Beside the overspend target's label it would overlap, so a close one goes right.
      let span = yAxis.domain.upperBound - yAxis.domain.lowerBound
      let near = alpha.map { abs($0 - beta) < 0.05 * span } ?? false
      chart.addHorizontalReference(y: beta, label: "service-gap target \(ReportFormat.percent(beta))", dash: "2 3", labelLeft: !near)
    }
    // Rationing first, so that absorb's thinner line stays visible where the two coincide.
    for r in responses.sorted(by: { style($0).order < style($1).order }) {
      let bs = f.marginBudgets(response: r)
      let color = ChartPalette.response(r)
      if gapResponses.contains(r) {
        let gap = bs.map { (x: $0.margin!, y: $0.scopes[s].serviceGap.probability) }
        chart.addIntervals("service gap \(r) interval", gap.map { ($0.x, $0.y.lower, $0.y.upper) }, color: color)
        chart.addLine("P(service gap) \(r)", points: gap.map { ($0.x, $0.y.estimate) }, color: color, dash: "7 4", marker: .diamond)
      }
      let over = bs.map { (x: $0.margin!, y: $0.scopes[s].overspendProbability) }
      let look = style(r)
      chart.addIntervals("overspend \(r) interval", over.map { ($0.x, $0.y.lower, $0.y.upper) }, color: color, offset: look.offset)
      chart.addLine("P(overspend) \(r)", points: over.map { ($0.x, $0.y.estimate) }, color: color, lineWidth: look.width, marker: look.marker)
      if let m = f.recommendation(response: r, scope: scope)?.margin,
        let b = bs.first(where: { $0.margin == m })
      {
        chart.addRing(
          at: (m, b.scopes[s].overspendProbability.estimate), color: ChartPalette.black,
          label: "recommended margin \(ReportFormat.margin(m)), \(RunFigures.responseWords(r))")
      }
    }
    return chart
  }

  /// How a response's overspend series is drawn: its marker, line width, interval offset
  /// (pixels) and drawing order, so that coinciding series stay distinguishable.
  static func style(_ response: String) -> (marker: SVGChart.Marker, width: Double, offset: Double, order: Int) {
    response == "ration" ? (.square, 4, 4, 0) : (.circle, 2, -4, 1)
  }
}
