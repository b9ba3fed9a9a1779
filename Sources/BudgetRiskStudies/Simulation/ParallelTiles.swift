import Dispatch
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
/// Worker `w` of `W` takes blocks `w, w + W, …` of `options.blockSize` iterations. Every draw
/// is keyed by (seed, iteration, stream) and every accumulator merges exactly, so what the
/// workers produce merges into the same figures for any thread count, block size or shard
/// split. Engine runs, design comparisons and the margin solver differ only in their worker.
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

    BLAS.useSingleThread()
    DispatchQueue.concurrentPerform(iterations: workerCount) { w in
      let worker = makeWorker()
      var completed = 0
      var block = w
      blocks: while block < blockCount {
        let blockStart = firstTile + block * tilesPerBlock
        for t in blockStart..<min(blockStart + tilesPerBlock, endTile) {
          if let cancel, cancel() { break blocks }
          let base = t * tile
          let active = max(start - base, 0)..<min(end - base, tile)
          worker.process(tile: t, active: active, seed: seed)
          completed += active.count
          progress?(active.count)
        }
        block += workerCount
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
