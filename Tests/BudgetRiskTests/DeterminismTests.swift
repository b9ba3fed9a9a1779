import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Counter-based draws and exact accumulators: figures do not depend on how a run is split.
@Suite struct DeterminismTests {
  static let scenario = TestScenario.make(
    population: 3_000, years: 2,
    services: [TestScenario.service("ae", severity: .lognormal(cv: 1.5), noise: .negativeBinomial(dispersion: 10)), TestScenario.service("nursing", category: .proactive)],
    rates: [1.2, 4],
    factors: [Factor(name: "demand", distribution: .lognormal(mean: 1, cv: 0.1), role: .serviceRateMultiplier(services: [0, 1]))],
    shocks: [Shock(name: "surge", probability: 0.1, duration: 2, multiplier: 1.5, services: [0])],
    interventions: [Intervention(name: "i", proactive: [1], targets: [0], effect: 0.2, lag: 2, rampPeriods: 3)],
    proposals: [.margin(0), .margin(0.05)], responses: [.absorb, .ration], reserveShare: 0.01)

  @Test func figuresAreByteIdenticalAtAnyThreadCountAndBlockSize() throws {
    var outputs = Set<Data>()
    for (threads, block) in [(1, 256), (2, 256), (8, 256), (2, 64), (8, 128)] {
      let (_, figures) = try TestScenario.run(Self.scenario, iterations: 700, seed: 99, threads: threads, blockSize: block)
      outputs.insert(try JSONReport.encode(figures: figures))
    }
    #expect(outputs.count == 1)
  }

  @Test func shardsMergeIntoExactlyTheFullRun() throws {
    let whole = try Engine.run(Self.scenario, options: RunOptions(iterations: 500, seed: 5, threads: 2))
    var merged = try Engine.run(Self.scenario, options: RunOptions(iterations: 137, seed: 5, threads: 1)).accumulator
    merged.merge(try Engine.run(Self.scenario, options: RunOptions(iterations: 363, seed: 5, threads: 3, blockSize: 64, firstIteration: 137)).accumulator)
    #expect(merged == whole.accumulator)
  }

  @Test func aDifferentSeedGivesDifferentFigures() throws {
    let (_, a) = try TestScenario.run(Self.scenario, iterations: 300, seed: 1)
    let (_, b) = try TestScenario.run(Self.scenario, iterations: 300, seed: 2)
    #expect(a.budgets[0].scopes[0].costOfNeed != b.budgets[0].scopes[0].costOfNeed)
  }
}
