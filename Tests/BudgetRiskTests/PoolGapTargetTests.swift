import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies

/// A pool's own service-gap target (`pool_rules.POOL.service_gap_target`): the NHS pool
/// absorbs, the council pool rations and must keep its own P(service gap) ≤ β. The
/// recommendation and `margin` for the total must meet it as well as α.
@Suite struct PoolGapTargetTests {
  static let beta = 0.05

  /// Two pools, one service each, with demand uncertainty on both; the council pool rations.
  static func scenario(target: Double? = beta, margins: [Double] = [0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5]) -> Scenario {
    var s = MarginSolverTests.quarterly(TestScenario.make(
      population: 2_000,
      services: [TestScenario.service("visits", unitCost: 80, severity: .gamma(cv: 0.6), stream: "nhs"),
                 TestScenario.service("care", unitCost: 900, severity: .gamma(cv: 1.0), stream: "council")],
      rates: [3, 0.4],
      factors: [Factor(name: "demand", distribution: .lognormal(mu: -0.0032, sigma: 0.08), role: .serviceRateMultiplier(services: [0, 1]))],
      proposals: margins.map { .margin($0) },
      pools: [Pool(name: "nhs", services: [0]), Pool(name: "council", services: [1])]))
    s.budget.overspendTarget = 0.6
    s.budget.poolRules = [1: PoolRule(response: .ration, serviceGapTarget: target)]
    return s
  }

  @Test func theRecommendationMeetsThePoolsTarget() throws {
    let (_, f) = try TestScenario.run(Self.scenario(), iterations: 2_000, seed: 3)
    let r = try #require(f.recommendations.first { $0.scope == "total" })
    // The pick, from the figures: the smallest margin with the total's P(overspend) ≤ α and the
    // council pool's own P(service gap) ≤ β.
    let council = try #require(f.budgets[0].scopes.firstIndex { $0.scope == "council" })
    let total = try #require(f.budgets[0].scopes.firstIndex { $0.scope == "total" })
    let meets = f.budgets.map {
      $0.scopes[total].overspendProbability.estimate <= 0.6 && $0.scopes[council].serviceGap.probability.estimate <= Self.beta
    }
    let pick = try #require(meets.firstIndex(of: true))
    #expect(r.margin == f.budgets[pick].margin)
    // The target binds: α alone is met at margin 0, the pool's gap is not.
    #expect(pick > 0 && f.budgets[0].scopes[total].overspendProbability.estimate <= 0.6)
    let target = try #require(r.poolGapTargets?.first)
    #expect(target.pool == "council" && target.target == Self.beta)
    #expect(target.probability == f.budgets[pick].scopes[council].serviceGap.probability)
    // The council pool's own recommendation holds it too; the NHS pool's has no pool target.
    #expect(f.recommendations.first { $0.scope == "council" }?.margin == f.budgets[pick].margin)
    #expect(f.recommendations.first { $0.scope == "nhs" }?.poolGapTargets == nil)
  }

  /// `margin` for the total: the pool's gap target binds, and the run's own counts 2e−4 either
  /// side of the solved margin straddle β (as in ``MarginSolverTests``).
  @Test func theMarginSolverMeetsThePoolsTarget() throws {
    let s = Self.scenario()
    let n = 2_000
    let f = try MarginSolver.solve(
      s, request: MarginRequest(overspendTarget: 0.6), options: RunOptions(iterations: n, seed: 3, threads: 2))
    let r = try #require(f.results.first)
    let m = try #require(r.margin)
    #expect(r.method == "test-inversion")
    #expect(r.binding == "council gap")
    #expect(r.poolGapTargets?.first?.pool == "council")
    #expect(try #require(r.poolGapTargets?.first?.probability).estimate <= Self.beta)
    var check = s
    check.budget.proposals = [.margin(m - 2e-4), .margin(m + 2e-4)]
    let (_, run) = try TestScenario.run(check, iterations: n, seed: 3)
    let gaps = run.budgets.map { $0.scopes[1].serviceGap.probability.estimate }
    #expect(gaps[0] > Self.beta && gaps[1] <= Self.beta, "\(gaps) at \(m)")
  }

  @Test func theTargetIsReadFromPoolRules() throws {
    let yaml = ScenarioText.replacing((
      "  margins: [0, 0.05, 0.1]",
      "  margins: [0, 0.05, 0.1]\n  pool_rules: {social_care: {response: ration, service_gap_target: 0.05}}"))
    let s = try #require(loadedScenario(yaml))
    let pool = try #require(s.budget.pools.firstIndex { $0.name == "social_care" })
    #expect(s.budget.poolRules[pool] == PoolRule(response: .ration, serviceGapTarget: 0.05))
    let bad = validationIssues(ScenarioText.replacing((
      "  margins: [0, 0.05, 0.1]", "  margins: [0, 0.05, 0.1]\n  pool_rules: {social_care: {service_gap_target: 1.5}}")))
    expectIssue(bad, path: "budget.pool_rules.social_care.service_gap_target", "found 1.5")
  }
}
