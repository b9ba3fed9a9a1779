import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Proposals with one amount (or one margin) per budget year, on the independent years of
/// ``YearlyFiguresTests`` (compound Poisson–gamma cost per year, exact CDF).
///
/// A margin per year gives each year exactly the budget of that year's flat margin (the same
/// expression per period), so on the same paths its per-year figures equal theirs to the bit.
/// Stated amounts equal to the base × (1 + mᵧ) are profiled from the amount instead, so they
/// are checked against the exact law: tolerances are 4 binomial standard errors
/// √(p(1 − p)/n) of the figure compared.
@Suite struct YearlyProposalsTests {
  static let n = 20_000
  static let stepped = [0.0, 0.25, 0.5]

  /// The scenario of ``YearlyFiguresTests`` with flat margins, a margin per year and stated
  /// amounts per year, and each year's expected base.
  static func scenario() throws -> (Scenario, base: [Double]) {
    var s = YearlyFiguresTests.scenario()
    let plan = try SimulationPlan(s)
    let ppy = plan.periodsPerYear
    let base = (0..<plan.years).map { y in (0..<ppy).reduce(0.0) { $0 + plan.expectedBase[y * ppy + $1] } }
    s.budget.proposals =
      stepped.map { .margin($0) } + [
        .yearlyMargins(name: "stepped", margins: stepped),
        .amounts(name: "stated", annual: [zip(base, stepped).map { $0 * (1 + $1) }]),
      ]
    return (s, base)
  }

  @Test func eachYearIsJudgedOnItsOwnAmount() throws {
    let (s, base) = try Self.scenario()
    let (_, f) = try TestScenario.run(s, iterations: Self.n, seed: 2026)
    #expect(f.budgets.map(\.proposal).suffix(2) == ["stepped", "stated"])
    let byMargin = f.budgets[3].scopes[0], stated = f.budgets[4].scopes[0]
    #expect(f.budgets[3].margin == nil && f.budgets[4].margin == nil)
    func se(_ p: Double) -> Double { (p * (1 - p) / Double(Self.n)).squareRoot() }
    var exactByYear = [Double]()
    for y in 0..<3 {
      let flat = f.budgets[y].scopes[0].years[y]
      // The same budget in year y as the flat margin stepped[y], on the same paths: equal figures.
      #expect(byMargin.years[y].overspendProbability == flat.overspendProbability)
      #expect(byMargin.years[y].expectedOverspend == flat.expectedOverspend)
      #expect(byMargin.years[y].budget == flat.budget)
      // The stated amount is the year's budget: the year's total is rounded once to the money
      // grid (half a quantum), its profile sums to 1 within a few ulps.
      let amount = base[y] * (1 + Self.stepped[y])
      #expect(abs(stated.years[y].budget.mean - amount) <= MoneyGrid.quantum)
      let exact = YearlyFiguresTests.exactYearly(f, margin: Self.stepped[y])[y]
      exactByYear.append(exact)
      #expect(abs(stated.years[y].overspendProbability.estimate - exact) < 4 * se(exact), "year \(y + 1)")
    }
    // The years differ, so the stated years are really judged apart: P(overspend) falls with the margin.
    #expect(exactByYear[0] > exactByYear[1] + 0.1 && exactByYear[1] > exactByYear[2] + 0.05)
    let any = 1 - exactByYear.reduce(1) { $0 * (1 - $1) }
    for x in [byMargin, stated] {
      #expect(abs(x.anyYearOverspends.estimate - any) < 4 * se(any), "\(x.anyYearOverspends.estimate) vs \(any)")
    }
  }

  /// `explain`'s build-up shows each year's amount.
  @Test func theBuildUpShowsEachYearsAmount() throws {
    let (s, base) = try Self.scenario()
    let plan = try SimulationPlan(s)
    let stepped = ProposedBudget(s.budget.proposals[3]), stated = ProposedBudget(s.budget.proposals[4])
    let expected = zip(base, Self.stepped).map { $0 * (1 + $1) }
    #expect(stepped.byYear(pool: 0, baseByYear: base) == expected)
    #expect(stated.byYear(pool: 0, baseByYear: base) == expected)
    // Over the horizon, each proposal gives the sum of its years (each year rounded once to
    // the money grid, within half a quantum).
    for p in [stepped, stated] {
      #expect(abs(p.horizon(pools: [0], plan: plan) - expected.reduce(0, +)) <= 3 * MoneyGrid.quantum)
    }
  }
}

extension YearlyProposalsTests {
  /// Under a capitation base a margin per year follows the realised population like a flat
  /// margin: the same margin every year gives the flat margin's figures to the bit.
  @Test func aYearlyMarginUnderCapitationFollowsThePopulation() throws {
    var s = YearlyFiguresTests.scenario()
    s.budget.base = .capitation(rates: [150], segments: [0])
    s.budget.proposals = [.margin(0.05), .yearlyMargins(name: "flat", margins: [0.05, 0.05, 0.05])]
    let (_, f) = try TestScenario.run(s, iterations: 512, seed: 5)
    let flat = f.budgets[0].scopes[0], yearly = f.budgets[1].scopes[0]
    #expect(flat.overspendProbability == yearly.overspendProbability)
    #expect(flat.years == yearly.years)
    #expect(flat.overspendProbability.estimate > 0 && flat.overspendProbability.estimate < 1)
  }
}

extension YearlyProposalsTests {
  /// The table names each year's amount of a stated proposal; the HTML headline each year's
  /// budget at the recommended margin besides their average.
  @Test func theReportsShowEachYearsBudget() throws {
    var (s, base) = try Self.scenario()
    s.budget.proposals = [.margin(0.5), .amounts(name: "stated", annual: [[2_000, 2_500, 3_000]])]
    let (_, f) = try TestScenario.run(s, iterations: 256, seed: 1)
    let table = TableReport.render(f, manifest: nil)
    #expect(table.contains("  stated by budget year: GBP 2.0k / GBP 2.5k / GBP 3.0k\n"))
    #expect(!table.contains("margin 50% by budget year"))
    let html = HTMLReport.headline(f)
    let years = base.map { ReportFormat.money($0 * 1.5, "GBP") }.joined(separator: ", ")
    #expect(html.contains("a year on average (\(years) in budget years 1 to 3)"))
    // The fan's section shows its budget year by year, with P(any year overspends).
    let fan = HTMLReport.drift(f)
    let any = f.budgets[0].scopes[0].anyYearOverspends.estimate
    #expect(fan.contains("by budget year — P(any year overspends) \(ReportFormat.percent(any))"))
    #expect(fan.contains("year 3"))
    // The gap's section, under ration, shows when rationing starts in each year.
    let gap = HTMLReport.serviceGap(ReportFixture.figures)
    #expect(gap.contains("by budget year (") && gap.contains("P(it starts before the last quarter)"))
    #expect(HTMLReport.serviceGap(f).contains("by budget year (") == false)
  }
}
