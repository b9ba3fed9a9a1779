import BudgetRiskModel
import BudgetRiskStudies

/// The text that `budget-risk explain` prints: the deterministic budget build-up
/// (``BudgetBuildUp``) as tables of whole currency units, by budget year and over the horizon.
public enum ExplainReport {
  public static func render(_ b: BudgetBuildUp) -> String {
    let years = (0..<b.years).map { "year \($0 + 1)" }
    let amount = { (x: Double) in ReportFormat.grouped(x) }
    var out = "\(b.scenario) — deterministic budget build-up (no simulation)\n"
    out += "Horizon: \(b.periods) \(b.periodLength)s (\(b.years) budget year\(b.years == 1 ? "" : "s")); money in \(b.currency), whole units.\n"
    out += "Expected values: uncertain multipliers at their means, growth and inflation integrated over their\n"
    out += "distributions, shocks at their chance of being active, interventions at full delivery.\n"

    func section(_ title: String, _ header: [String], _ rows: [[String]]) {
      out += "\n\(title)\n" + TableReport.layout([header] + rows)
    }
    func lineRow(_ l: BudgetBuildUp.Line, share: Double? = nil) -> [String] {
      [l.name] + l.byYear.map(amount) + [amount(l.horizon)] + (share.map { [ReportFormat.percent($0, digits: 1)] } ?? [])
    }
    let total = b.total.horizon

    section(
      "Expected population (average people over each budget year)", ["segment"] + years,
      b.population.map { [$0.name] + $0.byYear.map(amount) })
    section(
      "Expected cost of need by segment (\(b.currency))", ["segment"] + years + ["horizon", "share"],
      b.bySegment.map { lineRow($0, share: total > 0 ? $0.horizon / total : 0) } + [lineRow(b.total, share: 1)])
    section(
      "Expected cost of need by service (\(b.currency))", ["service", "category", "pool"] + years + ["horizon", "share"],
      b.byService.map { s in
        [s.service, s.category, s.pool] + s.cost.byYear.map(amount) + [amount(s.cost.horizon), ReportFormat.percent(total > 0 ? s.cost.horizon / total : 0, digits: 1)]
      } + [["total", "", ""] + b.total.byYear.map(amount) + [amount(total), ReportFormat.percent(1, digits: 1)]])
    section(
      "Expected cost of need by pool (\(b.currency))", ["pool"] + years + ["horizon"],
      b.byPool.map { lineRow($0) })

    let baseWords: String
    switch b.baseRule {
    case .expected: baseWords = "the expected cost of need"
    case .fixed: baseWords = "fixed amounts from the scenario, profiled within each year like the expected cost"
    case .capitation: baseWords = "capitation rate × expected population; in the simulation it follows the realised population"
    }
    section("Base budget per pool (\(b.currency); \(baseWords))", ["pool"] + years + ["horizon"], b.baseBudget.map { lineRow($0) })
    section(
      "Proposed budgets (\(b.currency)); each is evaluated on the same simulated paths", ["proposal", "pool"] + years + ["horizon"],
      b.proposals.flatMap { p in p.pools.map { [p.proposal] + lineRow($0) } })
    out += "\nNext: budget-risk run \(b.sourcePath) --report report.html\n"
    return out
  }
}
