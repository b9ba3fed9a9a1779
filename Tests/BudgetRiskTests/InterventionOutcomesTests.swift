import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies

/// Averted activity and cost against the same iterations without the intervention.
@Suite struct InterventionOutcomesTests {
  /// 200 of 1,000 rough sleepers (0.5 A&E visits a year each, unit cost 100) receive a
  /// programme of effect 0.3 from period 1 (lag 1) at 150 a recipient a year.
  static let scenario = InterventionRecipientsTests.scenario(
    recipients: InterventionRecipientsTests.cohort(200, costPerRecipient: 150), effect: 0.3)

  @Test func avertedEventsMatchTheirExpectationAndPairingNarrowsThem() throws {
    // E[averted events] = e·n·u·(periods with effect)/12 = 0.3 × 200 × 0.5 × 11/12 = 27.5 in
    // the year. Tolerance 4 paired SE. The unpaired SE (two independent runs) is set by
    // the whole service's Poisson noise, √(2 × 1300) / √n; the paired one by the averted
    // events alone, far smaller.
    let n = 1_000
    let figures = try InterventionOutcomes.run(try SimulationPlan(Self.scenario), options: RunOptions(iterations: n, seed: 3, threads: 2))
    let year = figures[0].years[0]
    #expect(figures[0].targets == ["ae"] && figures[0].years.count == 2 && figures[0].horizon.year == nil)
    let averted = year.avertedEvents
    #expect(abs(averted.mean - 27.5) < 4 * averted.standardError, "\(averted.mean) ± \(averted.standardError)")
    #expect(averted.standardError < year.avertedEventsUnpairedStandardError / 3)
    // Cost at a fixed unit cost of 100: averted cost = 100 × averted events in every iteration.
    #expect(abs(year.avertedCost.mean - 100 * averted.mean) < 1e-6 * year.avertedCost.mean)
    // Programme: 200 × 150 a year exactly; net saving and ROI follow.
    #expect(abs(year.programmeCost.mean - 30_000) < 1e-6)
    #expect(abs(year.netSaving.mean - (year.avertedCost.mean - 30_000)) < 1e-6 * 30_000)
    let roi = try #require(year.returnOnInvestment)
    #expect(abs(roi - year.netSaving.mean / 30_000) < 1e-12)
    // 27.5 × 100 = 2,750 averted against 30,000 spent: the programme never pays for itself here.
    #expect(year.probabilityNetSaving.estimate == 0)
  }

  @Test func aWholePopulationEffectWithoutProgrammeCostHasNoROI() throws {
    let scenario = InterventionRecipientsTests.scenario(recipients: nil, effect: 0.2)
    let figures = try InterventionOutcomes.run(try SimulationPlan(scenario), options: RunOptions(iterations: 128, seed: 1, threads: 1))
    #expect(figures[0].horizon.returnOnInvestment == nil && figures[0].horizon.returnOnInvestmentUndefined != nil)
    // Expected averted: 0.2 × 1300 × 11/12 = 238.3 events; 4 paired SE.
    let averted = figures[0].horizon.avertedEvents
    #expect(abs(averted.mean - 0.2 * 1_300 * 11 / 12) < 4 * averted.standardError)
  }

  @Test func theFiguresDoNotDependOnThreads() throws {
    let plan = try SimulationPlan(Self.scenario)
    let one = try InterventionOutcomes.run(plan, options: RunOptions(iterations: 200, seed: 9, threads: 1, blockSize: 64))
    let two = try InterventionOutcomes.run(plan, options: RunOptions(iterations: 200, seed: 9, threads: 2, blockSize: 128))
    #expect(one == two)
  }
}
