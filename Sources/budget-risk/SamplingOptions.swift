import ArgumentParser
import BudgetRiskModel
import BudgetRiskStudies

/// The options every simulating command shares: how many iterations, the seed, the threads.
///
/// `run`, `compare` and `margin` take them through `@OptionGroup`, so their names, help and
/// checks are the same everywhere.
struct SamplingOptions: ParsableArguments {
  @Option(help: "Iterations to simulate (with --precision: the first batch; default: the scenario's run.iterations, else 10000).")
  var iterations: Int?

  @Option(help: "Random seed (default: the scenario's run.seed, else 1).")
  var seed: UInt64?

  @Option(help: "Worker threads (default: the number of cores); does not change the figures.")
  var threads: Int = RunOptions.defaultThreads

  func validate() throws {
    if let n = iterations, n < 1 { throw ValidationError("--iterations must be at least 1, found \(n)") }
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1, found \(threads)") }
  }

  /// The run's options: these, with the scenario's defaults where an option was not given.
  func runOptions(defaults: RunDefaults, blockSize: Int = 256) -> RunOptions {
    RunOptions(
      iterations: iterations ?? defaults.iterations, seed: seed ?? defaults.seed, threads: threads,
      blockSize: blockSize)
  }
}
