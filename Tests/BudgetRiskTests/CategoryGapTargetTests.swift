import Testing

@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies

/// Service-gap targets per category (`budget.service_gap_targets`): the headline gap can hide
/// cuts to prevention, so each category's P(unmet share > g) can be held to its own target.
@Suite struct CategoryGapTargetTests {
  static let margins = [0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4]

  /// One pool of outreach (proactive) and crisis care (reactive, four times the money) under
  /// ration, cutting proactive services first: prevention loses need at margins where the
  /// pool's gap as a whole is small.
  static func scenario(proactive: Double?) -> Scenario {
    var s = TestScenario.make(
      population: 200,
      services: [TestScenario.service("outreach", category: .proactive), TestScenario.service("crisis", unitCost: 400)],
      rates: [2, 2], proposals: margins.map { .margin($0) }, pools: [Pool(name: "care", services: [0, 1])],
      responses: [.ration], order: .proactiveFirst)
    s.budget.overspendTarget = 0.5
    s.budget.categoryGapTargets = [proactive, nil]
    return s
  }

  @Test func aProactiveTargetMovesTheRecommendationToWherePreventionIsKept() throws {
    let target = 0.05
    let (_, without) = try TestScenario.run(Self.scenario(proactive: nil), iterations: 2_000, seed: 11)
    let (_, with) = try TestScenario.run(Self.scenario(proactive: target), iterations: 2_000, seed: 11)
    // The same paths (same seed): only the rule differs.
    #expect(without.budgets.map { $0.scopes[0].overspendProbability } == with.budgets.map { $0.scopes[0].overspendProbability })
    let x = with.budgets.map { $0.scopes[0] }
    let proactive = x.map { $0.serviceGap.byCategory[0].probability.estimate }
    let expected = x.indices.first { x[$0].overspendProbability.estimate <= 0.5 && proactive[$0] <= target }
    let r = try #require(with.recommendations.first)
    #expect(r.margin == expected.map { Self.margins[$0] })
    let plain = try #require(without.recommendations.first?.margin)
    // The paths are such that the proactive target binds: a larger margin than without it.
    #expect((r.margin ?? .infinity) > plain)
    #expect(r.categoryGapTargets.map(\.category) == ["proactive"])
    #expect(r.categoryGapTargets.first?.probability?.estimate == expected.map { proactive[$0] })
    #expect(without.recommendations.first?.categoryGapTargets == [])
  }

  @Test func theTargetsAreReadFromTheScenario() throws {
    let yaml = ScenarioText.replacing(("  margins: [0, 0.05, 0.1]", "  margins: [0, 0.05, 0.1]\n  service_gap_targets: {proactive: 0.05}"))
    let s = try #require(loadedScenario(yaml))
    #expect(s.budget.categoryGapTargets == [0.05, nil])
    #expect(try #require(loadedScenario(ScenarioText.valid)).budget.categoryGapTargets == [nil, nil])
    let wrong = validationIssues(
      ScenarioText.replacing(("  margins: [0, 0.05, 0.1]", "  margins: [0, 0.05, 0.1]\n  service_gap_targets: {prevention: 0.05}")))
    expectIssue(wrong, path: "budget.service_gap_targets.prevention", "proactive")
    let bad = validationIssues(
      ScenarioText.replacing(("  margins: [0, 0.05, 0.1]", "  margins: [0, 0.05, 0.1]\n  service_gap_targets: {reactive: 2}")))
    expectIssue(bad, path: "budget.service_gap_targets.reactive", "found 2")
  }
}
