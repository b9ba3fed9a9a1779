import Synchronization
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Ctrl-C: the engine checks `cancel` before every tile and reports how many iterations it
/// finished; an uncancelled run is complete.
@Suite struct CancellationTests {
  @Test func stopsWithinATileAndCountsWhatFinished() throws {
    let tiles = Atomic<Int>(0)
    // Allow three tiles, then cancel.
    let run = try Engine.run(
      ReportFixture.scenario, options: RunOptions(iterations: 6_400, seed: 3, threads: 1, blockSize: 64),
      cancel: { tiles.add(1, ordering: .relaxed).newValue > 3 })
    #expect(!run.isComplete)
    #expect(run.completedIterations == 3 * 64)
  }

  @Test func aFlagRaisedBeforeTheRunSimulatesNothing() throws {
    let flag = CancellationFlag()
    flag.raise()
    let run = try Engine.run(
      ReportFixture.scenario, options: RunOptions(iterations: 1_000, seed: 3, threads: 2), cancel: { flag.isRaised })
    #expect(run.completedIterations == 0)
    #expect(!run.isComplete)
  }

  @Test func anUnraisedFlagChangesNothing() throws {
    let flag = CancellationFlag()
    let progress = Atomic<Int>(0)
    let a = try Engine.run(
      ReportFixture.scenario, options: RunOptions(iterations: 200, seed: 3, threads: 2),
      progress: { progress.add($0, ordering: .relaxed) }, cancel: { flag.isRaised })
    let b = try Engine.run(ReportFixture.scenario, options: RunOptions(iterations: 200, seed: 3, threads: 2))
    #expect(a.isComplete && a.accumulator == b.accumulator)
    #expect(progress.load(ordering: .relaxed) == 200)
  }
}
