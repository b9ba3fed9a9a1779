import Synchronization
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Ctrl-C: the engine checks `cancel` before every block, finishes the blocks in flight and
/// reports how many iterations it finished — always a prefix, exactly a shorter run; an
/// uncancelled run is complete.
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

  /// Cancelled part-way on 3 threads (raised from the progress callback, as a Ctrl-C would
  /// land): the iterations finished are a prefix, and their figures are bit for bit those of
  /// a run of that many iterations.
  @Test(arguments: [1, 3]) func aCancelledRunIsExactlyARunOfItsCompletedPrefix(threads: Int) throws {
    let flag = CancellationFlag()
    let seen = Atomic<Int>(0)
    let cancelled = try Engine.run(
      ReportFixture.scenario, options: RunOptions(iterations: 6_400, seed: 11, threads: threads, blockSize: 128),
      progress: { n in if seen.add(n, ordering: .relaxed).newValue >= 1_000 { flag.raise() } },
      cancel: { flag.isRaised })
    #expect(!cancelled.isComplete)
    let prefix = try #require(cancelled.prefix())
    let n = prefix.options.iterations
    #expect(n == cancelled.completedIterations && n >= 1_000 && n < 6_400 && n % 128 == 0)
    let plain = try Engine.run(ReportFixture.scenario, options: RunOptions(iterations: n, seed: 11, threads: 2))
    #expect(prefix.isComplete)
    #expect(prefix.accumulator == plain.accumulator)
    #expect(RunFigures(prefix) == RunFigures(plain))
  }

  @Test func nothingFinishedIsNoPrefix() throws {
    let flag = CancellationFlag()
    flag.raise()
    let run = try Engine.run(
      ReportFixture.scenario, options: RunOptions(iterations: 1_000, seed: 3, threads: 2), cancel: { flag.isRaised })
    #expect(run.prefix() == nil)
  }
}
