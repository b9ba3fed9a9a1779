import Testing

@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies

/// Each partner's own rules (`budget.pool_rules`): a pool's fixed response, reserve and
/// rationing order. Pools without a shared arrangement are independent given the paths, so a
/// pool under its own rule must give exactly the figures it gives when the whole scenario
/// runs under that rule, on the same paths (same seed).
@Suite struct PoolRulesTests {
  /// Two pools (one service each), tight margins so that the rationing pool rations often.
  static func scenario(responses: [ProviderResponse], rules: [Int: PoolRule] = [:]) -> Scenario {
    var s = TestScenario.make(
      population: 300,
      services: [TestScenario.service("nhs_care", unitCost: 200), TestScenario.service("council_care", category: .proactive)],
      rates: [1, 3], proposals: [.margin(0), .margin(0.05)], responses: responses)
    s.budget.poolRules = rules
    return s
  }

  @Test func oneAbsorbsOneRationsAndEachGetsItsSingleResponseFigures() throws {
    let n = 1_000
    let (_, absorb) = try TestScenario.run(Self.scenario(responses: [.absorb]), iterations: n, seed: 5)
    let (_, ration) = try TestScenario.run(Self.scenario(responses: [.ration]), iterations: n, seed: 5)
    let (_, mixed) = try TestScenario.run(
      Self.scenario(responses: [.absorb], rules: [1: PoolRule(response: .ration)]), iterations: n, seed: 5)
    #expect(mixed.budgets.count == 2)
    for (b, budget) in mixed.budgets.enumerated() {
      // Pool 0 (NHS) absorbs, pool 1 (council) rations: each exactly as in its single-response run.
      // (The all-absorb run reads its margins' fans off one histogram: equal within resolution.)
      #expect(budget.scopes[0].equalsUpToSharedFan(absorb.budgets[b].scopes[0]))
      #expect(budget.scopes[1] == ration.budgets[b].scopes[1])
      #expect(budget.services[1] == ration.budgets[b].services[1] && budget.services[0] == absorb.budgets[b].services[0])
    }
    // The council pool does ration (the check is not vacuous), the NHS pool never does.
    #expect(mixed.budgets[0].scopes[1].serviceGap.expectedUnmetShare.mean > 0)
    #expect(mixed.budgets[0].scopes[0].serviceGap.expectedUnmetShare.mean == 0)
  }

  /// A pool's own reserve and rationing order: the same as the scenario-wide ones set alike.
  @Test func aPoolsOwnReserveAndOrderAreItsOnly() throws {
    var wide = Self.scenario(responses: [.ration])
    wide.budget.reserveShare = 0.02; wide.budget.rationingOrder = .proRata
    let (_, all) = try TestScenario.run(wide, iterations: 500, seed: 9)
    let (_, own) = try TestScenario.run(
      Self.scenario(responses: [.ration], rules: [0: PoolRule(reserveShare: 0.02, rationingOrder: .proRata)]),
      iterations: 500, seed: 9)
    let (_, none) = try TestScenario.run(Self.scenario(responses: [.ration]), iterations: 500, seed: 9)
    for b in own.budgets.indices {
      #expect(own.budgets[b].scopes[0] == all.budgets[b].scopes[0])
      #expect(own.budgets[b].scopes[1] == none.budgets[b].scopes[1])
    }
    #expect(own.budgets[0].scopes[0].instability.reserveExhausted != none.budgets[0].scopes[0].instability.reserveExhausted)
  }

  @Test func theRulesAreReadFromTheScenario() throws {
    let rules = "  margins: [0, 0.05, 0.1]\n  pool_rules:\n    social_care: {response: ration, reserve: 0.02, rationing_order: pro_rata}"
    let s = try #require(loadedScenario(ScenarioText.replacing(("  margins: [0, 0.05, 0.1]", rules))))
    let pool = try #require(s.budget.pools.firstIndex { $0.name == "social_care" })
    #expect(s.budget.poolRules == [pool: PoolRule(response: .ration, reserveShare: 0.02, rationingOrder: .proRata)])
    let unknown = validationIssues(ScenarioText.replacing(("  margins: [0, 0.05, 0.1]", "  margins: [0, 0.05, 0.1]\n  pool_rules: {council: {response: ration}}")))
    expectIssue(unknown, path: "budget.pool_rules.council", "council")
    let bad = validationIssues(ScenarioText.replacing(("  margins: [0, 0.05, 0.1]", "  margins: [0, 0.05, 0.1]\n  pool_rules: {health: {response: cut}}")))
    expectIssue(bad, path: "budget.pool_rules.health.response", "absorb", "ration")
  }
}
