import BudgetRiskStudies
import BudgetRiskModel

/// A table cell of the HTML report: text, a right-aligned number, or a figure with its
/// interval on a second line.
enum TableCell {
  case text(String)
  case number(String)
  case figure(String, interval: String)

  /// A probability and its 95 % interval: `47.3 %` over `[45.1–49.5]`.
  static func probability(_ p: Probability) -> TableCell {
    .figure(ReportFormat.probabilityPercent(p.estimate), interval: ReportFormat.probabilityInterval(p))
  }

  /// A mean and its standard error: `−2.61 %` over `± 0.15`.
  static func mean(_ e: Estimate, _ unit: CellUnit) -> TableCell {
    .figure(unit.value(e.mean), interval: "± \(unit.spread(e.standardError))")
  }

  /// A quantile and its 95 % interval: `+8.97 %` over `[+8.38, +9.64]`.
  static func quantile(_ q: QuantileFigure, _ unit: CellUnit) -> TableCell {
    .figure(unit.value(q.value), interval: "[\(unit.bound(q.lower)), \(unit.bound(q.upper))]")
  }

  var html: String {
    let e = HTMLText.escape
    switch self {
    case .text(let t): return "<td>\(e(t))</td>"
    case .number(let t): return "<td class=\"num\">\(e(t))</td>"
    case .figure(let v, let i): return "<td class=\"num\">\(e(v))<span class=\"ci\">\(e(i))</span></td>"
    }
  }
}

/// How a table writes one kind of figure: the value with its unit, and interval bounds and
/// standard errors without it (the unit is on the value just above).
struct CellUnit: Sendable {
  let value: @Sendable (Double) -> String
  let bound: @Sendable (Double) -> String
  let spread: @Sendable (Double) -> String

  static func money(_ currency: String) -> CellUnit {
    CellUnit(
      value: { ReportFormat.money($0, currency) }, bound: { ReportFormat.compactMoney($0) },
      spread: { ReportFormat.compactMoney($0) })
  }

  /// Drift, a signed fraction: `+1.42 %`.
  static let drift = CellUnit(
    value: { ReportFormat.signedPercent($0, digits: 2) }, bound: { ReportFormat.signedPercentNumber($0) },
    spread: { ReportFormat.percentNumber($0, digits: 2) })

  /// A count such as the number of rebasings: `2.35`.
  static let count = CellUnit(
    value: { ReportFormat.plain($0, significant: 3) }, bound: { ReportFormat.plain($0, significant: 3) },
    spread: { ReportFormat.plain($0, significant: 2) })

  /// A share such as the unmet share: `2.74 %`.
  static let share = CellUnit(
    value: { ReportFormat.percent($0, digits: 2) }, bound: { ReportFormat.percentNumber($0, digits: 2) },
    spread: { ReportFormat.percentNumber($0, digits: 2) })
}

extension HTMLReport {
  /// A table with a caption, a header row and rows whose first cell is the row's header.
  static func table(caption: String, header: [String], rows: [[TableCell]]) -> String {
    let e = HTMLText.escape
    var html = "<div class=\"table-wrap\"><table><caption>\(e(caption))</caption><thead><tr>"
    for (i, h) in header.enumerated() {
      // Headers of number columns are right-aligned like their numbers.
      var isNumber = i > 0
      if let cell = rows.first?[safe: i], case .text = cell { isNumber = false }
      html += "<th scope=\"col\"\(isNumber ? " class=\"num\"" : "")>\(e(h))</th>"
    }
    html += "</tr></thead><tbody>"
    for row in rows {
      html += "<tr>"
      for (i, cell) in row.enumerated() {
        if i == 0, case .text(let t) = cell { html += "<th scope=\"row\">\(e(t))</th>" } else { html += cell.html }
      }
      html += "</tr>"
    }
    return html + "</tbody></table></div>\n"
  }
}

extension Array {
  fileprivate subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
