import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies

/// Averted outcomes when the provider rations the programme itself (`outcomes --rationed-at`).
@Suite struct RationedOutcomesTests {
  /// `InterventionOutcomesTests.scenario` (a cohort of 200 at 150 a recipient a year: GBP 2,500
  /// a month in the outreach pool, which has no other spend) with the outreach pool's fixed
  /// budget half of that, GBP 15,000 a year, and A&E's far above its need, under `ration`.
  /// Each month the outreach pool can pay exactly half of the programme (the limit is the
  /// year-to-date budget less the year's spend: 1,250 every month), so the delivered share
  /// is 1/2 in every period and every iteration.
  static let scenario: Scenario = {
    var s = InterventionOutcomesTests.scenario
    s.budget = BudgetSpec(
      base: .fixed(amounts: [[1e9], [15_000]]), proposals: [.margin(0)], pools: s.budget.pools,
      responses: [.ration], reserveShare: 0, rationingOrder: .proactiveFirst)
    return s
  }()

  @Test func aHalfDeliveredProgrammeAvertsHalfAndCostsHalf() throws {
    let plan = try SimulationPlan(Self.scenario)
    let options = RunOptions(iterations: 1_000, seed: 3, threads: 2)
    let rationed = try #require(try InterventionOutcomes.run(plan, options: options, rationedAt: "margin 0%"))
    let full = try InterventionOutcomes.run(plan, options: options)
    let year = rationed[0].years[0]
    // The programme serves half its recipients: it costs exactly half of 200 × 150.
    #expect(abs(year.programmeCost.mean - 15_000) < 1e-6)
    #expect(abs(full[0].years[0].programmeCost.mean - 30_000) < 1e-6)
    // The averted events follow the recipients served: the effect is linear in the delivered
    // share, so E[averted] = ½ × 0.3 × 200 × 0.5 × 11/12 = 13.75 (full delivery: 27.5).
    // Tolerance 4 paired SE.
    let averted = year.avertedEvents
    #expect(abs(averted.mean - 13.75) < 4 * averted.standardError, "\(averted.mean) ± \(averted.standardError)")
    #expect(abs(full[0].years[0].avertedEvents.mean - 27.5) < 4 * full[0].years[0].avertedEvents.standardError)
    // Still paired against the same rationed path without the effect: narrow.
    #expect(averted.standardError < year.avertedEventsUnpairedStandardError / 3)
    // More A&E is left on the rationed path than at full delivery (13.75 a year more expected;
    // the two share their random numbers, so the paired difference is far above its noise).
    #expect(year.eventsWith.mean > full[0].years[0].eventsWith.mean + 5)
    // Without the programme the two paths are the same path (nothing else is rationed).
    #expect(year.eventsWithout == full[0].years[0].eventsWithout)
  }

  @Test func anUnknownBudgetLabelIsRefusedAndAnUnrationedPathIsFullDelivery() throws {
    let plan = try SimulationPlan(Self.scenario)
    let options = RunOptions(iterations: 128, seed: 1, threads: 1)
    #expect(try InterventionOutcomes.run(plan, options: options, rationedAt: "margin 5%") == nil)
    // A budget that never binds: the rationed figures are those at full delivery, to the bit.
    var generous = Self.scenario
    generous.budget.base = .fixed(amounts: [[1e9], [1e9]])
    let roomy = try SimulationPlan(generous)
    #expect(try InterventionOutcomes.run(roomy, options: options, rationedAt: "margin 0%") == (try InterventionOutcomes.run(roomy, options: options)))
  }
}
