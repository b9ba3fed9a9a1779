import BudgetRiskModel
import Foundation
import BudgetRiskStudies

/// The tornado in money (``TornadoFigures``) as console text, CSV and an HTML section.
public enum TornadoReport {
  static let method = "each input held at its 10th / 90th percentile: the mean over the iterations with the input "
    + "between its 5th and 15th (85th and 95th) percentiles, a tenth of the run each; where the cost rises or falls "
    + "with the input, the estimate lies between the values at the window's ends; ± its Monte Carlo standard error"

  public static func table(_ t: TornadoFigures) -> String {
    let money = { ReportFormat.money($0, t.currency) }
    var out = "\nTornado at \(t.proposal), provider \(t.response)s, \(t.scope): expected cost of need \(money(t.expectedCost.mean)) "
    out += "over the horizon, P(overspend) \(ReportFormat.probabilityPercent(t.overspendProbability.estimate))\n"
    out += "  (\(method))\n"
    var rows = [["input", "cost at P10", "cost at P90", "swing", "P(overspend) at P10", "at P90"]]
    for b in t.factors {
      rows.append([
        b.factor, "\(money(b.low.expectedCost.mean)) ± \(ReportFormat.compactMoney(b.low.expectedCost.standardError))",
        "\(money(b.high.expectedCost.mean)) ± \(ReportFormat.compactMoney(b.high.expectedCost.standardError))",
        (b.costSwing >= 0 ? "+" : "") + ReportFormat.compactMoney(b.costSwing),
        ReportFormat.probabilityPercent(b.low.overspendProbability.estimate), ReportFormat.probabilityPercent(b.high.overspendProbability.estimate),
      ])
    }
    return out + ComparisonReport.columns(rows)
  }

  /// `tornado.csv`: one row per factor, in swing order.
  public static func csv(_ t: TornadoFigures) -> (name: String, data: Data) {
    ("tornado.csv", CSVReport.table([header] + rows(t)))
  }

  /// `tornado.csv` of a comparison: a `design` column first, then each design's rows.
  public static func csv(designs: [(design: String, tornado: TornadoFigures)]) -> (name: String, data: Data) {
    ("tornado.csv", CSVReport.table([["design"] + header] + designs.flatMap { d in rows(d.tornado).map { [d.design] + $0 } }))
  }

  static let header = [
    "proposal", "response", "scope", "factor", "low_percentile", "low_expected_cost", "low_standard_error",
    "low_overspend_probability", "high_percentile", "high_expected_cost", "high_standard_error", "high_overspend_probability",
    "cost_swing", "overspend_swing", "window",
  ]

  static func rows(_ t: TornadoFigures) -> [[String]] {
    let n = CSVReport.number
    return t.factors.map { b in
      [
        t.proposal, t.response, t.scope, b.factor, n(b.low.percentile), n(b.low.expectedCost.mean), n(b.low.expectedCost.standardError),
        n(b.low.overspendProbability.estimate), n(b.high.percentile), n(b.high.expectedCost.mean),
        n(b.high.expectedCost.standardError), n(b.high.overspendProbability.estimate), n(b.costSwing), n(b.overspendSwing),
        n(t.window),
      ]
    }
  }

  /// A horizontal bar per input from its P10 to its P90 expected cost, around the run's
  /// expected cost (the vertical line), largest swing at the top.
  static func chart(_ t: TornadoFigures, id: String) -> String {
    let e = HTMLText.escape
    let values = t.factors.flatMap { [$0.low.expectedCost.mean, $0.high.expectedCost.mean] } + [t.expectedCost.mean]
    guard let low = values.min(), let high = values.max(), high > low, !t.factors.isEmpty else { return "" }
    let left = 170.0, width = 640.0, plot = width - left - 20, row = 26.0
    let height = 40 + row * Double(t.factors.count)
    func x(_ v: Double) -> Double { left + (v - low) / (high - low) * plot }
    func c(_ v: Double) -> String { String(format: "%.1f", v) }
    let summary = t.factors.map { "\($0.factor): \(ReportFormat.money($0.low.expectedCost.mean, t.currency)) to \(ReportFormat.money($0.high.expectedCost.mean, t.currency))" }
    var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"\(id)\" width=\"\(c(width))\" height=\"\(c(height))\" viewBox=\"0 0 \(c(width)) \(c(height))\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\">"
    s += "<title id=\"\(id)-title\">Tornado: expected cost of need with each input at its 10th and 90th percentile</title>"
    s += "<desc id=\"\(id)-desc\">\(e(summary.joined(separator: "; ")))</desc>"
    for (i, b) in t.factors.enumerated() {
      let y = 20 + row * Double(i)
      let a = x(min(b.low.expectedCost.mean, b.high.expectedCost.mean)), z = x(max(b.low.expectedCost.mean, b.high.expectedCost.mean))
      s += "<text x=\"\(c(left - 6))\" y=\"\(c(y + 14))\" text-anchor=\"end\" class=\"tick-label\">\(e(b.factor))</text>"
      s += "<rect x=\"\(c(a))\" y=\"\(c(y + 3))\" width=\"\(c(max(z - a, 1)))\" height=\"\(c(row - 8))\" fill=\"\(ChartPalette.blue)\"/>"
    }
    let mid = x(t.expectedCost.mean)
    s += "<line x1=\"\(c(mid))\" x2=\"\(c(mid))\" y1=\"14\" y2=\"\(c(height - 16))\" stroke=\"#000000\" stroke-dasharray=\"4 3\"/>"
    s += "<text x=\"\(c(left))\" y=\"\(c(height - 4))\" class=\"tick-label\">\(e(ReportFormat.money(low, t.currency)))</text>"
    s += "<text x=\"\(c(left + plot))\" y=\"\(c(height - 4))\" text-anchor=\"end\" class=\"tick-label\">\(e(ReportFormat.money(high, t.currency)))</text>"
    return s + "</svg>"
  }
}

/// The report's tornado section (`run --tornado`, `compare --tornado`).
public struct TornadoSection: HTMLReportSection {
  public let tornado: TornadoFigures
  public let design: String?
  public var anchor: String { design.map { "tornado-\($0)" } ?? "tornado" }
  public var heading: String { "Tornado in money" + (design.map { " — \($0)" } ?? "") }

  public init(_ tornado: TornadoFigures, design: String? = nil) { self.tornado = tornado; self.design = design }

  public func body(figures: RunFigures) -> String {
    let t = tornado, money = { ReportFormat.money($0, t.currency) }
    var html = HTMLReport.paragraph(
      "At \(t.proposal), provider \(t.response)s (\(t.scope)): expected cost of need \(money(t.expectedCost.mean)) over the horizon, "
        + "P(overspend) \(ReportFormat.probabilityPercent(t.overspendProbability.estimate)). Method: \(TornadoReport.method).")
    html += "<figure>\(TornadoReport.chart(t, id: HTMLText.identifier("tornado-chart-\(design ?? "run")")))<figcaption>"
    html += HTMLText.escape("Each bar runs from the expected cost with the input at its 10th percentile to that at its 90th; the dashed line is the run's expected cost.")
    html += "</figcaption></figure>\n"
    html += HTMLReport.table(
      caption: "Tornado at \(t.proposal), provider \(t.response)s",
      header: ["input", "cost at P10", "± SE", "cost at P90", "± SE", "swing", "P(overspend) at P10", "at P90"],
      rows: t.factors.map { b in
        [.text(b.factor), .number(money(b.low.expectedCost.mean)), .number(ReportFormat.compactMoney(b.low.expectedCost.standardError)),
         .number(money(b.high.expectedCost.mean)), .number(ReportFormat.compactMoney(b.high.expectedCost.standardError)),
         .number(ReportFormat.compactMoney(b.costSwing)), .number(ReportFormat.probabilityPercent(b.low.overspendProbability.estimate)),
         .number(ReportFormat.probabilityPercent(b.high.overspendProbability.estimate))]
      })
    return html
  }
}
