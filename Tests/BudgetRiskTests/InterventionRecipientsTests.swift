import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies

/// Interventions with recipients and a dose (see `Recipients`): the effect reaches the
/// recipients' demand only, the programme's cost follows the recipients, and `start`,
/// `lag` and `ramp` act on both.
@Suite struct InterventionRecipientsTests {
  /// Two segments using `ae` (fixed unit cost 100, so cost = 100 × events) and a programme
  /// service `outreach` (no utilisation: its cost is the programme's), one pool each.
  static func scenario(
    recipients: Recipients?, effect: Double = 0.3, lag: Int = 1, ramp: Int = 1, start: Int = 0,
    factors: [Factor] = [], growth: Double = 0, years: Int = 1
  ) -> Scenario {
    let ae = TestScenario.service("ae", unitCost: 100, severity: .fixed)
    let outreach = TestScenario.service("outreach", unitCost: 50, severity: .fixed, category: .proactive)
    return Scenario(
      name: "recipients", description: "", currency: "GBP", sourcePath: "test.yaml",
      horizon: Horizon(periods: 12 * years, periodLength: .month, startMonth: 4),
      segments: [
        Segment(name: "rough_sleepers", population: 1_000, growth: growth),
        Segment(name: "residents", population: 4_000, growth: growth),
      ],
      services: [ae, outreach], utilisation: [[0.5, 0], [0.2, 0]], factors: factors, correlation: nil,
      shocks: [],
      interventions: [
        Intervention(
          name: "housing_first", proactive: [1], targets: [0], effect: effect, lag: lag, rampPeriods: ramp,
          start: start, recipients: recipients)
      ],
      budget: BudgetSpec(
        base: .expected, proposals: [.margin(0)],
        pools: [Pool(name: "ae", services: [0]), Pool(name: "outreach", services: [1])], responses: [.absorb],
        reserveShare: 0, rationingOrder: .proactiveFirst),
      defaults: RunDefaults())
  }

  static func cohort(_ n: Double, spillover: Double = 0, costPerRecipient: Double = 0, fixedCost: Double = 0) -> Recipients {
    Recipients(
      segments: [0], size: .cohort(people: n, growth: 0, attrition: 0), spillover: spillover,
      costPerRecipient: costPerRecipient, fixedCost: fixedCost)
  }

  @Test func theEffectReducesTheRecipientsDemandOnlyByENOverN() throws {
    // Closed form: a fixed effect e on a cohort of n in a segment of N lowers the targeted
    // service's expected events by exactly e·n/N of that segment's; the other segment's are
    // unchanged. Per month: segment 0 has 1000 × 0.5/12 events, segment 1 4000 × 0.2/12.
    let e = 0.3, n = 200.0, N = 1_000.0
    let plan = try SimulationPlan(Self.scenario(recipients: Self.cohort(n), effect: e))
    let own = 1_000 * 0.5 / 12, other = 4_000 * 0.2 / 12
    for t in 0..<12 {
      let events = plan.expected.serviceCost[t] / 100
      let reduction = t >= 1 ? e * n / N : 0  // lag 1: the effect acts from period 1
      #expect(abs(events - (own * (1 - reduction) + other)) < 1e-9 * (own + other), "period \(t)")
    }
    // The whole-population intervention (no recipients) would lower both segments by e.
    let everyone = try SimulationPlan(Self.scenario(recipients: nil, effect: e))
    #expect(abs(everyone.expected.serviceCost[5] / 100 - (own + other) * (1 - e)) < 1e-9 * (own + other))
  }

  @Test func aShareAndASpilloverReachTheirSegmentOnly() throws {
    // Reach ρ = c + spillover·(1 − c) of the recipient segment (here c = 0.1, spillover 0.2:
    // ρ = 0.28); the other segment is unchanged.
    let r = Recipients(segments: [1], size: .share(0.1), spillover: 0.2)
    let plan = try SimulationPlan(Self.scenario(recipients: r, effect: 0.5))
    let own = 1_000 * 0.5 / 12, other = 4_000 * 0.2 / 12
    #expect(abs(plan.expected.serviceCost[3] / 100 - (own + other * (1 - 0.5 * 0.28))) < 1e-9 * (own + other))
  }

  @Test func theSimulatedMeanMatchesTheClosedFormAndNotTheWholePopulation() throws {
    // Uncertain effect (a PERT factor), uncertain growth of both segments, spillover and a
    // saturating dose: the engine's per-segment mixing against the analytic expectation,
    // 4 SE of the simulated mean of the targeted pool's cost. The whole-population effect
    // differs from it by far more (checked, so the test can fail when recipients are ignored).
    let factors = [
      Factor(name: "effect", distribution: .pert(min: -0.05, mode: 0.3, max: 0.6), role: .interventionEffect(interventions: [0])),
      Factor(name: "growth", distribution: .triangular(min: 0, mode: 0.03, max: 0.1), role: .growth(segments: [0, 1])),
    ]
    var r = Self.cohort(300, spillover: 0.1)
    r.saturation = 0.5
    let scenario = Self.scenario(recipients: r, ramp: 3, factors: factors, years: 2)
    let (run, figures) = try TestScenario.run(scenario, iterations: 2_000, seed: 5)
    let simulated = figures.budgets[0].scopes[0].costOfNeed
    let analytic = (0..<24).reduce(0) { $0 + run.plan.expected.serviceCost[$1] }
    #expect(abs(simulated.mean - analytic) < 4 * simulated.standardError, "\(simulated.mean) vs \(analytic)")
    let everyone = try SimulationPlan(Self.scenario(recipients: nil, ramp: 3, factors: factors, years: 2))
    let whole = (0..<24).reduce(0) { $0 + everyone.expected.serviceCost[$1] }
    #expect(abs(whole - analytic) > 20 * simulated.standardError)
  }

  @Test func programmeCostFollowsTheRecipientsFromStart() throws {
    // 200 recipients at 1200 a year: 20,000 a month from `start` (3), nothing before; the
    // population is fixed, so the simulated programme cost is this exactly, in every iteration.
    let scenario = Self.scenario(recipients: Self.cohort(200, costPerRecipient: 1_200), start: 3)
    let plan = try SimulationPlan(scenario)
    for t in 0..<12 {
      #expect(abs(plan.expected.serviceCost[12 + t] - (t >= 3 ? 20_000 : 0)) < 1e-6, "period \(t)")
    }
    let (_, figures) = try TestScenario.run(scenario, iterations: 64)
    let programme = figures.budgets[0].scopes[1].costOfNeed
    #expect(abs(programme.mean - 9 * 20_000) < 1e-6)
    // The effect too starts at `start + lag`: nothing averted before period 4.
    let own = 1_000 * 0.5 / 12, other = 4_000 * 0.2 / 12
    #expect(abs(plan.expected.serviceCost[3] / 100 - (own + other)) < 1e-9 * (own + other))
    #expect(plan.expected.serviceCost[4] / 100 < own + other - 1)
  }

  @Test func aFixedCostRunsFromStartWhateverTheSize() throws {
    let plan = try SimulationPlan(Self.scenario(recipients: Self.cohort(200, fixedCost: 60_000), start: 6))
    let programme: [Double] = Array(plan.expected.serviceCost[12..<24])
    let expected: [Double] = (0..<12).map { $0 >= 6 ? 5_000 : 0 }
    #expect(programme == expected)
  }

  @Test func aLinearDoseDoublesTheCostAndTheAvertedEvents() throws {
    // Below saturation (none stated) the dose is linear: twice the cohort, twice the programme
    // cost and twice the averted expected events, in every period.
    let one = try SimulationPlan(Self.scenario(recipients: Self.cohort(100, costPerRecipient: 900), ramp: 1))
    let two = try SimulationPlan(Self.scenario(recipients: Self.cohort(200, costPerRecipient: 900), ramp: 1))
    let base = try SimulationPlan(Self.scenario(recipients: Self.cohort(100), effect: 0))
    for t in 1..<12 {
      let averted1 = base.expected.serviceCost[t] - one.expected.serviceCost[t]
      let averted2 = base.expected.serviceCost[t] - two.expected.serviceCost[t]
      #expect(averted1 > 0)
      #expect(abs(averted2 - 2 * averted1) < 1e-9 * averted1, "period \(t)")
      #expect(abs(two.expected.serviceCost[12 + t] - 2 * one.expected.serviceCost[12 + t]) < 1e-6)
    }
  }

  @Test func rationingTheProgrammeCutsTheRecipientsServed() throws {
    // A programme pool with a budget of 1 (and no reserve) under `ration` delivers next to nothing: no recipient is
    // served, so the targeted service's cost is that of the path without the intervention,
    // iteration by iteration (the same random numbers).
    func scenario(effect: Double) -> Scenario {
      var s = Self.scenario(recipients: Self.cohort(400, costPerRecipient: 1_200), effect: effect)
      s.budget.base = .fixed(amounts: [[1e9], [1]])
      s.budget.responses = [.ration]
      return s
    }
    let (_, rationed) = try TestScenario.run(scenario(effect: 0.5), iterations: 128)
    let (_, without) = try TestScenario.run(scenario(effect: 0), iterations: 128)
    var absorbing = scenario(effect: 0.5)
    absorbing.budget.responses = [.absorb]
    let (_, served) = try TestScenario.run(absorbing, iterations: 128)
    let cut = rationed.budgets[0].scopes[0].costOfNeed.mean, none = without.budgets[0].scopes[0].costOfNeed.mean
    let full = served.budgets[0].scopes[0].costOfNeed.mean
    // Period 0 delivers 1/20,000 of the programme: its effect on period 1 is 2.5e-5 of a month's
    // demand at most. Serving everyone averts 0.5 × 400/1000 of the rough sleepers' demand.
    #expect(abs(cut - none) < 1e-4 * none, "\(cut) vs \(none)")
    #expect(none - full > 1e-2 * none, "\(full) vs \(none)")
  }

  // MARK: the scenario file

  static let yaml = ScenarioText.replacing(
    ("    ramp: 12\n", """
        ramp: 12
        recipients: {segments: [frail_older], number: 600, growth: 0.05, attrition: 0.1}
        spillover: 0.05
        cost_per_recipient: 1500
        fixed_cost: 20000

    """))

  @Test func recipientsAndDoseAreRead() throws {
    let scenario = try #require(loadedScenario(Self.yaml))
    let r = try #require(scenario.interventions[0].recipients)
    #expect(r.segments == [0])
    #expect(r.size == .cohort(people: 600, growth: 0.05, attrition: 0.1))
    #expect(r.spillover == 0.05 && r.costPerRecipient == 1_500 && r.fixedCost == 20_000 && r.saturation == nil)
  }

  @Test func badRecipientsAreReportedAtTheirKeys() {
    let base = Self.yaml
    expectIssue(
      validationIssues(ScenarioText.replacing(("segments: [frail_older], number", "segments: [frail], number"), in: base)),
      path: "interventions[0].recipients.segments[0]", "unknown segment 'frail'")
    expectIssue(
      validationIssues(ScenarioText.replacing(("number: 600", "number: 600, share: 0.1"), in: base)),
      path: "interventions[0].recipients.number", "either share or number")
    expectIssue(
      validationIssues(ScenarioText.replacing(("number: 600, growth: 0.05, attrition: 0.1", "share: 1.5"), in: base)),
      path: "interventions[0].recipients.share", "a share in (0, 1]")
    expectIssue(
      validationIssues(ScenarioText.replacing(("number: 600, growth: 0.05, attrition: 0.1", "share: 0.2, growth: 0.1"), in: base)),
      path: "interventions[0].recipients.growth", "applies to a cohort")
    expectIssue(
      validationIssues(ScenarioText.replacing(("spillover: 0.05", "spillover: 2"), in: base)),
      path: "interventions[0].spillover", "a probability in [0, 1]")
    expectIssue(
      validationIssues(ScenarioText.replacing(("\n    recipients: {segments: [frail_older], number: 600, growth: 0.05, attrition: 0.1}", ""), in: base)),
      path: "interventions[0].spillover", "'spillover' needs 'recipients'")
    expectIssue(
      validationIssues(ScenarioText.replacing(("attrition: 0.1", "attrition: 1"), in: base)),
      path: "interventions[0].recipients.attrition", "[0, 1)")
  }
}

@Suite struct InterventionEndTests {
  @Test func afterEndTheCostStopsAndTheEffectDecays() throws {
    // Delivery in periods 0–5 (end 5), lag 1, ramp 1: cost 20,000 a month in 0–5 and none
    // after; the effect (full from period 1) lasts to period 6 = end + lag, then halves
    // every 2 periods: reduction e·(n/N)·2^(−(t − 6)/2) of the segment's events at t > 6.
    var r = InterventionRecipientsTests.cohort(200, costPerRecipient: 1_200)
    r.end = 5; r.decayHalfLife = 2
    let plan = try SimulationPlan(InterventionRecipientsTests.scenario(recipients: r, effect: 0.3))
    let own = 1_000 * 0.5 / 12, other = 4_000 * 0.2 / 12
    for t in 0..<12 {
      #expect(abs(plan.expected.serviceCost[12 + t] - (t <= 5 ? 20_000 : 0)) < 1e-6, "cost in period \(t)")
      let reduction = t == 0 ? 0 : 0.3 * 0.2 * (t <= 6 ? 1 : exp2(-Double(t - 6) / 2))
      #expect(abs(plan.expected.serviceCost[t] / 100 - (own * (1 - reduction) + other)) < 1e-9 * (own + other), "period \(t)")
    }
    // Without a half-life the effect stops at end + lag.
    r.decayHalfLife = nil
    let stops = try SimulationPlan(InterventionRecipientsTests.scenario(recipients: r, effect: 0.3))
    #expect(abs(stops.expected.serviceCost[7] / 100 - (own + other)) < 1e-9 * (own + other))
  }

  @Test func endAndDecayAreReadAndChecked() throws {
    let text = ScenarioText.replacing(("    fixed_cost: 20000\n", "    fixed_cost: 20000\n    end: 11\n    decay_half_life: 6\n"), in: InterventionRecipientsTests.yaml)
    let scenario = try #require(loadedScenario(text))
    #expect(scenario.interventions[0].recipients?.end == 11 && scenario.interventions[0].recipients?.decayHalfLife == 6)
    expectIssue(
      validationIssues(ScenarioText.replacing(("    fixed_cost: 20000\n", "    fixed_cost: 20000\n    decay_half_life: 6\n"), in: InterventionRecipientsTests.yaml)),
      path: "interventions[0].decay_half_life", "needs 'end'")
    expectIssue(
      validationIssues(ScenarioText.replacing(("    fixed_cost: 20000\n", "    fixed_cost: 20000\n    start: 3\n    end: 2\n"), in: InterventionRecipientsTests.yaml)),
      path: "interventions[0].end", "at or after start")
  }
}

/// Recipients chosen by risk (`risk_cv`): the top share of people by a lognormal relative use
/// carry the lognormal's partial expectation of the demand.
@Suite struct RecipientsByRiskTests {
  @Test func theTopShareByRiskCarriesThePartialExpectation() throws {
    // Closed form: relative use X = exp(σZ − σ²/2), σ² = ln(1 + cv²); the top c of people
    // (Z above its 1 − c quantile) carry E[X; Z > z] = Φ(σ + Φ⁻¹(c)) of the demand. For
    // cv = 1.5, c = 0.05: σ = 1.0857, Φ⁻¹(0.05) = −1.6449, share Φ(−0.5592) = 0.2880 — so
    // the effect e falls on 28.8 % of the segment's demand, not 5 %.
    let e = 0.4, cv = 1.5, c = 0.05
    let sigma = sqrt(log(1 + cv * cv))
    let share = StandardNormal.cdf(sigma + StandardNormal.quantile(c))
    #expect(abs(share - 0.2880) < 5e-4)
    let r = Recipients(segments: [0], size: .share(c), riskCV: cv)
    let plan = try SimulationPlan(InterventionRecipientsTests.scenario(recipients: r, effect: e))
    let own = 1_000 * 0.5 / 12, other = 4_000 * 0.2 / 12
    #expect(abs(plan.expected.serviceCost[5] / 100 - (own * (1 - e * share) + other)) < 1e-9 * (own + other))
    // Chosen without regard to risk, the same share reaches only 5 % of the demand.
    let unselected = try SimulationPlan(InterventionRecipientsTests.scenario(recipients: Recipients(segments: [0], size: .share(c)), effect: e))
    #expect(abs(unselected.expected.serviceCost[5] / 100 - (own * (1 - e * c) + other)) < 1e-9 * (own + other))
    // A cv of 0 is no selection; all of the segment is all of its demand.
    #expect(Recipients(segments: [0], size: .share(c), riskCV: 0).demandShare(coverage: c) == c)
    #expect(r.demandShare(coverage: 1) == 1)
  }

  @Test func theSimulatedMeanFollowsTheSelectedShareAndTheProgrammeCostTheHeadcount() throws {
    // The engine against the analytic expectation, 4 SE of the simulated mean of the targeted
    // pool's cost; the unselected answer differs by far more (so the test can fail), and the
    // programme is charged for the headcount (5 % of 1,000 people), not the demand share.
    let r = Recipients(segments: [0], size: .share(0.05), costPerRecipient: 1_200, riskCV: 1.5)
    let (run, figures) = try TestScenario.run(InterventionRecipientsTests.scenario(recipients: r, effect: 0.4), iterations: 2_000, seed: 9)
    let simulated = figures.budgets[0].scopes[0].costOfNeed
    let analytic = (0..<12).reduce(0) { $0 + run.plan.expected.serviceCost[$1] }
    #expect(abs(simulated.mean - analytic) < 4 * simulated.standardError, "\(simulated.mean) vs \(analytic)")
    let plain = try SimulationPlan(InterventionRecipientsTests.scenario(recipients: Recipients(segments: [0], size: .share(0.05)), effect: 0.4))
    let unselected = (0..<12).reduce(0) { $0 + plain.expected.serviceCost[$1] }
    #expect(abs(unselected - analytic) > 20 * simulated.standardError)
    let programme = (0..<12).reduce(0) { $0 + run.plan.expected.serviceCost[12 + $1] }
    #expect(abs(programme - 50 * 1_200) < 1e-6 * programme, "programme cost \(programme)")
  }

  @Test func riskCVIsReadAndChecked() throws {
    let base = InterventionRecipientsTests.yaml
    let text = ScenarioText.replacing(("number: 600, growth: 0.05, attrition: 0.1", "share: 0.05, risk_cv: 1.2"), in: base)
    let scenario = try #require(loadedScenario(text))
    #expect(scenario.interventions[0].recipients?.riskCV == 1.2)
    expectIssue(
      validationIssues(ScenarioText.replacing(("number: 600, growth: 0.05, attrition: 0.1", "share: 0.05, risk_cv: -1"), in: base)),
      path: "interventions[0].recipients.risk_cv", "a finite number >= 0")
  }
}
