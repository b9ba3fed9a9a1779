import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies

/// An uncertain spillover (`intervention_spillover` factor) against closed forms.
@Suite struct SpilloverTests {
  /// A cohort of 200 of 1,000 rough sleepers (0.5 A&E visits a year each; 4,000 residents at
  /// 0.2) receives a programme of effect 0.3 from period 1; its spillover to the other 800 is
  /// Uniform(0, 0.4), mean 0.2.
  static func scenario(spillover: Double = 0, factor: Bool) -> Scenario {
    var s = InterventionRecipientsTests.scenario(
      recipients: InterventionRecipientsTests.cohort(200, spillover: spillover), effect: 0.3)
    if factor {
      s.factors = [Factor(name: "spill", distribution: .uniform(min: 0, max: 0.4), role: .interventionSpillover(interventions: [0]))]
    }
    return s
  }

  @Test func theExpectedCostTakesTheSpilloversMean() throws {
    // The reach is affine in the spillover and the factor independent of the rest, so the
    // analytic expectation with the factor is the one at its mean, 0.2, to rounding.
    let uncertain = try SimulationPlan(Self.scenario(factor: true))
    let fixed = try SimulationPlan(Self.scenario(spillover: 0.2, factor: false))
    for (a, b) in zip(uncertain.expected.serviceCost, fixed.expected.serviceCost) { #expect(abs(a - b) <= 1e-12 * max(abs(b), 1)) }
    // Closed form, A&E year 1: 500·(1/12 + 11/12·(1 − 0.3·ρ)) + 800 with ρ = c + σ̄(1 − c) =
    // 0.2 + 0.2 × 0.8 = 0.36: 1,250.5 visits at 100.
    let year = (0..<12).reduce(0.0) { $0 + uncertain.expected.serviceCost[$1] }
    #expect(abs(year - 125_050) < 1e-6)
  }

  @Test func theSimulatedEventsFollowTheSpilloversMeanAndSpread() throws {
    // Given σ the year's A&E count is Poisson(Λ(σ)), Λ(σ) = 1300 − 500·(11/12)·0.3·(0.2 + 0.8σ),
    // so E = Λ(0.2) = 1,250.5 and Var = E + 110²·Var σ = 1,250.5 + 12,100 × 0.4²/12 = 1,411.8.
    // Tolerance 4 SE on the mean (SE = √(1411.8/n)); the variance within 9 %: its relative SE
    // is about √(2/n) = 2.2 % at n = 4,000, and a fixed spillover's 1,250.5 is 11 % below.
    let n = 4_000
    let (_, figures) = try TestScenario.run(Self.scenario(factor: true), iterations: n, seed: 5)
    let ae = try #require(figures.activity.services.first { $0.service == "ae" }).events[0].expected
    #expect(abs(ae.mean - 1_250.5) < 4 * (1_411.8 / Double(n)).squareRoot(), "\(ae.mean)")
    // Without spillover the mean would be 1,272.5: 22 away, far outside the tolerance.
    let variance = ae.standardError * ae.standardError * Double(n)
    #expect(abs(variance / 1_411.8 - 1) < 0.09, "variance \(variance)")
  }

  @Test func aFixedSpilloverDrawsTheSameNumbersAsBefore() throws {
    // Without a factor every row's spillover is the plan's: the reach is `interventionRamp`
    // to the bit, so the figures equal those of a spillover written as a number.
    let a = try TestScenario.run(Self.scenario(spillover: 0.2, factor: false), iterations: 128, seed: 2).1
    var same = Self.scenario(spillover: 0.2, factor: false)
    same.factors = [Factor(name: "spill", distribution: .fixed(0.2), role: .interventionSpillover(interventions: [0]))]
    let b = try TestScenario.run(same, iterations: 128, seed: 2).1
    #expect(a.activity == b.activity)
    #expect(a.budgets[0].scopes[0].costOfNeed == b.budgets[0].scopes[0].costOfNeed)
  }

  static let yaml = ScenarioText.replacing(
    ("    ramp: 12\n", """
        ramp: 12
        recipients: {segments: [frail_older], number: 600}

    """),
    ("      segments: [frail_older]\n  correlation:", """
          segments: [frail_older]
        - name: spill
          distribution: {beta: {alpha: 2, beta: 8}}
          role: intervention_spillover
          interventions: [coordination]
      correlation:
    """))

  @Test func aSpilloverFactorIsReadAndChecked() throws {
    let scenario = try #require(loadedScenario(Self.yaml))
    #expect(scenario.factors.last?.role == .interventionSpillover(interventions: [0]))
    expectIssue(
      validationIssues(ScenarioText.replacing(("{beta: {alpha: 2, beta: 8}}", "{normal: {mean: 0.2, sd: 0.1}}"), in: Self.yaml)),
      path: "uncertainty.factors[2].distribution", "a share in [0, 1]")
    expectIssue(
      validationIssues(ScenarioText.replacing(("\n    recipients: {segments: [frail_older], number: 600}", ""), in: Self.yaml)),
      path: "uncertainty.factors[2].interventions", "has no recipients")
    expectIssue(
      validationIssues(ScenarioText.replacing(
        ("factors: [demand_level, older_growth]", "factors: [demand_level, spill]"), in: Self.yaml)),
      path: "uncertainty.correlation", "must be uncorrelated")
  }
}
