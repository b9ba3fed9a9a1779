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
    out += "Basis (\(c.basis)): \(c.basisNote).\n"
    out += "Differences are design − baseline, paired per iteration, with 95 % intervals; * = the interval excludes 0. "
    out += "Dominated = no worse on P(overspend) and P(service gap) and significantly better on one.\n"
    if let s = c.sampling {
      out += "Sampling: rqmc, \(s.replicates) replicates × \(s.pointsPerReplicate) scrambled Sobol' points, the same points in every design; "
      out += "the differences' intervals are Student-t over the replicates (dominance still uses plain Monte Carlo's wider intervals).\n"
    }
    for b in c.budgets {
      out += "\n\(b.proposal), provider \(b.response)s\n"
      let header = ["rank", "design", "budget a year", "cost of need a year", "P(overspend)", "vs baseline", "P(service gap)", "vs baseline", "E[overspend]", "vs baseline", "cost of need vs baseline", "notes"]
      var rows = [header]
      for r in b.rows {
        let f = Dictionary(uniqueKeysWithValues: r.figures.map { ($0.figure, $0) })
        func probability(_ name: String) -> [String] {
          let x = f[name]!
          return [ReportFormat.probabilityPercent(x.value.mean), x.difference.map { difference($0, unit: .points) } ?? "baseline"]
        }
        let over = f["expected_overspend"]!, cost = f["cost_of_need"]!
        var notes = r.dominatedBy.map { "dominated by \($0.design)" }
        if r.design == c.baseline { notes.insert("baseline", at: 0) }
        rows.append(
          ["\(r.rank)", r.design, ReportFormat.money(r.budgetPerYear, c.currency), ReportFormat.money(r.costOfNeedPerYear, c.currency)]
            + probability("overspend_probability") + probability("service_gap_probability")
            + [ReportFormat.money(over.value.mean, c.currency), over.difference.map { difference($0, unit: .money(c.currency)) } ?? "–",
               cost.difference.map { difference($0, unit: .money(c.currency)) } ?? "–", notes.joined(separator: "; ")])
      }
      out += columns(rows)
      if let partners = partnerRows(b, currency: c.currency) {
        out += "  each partner (pool) against its own budget; a partner pays its own overspend whatever the total does:\n"
        out += columns(partners).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
      }
      if b.rows.allSatisfy({ $0.dominatedBy.isEmpty }) { out += "  dominance: none (no significant paired difference decides one)\n" }
      for pair in b.identicalPairs { out += "  " + identicalNote(pair, response: b.response) + "\n" }
    }
    out += valueOfInformationTable(c)
    if !c.costOfNeedLess.isEmpty {
      out += "\nP(row design's cost of need < other's), at \(c.costComparedAt); ties (equal to 1 part in 10⁹) counted apart:\n"
      var rows = [["design", "other", "cheaper", "95 % interval", "tie"]]
      for p in c.costOfNeedLess {
        rows.append([
          p.design, p.other, ReportFormat.probabilityPercent(p.probability.estimate), ReportFormat.probabilityInterval(p.probability),
          ReportFormat.probabilityPercent(p.tie.estimate),
        ])
      }
      out += columns(rows)
    }
    return out
  }

  /// The per-partner rows of one budget, header first: nil when every design has one pool and
  /// no risk share (the main table already says it all).
  static func partnerRows(_ b: BudgetComparison, currency: String) -> [[String]]? {
    let shown = b.rows.contains { $0.partners.count > 1 || $0.partners.contains { $0.providerResult != nil } }
    guard shown else { return nil }
    let money = { ReportFormat.money($0, currency) }
    var rows = [[
      "design", "P(any partner overspends)", "partners' E[overspend]", "pool", "budget a year", "P(overspend)", "E[overspend]",
      "provider result", "funder result",
    ]]
    for r in b.rows {
      for (i, p) in r.partners.enumerated() {
        let first = i == 0
        rows.append([
          r.design, first ? ReportFormat.probabilityPercent(r.anyPartnerOverspends.estimate) : "",
          first ? money(r.partnersExpectedOverspend) : "", p.pool, money(p.budgetPerYear),
          ReportFormat.probabilityPercent(p.overspendProbability.estimate), money(p.expectedOverspend.mean),
          p.providerResult.map { money($0.mean) } ?? "–", p.funderResult.map { money($0.mean) } ?? "–",
        ])
      }
    }
    return rows
  }

  /// What learning each input before choosing a design is worth (EVPPI), largest first.
  static func valueOfInformationTable(_ c: ComparisonFigures) -> String {
    let v = c.valueOfInformation
    guard !v.inputs.isEmpty else { return "" }
    var out = "\nValue of information for the choice of design (loss: cost of need over the horizon at \(v.at)); "
    out += "EVPPI ± jackknife SE; learning everything (EVPI): \(ReportFormat.money(v.perfect.mean, c.currency)) ± \(ReportFormat.compactMoney(v.perfect.standardError)):\n"
    var rows = [["input", "EVPPI", "± SE"]]
    for i in v.inputs {
      rows.append([i.factor, ReportFormat.money(i.value.mean, c.currency), ReportFormat.compactMoney(i.value.standardError)])
    }
    return out + columns(rows)
  }

  /// The note on two designs that are path-for-path identical at one budget.
  static func identicalNote(_ pair: [String], response: String) -> String {
    "\(pair.joined(separator: " and ")) are path-for-path identical here under \(response) (every compared figure of the total equal on every iteration): a tie, not a ranking (each partner's own figures can still differ)"
  }

  enum DifferenceUnit {
    case points
    case money(String)
  }

  /// `▼ −4.1 pp [−4.8, −3.4]*`: the arrow shows the sign, the star a significant difference.
  static func difference(_ d: PairedDifference, unit: DifferenceUnit) -> String {
    let arrow = d.mean > 0 ? "▲" : (d.mean < 0 ? "▼" : "=")
    // Under RQMC the replicates' Student-t interval (plain Monte Carlo's overstates the error).
    let (lower, upper, excludesZero) = d.replicates.map { ($0.lower, $0.upper, $0.lower > 0 || $0.upper < 0) } ?? (d.lower, d.upper, d.excludesZero)
    let star = excludesZero ? "*" : ""
    switch unit {
    case .points:
      return "\(arrow) \(ReportFormat.signedPercentNumber(d.mean, digits: 1)) pp [\(ReportFormat.signedPercentNumber(lower, digits: 1)), \(ReportFormat.signedPercentNumber(upper, digits: 1))]\(star)"
    case .money:
      let sign = { (x: Double) in (x > 0 ? "+" : "") + ReportFormat.compactMoney(x) }
      return "\(arrow) \(sign(d.mean)) [\(sign(lower)), \(sign(upper))]\(star)"
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
    /// The command that reproduces the comparison (absent when not given).
    var reproduce: String?
    /// `compare --tornado` only: each design's tornado at one shared budget.
    var tornado: [DesignTornado]?
  }

  struct DesignTornado: Encodable {
    var design: String
    var tornado: TornadoFigures
  }

  struct NamedFigures: Encodable {
    var design: String
    var figures: RunFigures
  }

  /// `{"comparison": …, "designs": [{"design": …, "figures": …}]}`.
  public static func json(
    _ c: ComparisonFigures, designs: [(name: String, figures: RunFigures)], reproduce: String? = nil,
    tornado: [(design: String, tornado: TornadoFigures)] = []
  ) throws -> Data {
    try JSONReport.encode(
      Document(
        comparison: c, designs: designs.map { NamedFigures(design: $0.name, figures: $0.figures) }, reproduce: reproduce,
        tornado: tornado.isEmpty ? nil : tornado.map { DesignTornado(design: $0.design, tornado: $0.tornado) }))
  }

  // MARK: CSV

  /// `comparison.csv` (one row per design × shared budget × figure) and `cost_less.csv`.
  public static func csvFiles(_ c: ComparisonFigures) -> [(name: String, data: Data)] {
    let n = CSVReport.number
    var rows = [[
      "proposal", "margin", "response", "design", "rank", "figure", "estimate", "standard_error", "difference",
      "difference_standard_error", "difference_lower", "difference_upper", "unpaired_half_width", "dominated_by",
      "budget_per_year", "cost_of_need_per_year", "basis",
    ]]
    for b in c.budgets {
      for r in b.rows {
        for f in r.figures {
          let d = f.difference
          rows.append([
            b.proposal, b.margin.map(n) ?? "", b.response, r.design, "\(r.rank)", f.figure, n(f.value.mean),
            n(f.value.standardError), d.map { n($0.mean) } ?? "", d.map { n($0.standardError) } ?? "",
            d.map { n($0.lower) } ?? "", d.map { n($0.upper) } ?? "", d.map { n($0.unpairedHalfWidth) } ?? "",
            r.dominatedBy.map(\.design).joined(separator: ";"), n(r.budgetPerYear), n(r.costOfNeedPerYear), c.basis,
          ])
        }
      }
    }
    var less = [["design", "other", "at", "probability", "lower", "upper", "tie"]]
    for p in c.costOfNeedLess {
      less.append([
        p.design, p.other, c.costComparedAt, n(p.probability.estimate), n(p.probability.lower), n(p.probability.upper),
        n(p.tie.estimate),
      ])
    }
    var partners = [[
      "proposal", "response", "design", "any_partner_overspends", "partners_expected_overspend", "pool", "budget_per_year",
      "overspend_probability", "overspend_lower", "overspend_upper", "expected_overspend", "expected_overspend_standard_error",
      "provider_result", "funder_result",
    ]]
    for b in c.budgets {
      for r in b.rows {
        for p in r.partners {
          partners.append([
            b.proposal, b.response, r.design, n(r.anyPartnerOverspends.estimate), n(r.partnersExpectedOverspend), p.pool,
            n(p.budgetPerYear), n(p.overspendProbability.estimate), n(p.overspendProbability.lower),
            n(p.overspendProbability.upper), n(p.expectedOverspend.mean), n(p.expectedOverspend.standardError),
            p.providerResult.map { n($0.mean) } ?? "", p.funderResult.map { n($0.mean) } ?? "",
          ])
        }
      }
    }
    var evppi = [["factor", "at", "evppi", "standard_error"]]
    for i in c.valueOfInformation.inputs {
      evppi.append([i.factor, c.valueOfInformation.at, n(i.value.mean), n(i.value.standardError)])
    }
    evppi.append(["(all: EVPI)", c.valueOfInformation.at, n(c.valueOfInformation.perfect.mean), n(c.valueOfInformation.perfect.standardError)])
    return [
      ("comparison.csv", CSVReport.table(rows)), ("cost_less.csv", CSVReport.table(less)), ("partners.csv", CSVReport.table(partners)),
      ("value_of_information.csv", CSVReport.table(evppi)),
    ]
  }
}

/// The HTML report's design-comparison section: P(overspend) against the margin, one series
/// per design, and the ranked table of every shared budget.
public struct ComparisonSection: HTMLReportSection {
  public let comparison: ComparisonFigures
  /// Each design's own figures, for the overlaid cost distributions (none: no such chart).
  public let designs: [(name: String, figures: RunFigures)]
  public var anchor: String { "design-comparison" }
  public var heading: String { "Designs compared" }

  public init(_ comparison: ComparisonFigures, designs: [(name: String, figures: RunFigures)] = []) {
    self.comparison = comparison
    self.designs = designs
  }

  public func body(figures: RunFigures) -> String {
    let c = comparison
    var html = HTMLReport.paragraph(
      "\(c.designs.count) designs on the same \(ReportFormat.grouped(Double(c.iterations))) simulated pilots (common random numbers): "
        + "each difference is design − \(c.baseline), paired per iteration, with its 95 % interval; ranked by \(c.rankBy). "
        + "A design is dominated only by one no worse on P(overspend) and P(service gap) and significantly better on one.")
    html = HTMLReport.paragraph("Basis (\(c.basis)): \(c.basisNote).", class: "lede") + html
    for response in Set(c.budgets.map(\.response)).sorted() {
      html += HTMLReport.figure(chart(response: response), caption: "P(overspend) against the margin, one line per design, provider \(response)s; bars are 95 % intervals.")
      if response != "absorb" {
        // Under absorb nothing goes unmet; under ration the gap is where pooling helps.
        html += HTMLReport.figure(
          ComparisonCharts.probabilityChart(
            c, response: response, figure: "service_gap_probability", words: "P(service gap)", id: "compare-gap-\(response)"),
          caption: "P(service gap) against the margin, one line per design, provider \(response)s; bars are 95 % intervals.")
      }
    }
    if let response = c.budgets.first?.response {
      html += HTMLReport.figure(
        ComparisonCharts.distributions(c, designs: designs, response: response, id: "compare-distributions"),
        caption: "Each design's cost of need over the horizon (exceedance: P(cost > amount)), overlaid, with the budgets on the \(c.basis) basis marked; under absorb a budget's line meets a design's curve at its P(overspend).")
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
        let notes = r.dominatedBy.map { "dominated by \($0.design)" }
        return [.text("\(r.rank). \(r.design)"), .number(ReportFormat.money(r.budgetPerYear, c.currency)),
                .number(ReportFormat.money(r.costOfNeedPerYear, c.currency))]
          + cell("overspend_probability", money: false)
          + cell("service_gap_probability", money: false) + cell("expected_overspend", money: true)
          + [.text(notes.isEmpty ? "–" : notes.joined(separator: "; "))]
      }
      html += HTMLReport.table(
        caption: "\(b.proposal), provider \(b.response)s",
        header: ["design", "budget a year", "cost of need a year", "P(overspend)", "vs \(c.baseline)", "P(service gap)", "vs \(c.baseline)", "E[overspend]", "vs \(c.baseline)", "dominance"],
        rows: rows)
      if let partners = ComparisonReport.partnerRows(b, currency: c.currency) {
        html += HTMLReport.table(
          caption: "\(b.proposal), provider \(b.response)s: each partner (pool) against its own budget",
          header: partners[0], rows: partners.dropFirst().map { $0.enumerated().map { $0 < 4 ? .text($1) : .number($1) } })
      }
      for pair in b.identicalPairs { html += HTMLReport.paragraph(ComparisonReport.identicalNote(pair, response: b.response), class: "note") }
    }
    let v = c.valueOfInformation
    if !v.inputs.isEmpty {
      html += HTMLReport.paragraph(
        "Value of information: what learning each input before choosing the design is worth (EVPPI, money over the horizon; "
          + "loss: cost of need at \(v.at); \(ValueOfInformation.bins) bins of equal probability; ± a jackknife standard error over "
          + "\(ValueOfInformation.groups) groups of iterations). Learning everything (EVPI): \(ReportFormat.money(v.perfect.mean, c.currency)).")
      html += HTMLReport.table(
        caption: "Value of information for the choice of design, largest first",
        header: ["input", "EVPPI", "± SE"],
        rows: v.inputs.map { [.text($0.factor), .number(ReportFormat.money($0.value.mean, c.currency)), .number(ReportFormat.compactMoney($0.value.standardError))] })
    }
    if !c.costOfNeedLess.isEmpty {
      html += HTMLReport.table(
        caption: "P(design's cost of need < other's), at \(c.costComparedAt); ties (equal to 1 part in 10⁹) apart",
        header: ["design", "other", "cheaper", "95 % interval", "tie"],
        rows: c.costOfNeedLess.map { p in
          [.text(p.design), .text(p.other), .number(ReportFormat.probabilityPercent(p.probability.estimate)),
           .number(ReportFormat.probabilityInterval(p.probability)), .number(ReportFormat.probabilityPercent(p.tie.estimate))]
        })
    }
    return html
  }

  func chart(response: String) -> SVGChart? {
    ComparisonCharts.probabilityChart(
      comparison, response: response, figure: "overspend_probability", words: "P(overspend)", id: "compare-\(response)")
  }
}
