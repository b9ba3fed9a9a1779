import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// `margin` under the yearly overspend rules and the per-category gap targets.
///
/// The yearly rules are checked on the independent years of ``YearlyFiguresTests`` (year y's
/// cost compound Poisson–gamma with an exact CDF Fᵧ, budget baseᵧ(1 + m)): at the solved
/// margin m̂ the exact
///
///     every_year: 1 − Πᵧ (1 − pᵧ(m̂)) = α,   worst_year: maxᵧ pᵧ(m̂) = α,   pᵧ(m) = 1 − Fᵧ(baseᵧ(1 + m)),
///
/// up to the Monte Carlo error of the sample probability the search inverts: tolerance 4
/// binomial standard errors √(α(1 − α)/n) (the search's 1e−4 resolution moves p by far less).
@Suite struct MarginRuleTests {
  static let n = 4_000
  static let alpha = 0.1

  static func solve(_ rule: OverspendRule) throws -> (MarginFigures, exact: @Sendable (Double) -> [Double]) {
    var s = YearlyFiguresTests.scenario(rule: rule)
    // In quarters, to keep the search fast: a year's count is still Poisson with the year's
    // expected cost / 100 as its mean, whatever the period length.
    s.horizon = Horizon(periods: 12, periodLength: .quarter)
    let plan = try SimulationPlan(s)
    let ppy = plan.periodsPerYear
    let base = (0..<plan.years).map { y in (0..<ppy).reduce(0.0) { $0 + plan.expectedBase[y * ppy + $1] } }
    let f = try MarginSolver.solve(
      plan, request: MarginRequest(overspendTarget: alpha), options: RunOptions(iterations: n, seed: 2026, threads: 2))
    // λᵧ = baseᵧ / 100: the base is the analytic expected cost, 100 a visit.
    let exact = { @Sendable (m: Double) in
      base.map { 1 - EngineReferenceTests.compoundPoissonGammaCDF($0 * (1 + m), lambda: $0 / 100, meanCost: 100, cv: 0.8) }
    }
    return (f, exact)
  }

  static let tolerance = 4 * (alpha * (1 - alpha) / Double(n)).squareRoot()
  /// Solved once, read by both tests.
  static let everyYear = Result { try solve(.everyYear) }

  @Test func everyYearMeetsTheProductRuleAtTheSolvedMargin() throws {
    let (f, exact) = try Self.everyYear.get()
    #expect(f.overspendRule == "every_year")
    let r = try #require(f.results.first)
    let m = try #require(r.margin)
    #expect(r.method == "test-inversion" && r.binding == "overspend")
    let any = 1 - exact(m).reduce(1) { $0 * (1 - $1) }
    #expect(abs(any - Self.alpha) < Self.tolerance, "P(any year) \(any) at \(m)")
    #expect(try #require(r.lower) <= m && m <= (try #require(r.upper)))
    // The reported probability is the rule's: P̂(any year overspends) at the margin.
    #expect(abs(try #require(r.overspendProbability).estimate - Self.alpha) < Self.tolerance)
    // The printed summary names the rule it solved for.
    #expect(MarginTableReport.render(f, manifest: nil).contains("smallest contingency margin with P(any year overspends) ≤ 10.0%"))
  }

  @Test func worstYearMeetsTheLargestYearlyProbabilityAtTheSolvedMargin() throws {
    let (f, exact) = try Self.solve(.worstYear)
    #expect(f.overspendRule == "worst_year")
    let m = try #require(f.results.first?.margin)
    let worst = try #require(exact(m).max())
    #expect(abs(worst - Self.alpha) < Self.tolerance, "worst year \(worst) at \(m)")
    // Every year then meets α too, and P(any year) exceeds it: every_year needs a larger margin.
    let (g, _) = try Self.everyYear.get()
    #expect(try #require(g.results.first?.margin) > m + 0.02)
    let (h, _) = try Self.solve(.horizon)
    #expect(h.overspendRule == "horizon")
    #expect(try #require(h.results.first?.margin) < m)
  }

  /// A proactive gap target under ration, with proactive services cut first: the solved margin
  /// is the smallest meeting it on the sample (the run's own counts 2e−4 either side straddle
  /// it, as in ``MarginSolverTests``), and it binds over a loose overspend target.
  @Test func aCategoryGapTargetBindsUnderRation() throws {
    var s = MarginSolverTests.quarterly(TestScenario.make(
      population: 2_000,
      services: [TestScenario.service("visits", unitCost: 80, severity: .gamma(cv: 0.6), category: .proactive),
                 TestScenario.service("admissions", unitCost: 900, severity: .gamma(cv: 1.0))],
      rates: [3, 0.4],
      factors: [Factor(name: "demand", distribution: .lognormal(mu: -0.0032, sigma: 0.08), role: .serviceRateMultiplier(services: [1]))],
      pools: [Pool(name: "pooled", services: [0, 1])], responses: [.ration]))
    s.budget.categoryGapTargets = [0.05, nil]
    let n = 4_000
    let f = try MarginSolver.solve(
      s, request: MarginRequest(overspendTarget: 0.5), options: RunOptions(iterations: n, seed: 7, threads: 2))
    let r = try #require(f.results.first)
    let m = try #require(r.margin)
    #expect(r.binding == "proactive gap")
    let target = try #require(r.categoryGapTargets?.first)
    #expect(target.category == "proactive" && target.target == 0.05)
    #expect(try #require(target.probability).estimate <= 0.05)
    var check = s
    check.budget.proposals = [.margin(m - 2e-4), .margin(m + 2e-4)]
    let (_, run) = try TestScenario.run(check, iterations: n, seed: 7)
    let gaps = run.budgets.map { $0.scopes[0].serviceGap.byCategory[0].probability.estimate }
    #expect(gaps[0] > 0.05 && gaps[1] <= 0.05, "\(gaps) at \(m)")
    let table = MarginTableReport.render(f, manifest: nil)
    #expect(table.contains("and P(proactive gap) ≤ 5.0%") && table.contains("set by the proactive gap target"))
    // Without the category target the loose overspend target alone gives a smaller margin.
    s.budget.categoryGapTargets = [nil, nil]
    let loose = try MarginSolver.solve(
      s, request: MarginRequest(overspendTarget: 0.5), options: RunOptions(iterations: n, seed: 7, threads: 2))
    #expect(try #require(loose.results.first?.margin) < m)
  }

  /// Where no listed margin meets a yearly rule, the console points to `margin`, which now
  /// solves under it.
  @Test func noListedMarginPointsToTheSolverUnderAYearlyRule() throws {
    var s = YearlyFiguresTests.scenario(rule: .everyYear)
    s.budget.proposals = [.margin(0)]
    let (_, f) = try TestScenario.run(s, iterations: 256, seed: 1)
    let table = TableReport.render(f, manifest: nil)
    #expect(table.contains(
      "no listed margin meets P(any year overspends) ≤ 10.0%; budget-risk margin FILE --overspend-at-most 0.1 --response absorb solves for the smallest margin that does"),
      "\(table)")
  }
}
