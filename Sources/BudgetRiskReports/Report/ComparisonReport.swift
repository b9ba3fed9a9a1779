import Foundation
import BudgetRiskNumerics
import BudgetRiskStudies
import BudgetRiskModel

/// The outputs of `budget-risk compare`: the ranked table, JSON, tidy CSV and an HTML section.
public enum ComparisonReport {
  // MARK: Table

  /// The ranked table, one block per shared proposed budget × response.
  ///
  /// Each design's P(overspend), P(service gap), expected overspend and cost of need, with
  /// ▲/▼ its paired difference from the baseline and the 95 % paired interval (`*` where the
  /// interval excludes 0), and `dominated by X` flags.
  public static func table(_ c: ComparisonFigures) -> String {
    var out = "Designs compared on common random numbers: \(ReportFormat.grouped(Double(c.iterations))) iterations, "
    out += "seed \(c.seed); baseline \(c.baseline); ranked by \(c.rankBy) (1 = best).\n"
    out += "Differences are design − baseline, paired per iteration, with 95 % intervals; * = the interval excludes 0.\n"
    for b in c.budgets {
      out += "\n\(b.proposal), provider \(b.response)s\n"
      let header = ["rank", "design", "P(overspend)", "vs baseline", "P(service gap)", "vs baseline", "E[overspend]", "vs baseline", "cost of need vs baseline", "notes"]
      var rows = [header]
      for r in b.rows {
        let f = Dictionary(uniqueKeysWithValues: r.figures.map { ($0.figure, $0) })
        func probability(_ name: String) -> [String] {
          let x = f[name]!
          return [ReportFormat.probabilityPercent(x.value.mean), x.difference.map { difference($0, unit: .points) } ?? "baseline"]
        }
        let over = f["expected_overspend"]!, cost = f["cost_of_need"]!
        var notes = r.dominatedBy.map { "dominated by \($0.design)\($0.significant ? "*" : "")" }
        if r.design == c.baseline { notes.insert("baseline", at: 0) }
        rows.append(
          ["\(r.rank)", r.design] + probability("overspend_probability") + probability("service_gap_probability")
            + [ReportFormat.money(over.value.mean, c.currency), over.difference.map { difference($0, unit: .money(c.currency)) } ?? "–",
               cost.difference.map { difference($0, unit: .money(c.currency)) } ?? "–", notes.joined(separator: "; ")])
      }
      out += columns(rows)
    }
    if !c.costOfNeedLess.isEmpty {
      out += "\nP(row design's cost of need < other's), at \(c.costComparedAt):\n"
      var rows = [["design", "other", "probability", "95 % interval"]]
      for p in c.costOfNeedLess {
        rows.append([p.design, p.other, ReportFormat.probabilityPercent(p.probability.estimate), ReportFormat.probabilityInterval(p.probability)])
      }
      out += columns(rows)
    }
    return out
  }

  enum DifferenceUnit {
    case points
    case money(String)
  }

  /// `▼ −4.1 pp [−4.8, −3.4]*`: the arrow shows the sign, the star a significant difference.
  static func difference(_ d: PairedDifference, unit: DifferenceUnit) -> String {
    let arrow = d.mean > 0 ? "▲" : (d.mean < 0 ? "▼" : "=")
    let star = d.excludesZero ? "*" : ""
    switch unit {
    case .points:
      return "\(arrow) \(ReportFormat.signedPercentNumber(d.mean, digits: 1)) pp [\(ReportFormat.signedPercentNumber(d.lower, digits: 1)), \(ReportFormat.signedPercentNumber(d.upper, digits: 1))]\(star)"
    case .money:
      let sign = { (x: Double) in (x > 0 ? "+" : "") + ReportFormat.compactMoney(x) }
      return "\(arrow) \(sign(d.mean)) [\(sign(d.lower)), \(sign(d.upper))]\(star)"
    }
  }

  /// Left-aligned text columns separated by two spaces.
  static func columns(_ rows: [[String]]) -> String {
    let widths = rows[0].indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
    return rows.map { row in
      "  " + row.enumerated().map { i, cell in cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
        .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }.joined(separator: "\n") + "\n"
  }

  // MARK: JSON

  struct Document: Encodable {
    var comparison: ComparisonFigures
    /// Each design's full figures, in the comparison's design order.
    var designs: [NamedFigures]
  }

  struct NamedFigures: Encodable {
    var design: String
    var figures: RunFigures
  }

  /// `{"comparison": …, "designs": [{"design": …, "figures": …}]}`.
  public static func json(_ c: ComparisonFigures, designs: [(name: String, figures: RunFigures)]) throws -> Data {
    try JSONReport.encode(
      Document(comparison: c, designs: designs.map { NamedFigures(design: $0.name, figures: $0.figures) }))
  }

  // MARK: CSV

  /// `comparison.csv` (one row per design × shared budget × figure) and `cost_less.csv`.
  public static func csvFiles(_ c: ComparisonFigures) -> [(name: String, data: Data)] {
    let n = CSVReport.number
    var rows = [[
      "proposal", "margin", "response", "design", "rank", "figure", "estimate", "standard_error", "difference",
      "difference_standard_error", "difference_lower", "difference_upper", "unpaired_half_width", "dominated_by",
    ]]
    for b in c.budgets {
      for r in b.rows {
        for f in r.figures {
          let d = f.difference
          rows.append([
            b.proposal, b.margin.map(n) ?? "", b.response, r.design, "\(r.rank)", f.figure, n(f.value.mean),
            n(f.value.standardError), d.map { n($0.mean) } ?? "", d.map { n($0.standardError) } ?? "",
            d.map { n($0.lower) } ?? "", d.map { n($0.upper) } ?? "", d.map { n($0.unpairedHalfWidth) } ?? "",
            r.dominatedBy.map(\.design).joined(separator: ";"),
          ])
        }
      }
    }
    var less = [["design", "other", "at", "probability", "lower", "upper"]]
    for p in c.costOfNeedLess {
      less.append([p.design, p.other, c.costComparedAt, n(p.probability.estimate), n(p.probability.lower), n(p.probability.upper)])
    }
    return [("comparison.csv", CSVReport.table(rows)), ("cost_less.csv", CSVReport.table(less))]
  }
}

/// The HTML report's design-comparison section: P(overspend) against the margin, one series
/// per design, and the ranked table of every shared budget.
public struct ComparisonSection: HTMLReportSection {
  public let comparison: ComparisonFigures
  public var anchor: String { "design-comparison" }
  public var heading: String { "Designs compared" }

  public init(_ comparison: ComparisonFigures) { self.comparison = comparison }

  public func body(figures: RunFigures) -> String {
    let c = comparison
    var html = HTMLReport.paragraph(
      "\(c.designs.count) designs on the same \(ReportFormat.grouped(Double(c.iterations))) simulated pilots (common random numbers): "
        + "each difference is design − \(c.baseline), paired per iteration, with its 95 % interval; ranked by \(c.rankBy).")
    for response in Set(c.budgets.map(\.response)).sorted() {
      html += HTMLReport.figure(chart(response: response), caption: "P(overspend) against the margin, one line per design, provider \(response)s; bars are 95 % intervals.")
    }
    for b in c.budgets {
      let rows: [[TableCell]] = b.rows.map { r in
        let f = Dictionary(uniqueKeysWithValues: r.figures.map { ($0.figure, $0) })
        func cell(_ name: String, money: Bool) -> [TableCell] {
          let x = f[name]!
          let value = money ? ReportFormat.money(x.value.mean, c.currency) : ReportFormat.probabilityPercent(x.value.mean)
          let diff: TableCell = x.difference.map {
            let text = ComparisonReport.difference($0, unit: money ? .money(c.currency) : .points)
            let parts = text.split(separator: " [", maxSplits: 1)
            return .figure(String(parts[0]), interval: parts.count > 1 ? "[" + parts[1] : "")
          } ?? .text("baseline")
          return [.number(value), diff]
        }
        let notes = r.dominatedBy.map { "dominated by \($0.design)\($0.significant ? " (significant)" : "")" }
        return [.text("\(r.rank). \(r.design)")] + cell("overspend_probability", money: false)
          + cell("service_gap_probability", money: false) + cell("expected_overspend", money: true)
          + [.text(notes.isEmpty ? "–" : notes.joined(separator: "; "))]
      }
      html += HTMLReport.table(
        caption: "\(b.proposal), provider \(b.response)s",
        header: ["design", "P(overspend)", "vs \(c.baseline)", "P(service gap)", "vs \(c.baseline)", "E[overspend]", "vs \(c.baseline)", "dominance"],
        rows: rows)
    }
    return html
  }

  func chart(response: String) -> SVGChart? {
    let budgets = comparison.budgets.filter { $0.response == response && $0.margin != nil }
    guard budgets.count > 1 else { return nil }
    let margins = budgets.map { $0.margin! }
    let colours = [ChartPalette.blue, ChartPalette.vermillion, ChartPalette.bluishGreen, ChartPalette.orange,
                   ChartPalette.reddishPurple, ChartPalette.skyBlue, ChartPalette.black]
    let markers: [SVGChart.Marker] = [.circle, .square, .diamond]
    let names = comparison.designs.map(\.name)
    func series(_ d: String) -> [(x: Double, y: Double, se: Double)] {
      budgets.compactMap { b in
        b.rows.first { $0.design == d }?.figures.first { $0.figure == "overspend_probability" }
          .map { (x: b.margin!, y: $0.value.mean, se: $0.value.standardError) }
      }
    }
    let top = names.flatMap { series($0).map { $0.y + 2 * $0.se } }.max() ?? 0.05
    let xAxis = SVGChart.Axis.nice("Contingency margin (%)", margins.min()!, max(margins.max()!, margins.min()! + 0.01), count: 7) {
      ReportFormat.percentNumber($0)
    }.padded(0.025)
    let yAxis = SVGChart.Axis.nice("P(overspend) (%)", 0, min(1, max(0.05, top * 1.05)), count: 6) { ReportFormat.percentNumber($0) }
    let legend = names.enumerated().map { i, n in
      SVGChart.LegendEntry(label: n, color: colours[i % colours.count], swatch: .line(dash: nil, marker: markers[i % markers.count]))
    }
    let words = names.map { n in
      let s = series(n)
      return "\(n): \(ReportFormat.percent(s.first?.y ?? .nan)) at \(ReportFormat.margin(margins.first!)), \(ReportFormat.percent(s.last?.y ?? .nan)) at \(ReportFormat.margin(margins.last!))."
    }
    var chart = SVGChart(
      id: "compare-\(response)", title: "P(overspend) against the margin by design, provider \(response)s",
      summary: words.joined(separator: " "), x: xAxis, y: yAxis, legend: legend)
    for (i, n) in names.enumerated() {
      let s = series(n), colour = colours[i % colours.count]
      chart.addIntervals("\(n) interval", s.map { ($0.x, max(0, $0.y - CriticalValue.z95 * $0.se), $0.y + CriticalValue.z95 * $0.se) }, color: colour, offset: Double(i - names.count / 2) * 3)
      chart.addLine(n, points: s.map { ($0.x, $0.y) }, color: colour, marker: markers[i % markers.count])
    }
    return chart
  }
}
