import Dispatch
import Synchronization
import BudgetRiskNumerics
import BudgetRiskEngine

/// One worker's state in a parallel run: it owns its workspaces and accumulators, so workers
/// share nothing while simulating.
protocol TileWorker: AnyObject, SendableMetatype {
  /// Simulates rows `active` of tile `tile` (global iterations `tile × 64 + r`).
  func process(tile: Int, active: Range<Int>, seed: UInt64)
}

/// The parallel loop every run shares: blocks of tiles handed to Dispatch workers.
///
/// Blocks of `options.blockSize` iterations are handed out in order, 0, 1, 2, …, to whichever
/// worker is free (one shared counter). Every draw is keyed by (seed, iteration, stream) and
/// every accumulator merges exactly, so which worker took which block does not matter: what
/// the workers produce merges into the same figures for any thread count, block size,
/// scheduling or shard split. Engine runs, design comparisons and the margin solver differ
/// only in their worker.
///
/// Cancelling: `cancel` is checked before a worker takes a block, and a block once taken is
/// finished. Blocks are taken in order, so the iterations finished are always a prefix of
/// the run's range: a cancelled run is exactly a shorter run (see ``SimulationRun/prefix()``).
enum ParallelTiles {
  /// Runs `makeWorker()` on each of up to `options.threads` workers and returns the workers,
  /// in worker order, with the number of iterations they finished.
  package static func run<Worker: TileWorker>(
    options: RunOptions, progress: (@Sendable (Int) -> Void)? = nil,
    cancel: (@Sendable () -> Bool)? = nil, makeWorker: @Sendable () -> Worker
  ) -> (workers: [Worker], completed: Int) {
    let tile = TileWorkspace.rows
    let start = options.firstIteration, end = start + options.iterations
    let firstTile = start / tile, endTile = (end - 1) / tile + 1
    let tilesPerBlock = options.blockSize / tile
    let blockCount = (endTile - firstTile + tilesPerBlock - 1) / tilesPerBlock
    let workerCount = min(options.threads, blockCount)
    let slots = (0..<workerCount).map { _ in WorkerSlot<Worker>() }
    let seed = options.seed
    let nextBlock = BlockCounter()

    BLAS.useSingleThread()
    DispatchQueue.concurrentPerform(iterations: workerCount) { w in
      let worker = makeWorker()
      var completed = 0
      while cancel?() != true {
        let block = nextBlock.take()
        guard block < blockCount else { break }
        let blockStart = firstTile + block * tilesPerBlock
        for t in blockStart..<min(blockStart + tilesPerBlock, endTile) {
          let base = t * tile
          let active = max(start - base, 0)..<min(end - base, tile)
          worker.process(tile: t, active: active, seed: seed)
          completed += active.count
          progress?(active.count)
        }
      }
      slots[w].worker = worker
      slots[w].completed = completed
    }
    return (slots.map { $0.worker! }, slots.reduce(0) { $0 + $1.completed })
  }
}

/// One worker's output slot: written only by that worker, read after all workers finish.
private final class WorkerSlot<Worker>: @unchecked Sendable {
  var worker: Worker?
  var completed = 0
}

/// The next block to hand out, shared by the workers.
private final class BlockCounter: Sendable {
  private let next = Atomic<Int>(0)
  /// Takes the next block number (0, 1, 2, … across all callers).
  func take() -> Int { next.add(1, ordering: .relaxed).oldValue }
}
