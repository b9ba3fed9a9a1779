import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies

/// `outcomes --sampling rqmc`: replicate intervals of the averted events that cover their
/// closed form, identical at any thread count.
@Suite struct OutcomeReplicateTests {
  /// ``InterventionOutcomesTests/scenario`` with a lognormal unit-cost factor (mean 1, CV 0.2)
  /// on the targeted service, so that the factors take Sobol' points: the averted events do
  /// not depend on the price, E = 0.3 × 200 × 0.5 × 11/12 = 27.5 in the year exactly.
  static var scenario: Scenario {
    var s = InterventionOutcomesTests.scenario
    s.factors = [Factor(name: "price", distribution: .lognormal(mean: 1, cv: 0.2), role: .unitCostMultiplier(services: [0]))]
    return s
  }

  static func outcomes(seed: UInt64, threads: Int = 2, blockSize: Int = 256) throws -> [InterventionOutcomeFigures] {
    try InterventionOutcomes.run(
      try SimulationPlan(Self.scenario),
      options: RunOptions(iterations: 1_024, seed: seed, threads: threads, blockSize: blockSize, sampling: .rqmc()))
  }

  @Test func avertedEventsReplicateIntervalsCoverTheirExpectation() throws {
    // 60 runs of 16 × 64: a valid interval's covering count is Binomial(60, 0.95), SE 2.8 %;
    // the check allows 3.5 SE (false alarm ≈ 2e−4), so coverage under 85 % fails.
    let runs = 60
    var covered = 0
    for seed in 1...UInt64(runs) {
      let year = try Self.outcomes(seed: seed)[0].years[0]
      let i = try #require(year.replicates?.avertedEvents)
      if i.lower <= 27.5 && 27.5 <= i.upper { covered += 1 }
      // The replicate estimate is the pooled mean (equal replicates), to rounding.
      #expect(abs(i.estimate - year.avertedEvents.mean) < 1e-9 * 27.5)
    }
    let rate = Double(covered) / Double(runs), se = (0.95 * 0.05 / Double(runs)).squareRoot()
    #expect(abs(rate - 0.95) < 3.5 * se, "coverage \(rate)")
  }

  @Test func rqmcOutcomesAreIdenticalAtAnyThreadCount() throws {
    let a = try Self.outcomes(seed: 4, threads: 1, blockSize: 64)
    let b = try Self.outcomes(seed: 4, threads: 3, blockSize: 512)
    #expect(a == b)
    let plain = try InterventionOutcomes.run(try SimulationPlan(Self.scenario), options: RunOptions(iterations: 1_024, seed: 4, threads: 2))
    #expect(plain[0].years[0].replicates == nil)
  }
}
