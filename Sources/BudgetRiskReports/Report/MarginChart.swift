import BudgetRiskStudies
import BudgetRiskModel

/// The margin solver's decision chart: P(overspend) (and, when rationing, P(service gap))
/// against the margin near the solved margin, with 95 % Wilson intervals as a band, the
/// targets as horizontal lines, the solved margin as a vertical line and its interval shaded.
enum MarginChart {
  static func make(_ f: MarginFigures, result r: MarginResult, id: String) -> SVGChart? {
    guard r.curve.count > 1 else { return nil }
    let xs = r.curve.map(\.margin) + [r.lower, r.upper].compactMap { $0 }
    let showGap = r.response != "absorb" && f.serviceGapTarget != nil
    var top = r.curve.map(\.overspendProbability.upper) + [f.overspendTarget]
    if showGap { top += r.curve.compactMap { $0.serviceGapProbability?.upper } + [f.serviceGapTarget!] }
    let xAxis = SVGChart.Axis.nice("Contingency margin on the base budget (%)", xs.min()!, max(xs.max()!, xs.min()! + 0.001), count: 7) {
      ReportFormat.percentNumber($0, digits: 1)
    }
    let yAxis = SVGChart.Axis.nice("Probability (%)", 0, min(1, max(0.05, top.max()! * 1.05)), count: 6) {
      ReportFormat.percentNumber($0)
    }
    let color = ChartPalette.response(r.response)
    var legend: [SVGChart.LegendEntry] = [
      .init(label: "P(overspend), \(RunFigures.responseWords(r.response))", color: color, swatch: .line(dash: nil, marker: nil)),
      .init(label: "95 % interval of P(overspend)", color: color, swatch: .band(opacity: 0.2)),
    ]
    if showGap {
      legend.append(.init(label: "P(service gap)", color: ChartPalette.bluishGreen, swatch: .line(dash: "7 4")))
    }
    legend.append(.init(label: "solved margin and its 95 % interval", color: ChartPalette.black, swatch: .band(opacity: 0.12)))

    var words = "P(overspend) of \(r.scope) against the contingency margin when the \(RunFigures.responseWords(r.response))."
    if let m = r.margin, let lo = r.lower, let hi = r.upper {
      words += " The smallest margin with P(overspend) at most \(ReportFormat.percent(f.overspendTarget)) is \(ReportFormat.percent(m, digits: 2)), 95 % interval \(ReportFormat.percent(lo, digits: 2)) to \(ReportFormat.percent(hi, digits: 2))."
    } else {
      words += " No margin searched meets the target."
    }
    var chart = SVGChart(
      id: id, title: "Solved contingency margin — \(r.scope), \(r.response)", summary: words, x: xAxis, y: yAxis, legend: legend)
    let ceiling = yAxis.domain.upperBound
    if let lo = r.lower, let hi = r.upper, lo < hi {
      chart.addBand("margin interval", lower: [(lo, 0), (hi, 0)], upper: [(lo, ceiling), (hi, ceiling)], color: ChartPalette.black, opacity: 0.12)
    }
    let over = r.curve.map { (x: $0.margin, p: $0.overspendProbability) }
    chart.addBand("overspend interval", lower: over.map { ($0.x, $0.p.lower) }, upper: over.map { ($0.x, $0.p.upper) }, color: color, opacity: 0.2)
    chart.addLine("P(overspend)", points: over.map { ($0.x, $0.p.estimate) }, color: color)
    if showGap {
      let gap = r.curve.compactMap { c in c.serviceGapProbability.map { (x: c.margin, y: $0.estimate) } }
      chart.addLine("P(service gap)", points: gap, color: ChartPalette.bluishGreen, dash: "7 4")
      chart.addHorizontalReference(y: f.serviceGapTarget!, label: "service-gap target \(ReportFormat.percent(f.serviceGapTarget!))", dash: "2 3")
    }
    chart.addHorizontalReference(y: f.overspendTarget, label: "overspend target \(ReportFormat.percent(f.overspendTarget))", labelLeft: true)
    if let m = r.margin {
      chart.addVerticalReference(x: m, label: "solved \(ReportFormat.percent(m, digits: 2))", dash: "none")
    }
    return chart
  }
}
