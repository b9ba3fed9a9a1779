import Dispatch
import Foundation

/// How a run is carried out. None of these change the figures except `iterations`, `seed`
/// and `firstIteration` (the range simulated).
public struct RunOptions: Sendable, Equatable {
  public var iterations: Int
  public var seed: UInt64
  /// Worker threads (Dispatch); OpenBLAS is single-threaded inside them.
  public var threads: Int
  /// Iterations per unit of work handed to a worker: a multiple of 64 (the tile).
  public var blockSize: Int
  /// First global iteration number, for shards of a larger run.
  public var firstIteration: Int

  public init(iterations: Int, seed: UInt64, threads: Int = RunOptions.defaultThreads, blockSize: Int = 256, firstIteration: Int = 0) {
    self.iterations = iterations; self.seed = seed; self.threads = threads
    self.blockSize = blockSize; self.firstIteration = firstIteration
  }

  public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }
}

public enum RunOptionsError: Error, CustomStringConvertible, Equatable {
  case invalid(String)
  public var description: String {
    switch self { case .invalid(let message): return message }
  }
}

/// A finished run: the merged accumulators and what is needed to read them.
public struct SimulationRun: Sendable {
  public let scenario: Scenario
  public let options: RunOptions
  public let accumulator: RunAccumulator
  public let elapsedSeconds: Double
  let plan: SimulationPlan
}

/// Runs a scenario: blocks of iterations in parallel, accumulators merged at the end.
public enum Engine {
  /// Simulates `options.iterations` iterations of `scenario`.
  ///
  /// Work is split into blocks of `blockSize` iterations; worker `w` of `threads` takes
  /// blocks `w, w + threads, …`, each with its own workspace and accumulators, so nothing is
  /// shared while simulating and nothing is allocated per iteration. Because every draw is
  /// keyed by (seed, iteration, stream) and every accumulator is exact, the result is the
  /// same for any `threads`, `blockSize` or split into shards.
  ///
  /// `progress` is called by the workers (from several threads) with the iterations each
  /// tile finished. `cancel` is checked before every tile: once it returns `true` the
  /// workers stop, and the run's `accumulator.iterations` counts the iterations finished.
  ///
  /// - Complexity: O(iterations × periods × services × proposed budgets).
  public static func run(
    _ scenario: Scenario, options: RunOptions, progress: (@Sendable (Int) -> Void)? = nil,
    cancel: (@Sendable () -> Bool)? = nil
  ) throws(RunOptionsError) -> SimulationRun {
    guard options.iterations >= 1 else { throw .invalid("--iterations must be at least 1, found \(options.iterations)") }
    guard options.threads >= 1 else { throw .invalid("--threads must be at least 1, found \(options.threads)") }
    let tile = TileWorkspace.rows
    guard options.blockSize >= tile, options.blockSize % tile == 0 else {
      throw .invalid("--block-size must be a positive multiple of \(tile), found \(options.blockSize)")
    }
    guard options.firstIteration >= 0 else { throw .invalid("the first iteration must be >= 0") }
    guard scenario.horizon.periods < StreamID.limit, scenario.services.count < StreamID.limit else {
      throw .invalid("at most \(StreamID.limit - 1) periods and services are supported")
    }

    let clock = ContinuousClock.now
    BLAS.useSingleThread()
    let plan = SimulationPlan(scenario)
    let start = options.firstIteration, end = start + options.iterations
    let firstTile = start / tile, endTile = (end - 1) / tile + 1
    let tilesPerBlock = options.blockSize / tile
    let blockCount = (endTile - firstTile + tilesPerBlock - 1) / tilesPerBlock
    let workers = min(options.threads, blockCount)
    let results = (0..<workers).map { _ in WorkerResult() }
    let seed = options.seed

    DispatchQueue.concurrentPerform(iterations: workers) { w in
      let workspace = TileWorkspace(plan: plan)
      let ledger = BudgetLedger(plan: plan, tile: workspace)
      var acc = RunAccumulator(plan: plan)
      var block = w
      blocks: while block < blockCount {
        let blockStart = firstTile + block * tilesPerBlock
        for t in blockStart..<min(blockStart + tilesPerBlock, endTile) {
          if let cancel, cancel() { break blocks }
          let base = t * tile
          let active = max(start - base, 0)..<min(end - base, tile)
          workspace.simulate(tile: t, active: active, seed: seed)
          for r in active {
            for e in acc.evaluations.indices {
              ledger.evaluate(row: r, iteration: base + r, seed: seed, evaluation: e, into: &acc.evaluations[e])
            }
          }
          acc.iterations += UInt64(active.count)
          progress?(active.count)
        }
        block += workers
      }
      results[w].accumulator = acc
    }

    var total = RunAccumulator(plan: plan)
    for result in results { if let acc = result.accumulator { total.merge(acc) } }
    let elapsed = ContinuousClock.now - clock
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return SimulationRun(scenario: scenario, options: options, accumulator: total, elapsedSeconds: seconds, plan: plan)
  }
}

/// One worker's output slot: written only by that worker, read after all workers finish.
private final class WorkerResult: @unchecked Sendable {
  var accumulator: RunAccumulator?
}
