import BudgetRiskNumerics
import BudgetRiskModel
import BudgetRiskEngine

/// Entry points into the engine's internals for the micro-benchmarks in `Benchmarks/`.
///
/// Not part of the supported API: reachable only with `@_spi(Benchmarks) import BudgetRisk`.
/// The samplers and the generator are public already; what the benchmarks need beyond them
/// is one block of the engine's loop, with its workspace and accumulators kept between calls
/// so that a steady-state block can be timed (and its heap allocations counted) on its own.
@_spi(Benchmarks)
public final class EngineBlockBenchmark {
  /// Iterations per block (a multiple of 64, as in ``RunOptions/blockSize``).
  public let blockSize: Int
  /// Cells per iteration: periods × services.
  public let cellsPerIteration: Int
  private let worker: RunWorker
  private let seed: UInt64

  /// A worker for `scenario`, as ``Engine/run(_:options:progress:cancel:)`` makes one.
  public init(scenario: Scenario, seed: UInt64 = 1, blockSize: Int = 256) throws(ScenarioValidationError) {
    precondition(blockSize >= TileWorkspace.rows && blockSize % TileWorkspace.rows == 0)
    let plan = try SimulationPlan(scenario)
    worker = RunWorker(plan: plan, evaluations: plan.scenarioEvaluations)
    self.blockSize = blockSize
    self.seed = seed
    cellsPerIteration = plan.periods * plan.serviceCount
    BLAS.useSingleThread()
  }

  /// Simulates and evaluates block `block` (iterations `block × blockSize …`), accumulating
  /// into the worker's accumulators exactly as a run does.
  public func run(block: Int) {
    let tiles = blockSize / TileWorkspace.rows
    for t in block * tiles..<(block + 1) * tiles {
      worker.process(tile: t, active: 0..<TileWorkspace.rows, seed: seed)
    }
  }

  /// Iterations accumulated so far (keeps the work observable to the optimiser).
  public var iterations: UInt64 { worker.accumulator.iterations }
}
