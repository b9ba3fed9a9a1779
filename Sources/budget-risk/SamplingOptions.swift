import ArgumentParser
import BudgetRiskModel
import BudgetRiskEngine
import BudgetRiskStudies

/// The options every simulating command shares: how many iterations, the seed, the threads.
///
/// `run`, `compare` and `margin` take them through `@OptionGroup`, so their names, help and
/// checks are the same everywhere.
struct SamplingOptions: ParsableArguments {
  // `.unconditional`: `--iterations -1` is read as the value -1 and refused by `validate`
  // with a message, not taken for an option ("Missing value").
  @Option(
    parsing: .unconditional,
    help: "Iterations to simulate (with --precision: the first batch; default: the scenario's run.iterations, else 10000).")
  var iterations: Int?

  @Option(help: "Random seed (default: the scenario's run.seed, else 1).")
  var seed: UInt64?

  @Option(help: "How the uncertain factors are sampled: plain (Monte Carlo) or rqmc (scrambled Sobol' points in --replicates independent replicates; intervals from the replicates; iterations rounded to replicates × n, n = 4, 5, 6 or 7 × a power of two, so that each replicate's points are whole Sobol' nets).")
  var sampling: Sampling.Method = .plain

  @Option(parsing: .unconditional, help: "With --sampling rqmc: independent replicates (\(Sampling.replicateRange.lowerBound)–\(Sampling.replicateRange.upperBound); default \(Sampling.defaultReplicates)).")
  var replicates: Int?

  @Option(help: "With --sampling rqmc: indicator (each path's own figures) or conditional (under absorb, each path's P(overspend) and expected drift given its factors, processes and shocks: conditional Monte Carlo, in the JSON's figures.sampling).")
  var estimator: Sampling.Estimator = .indicator

  @Option(help: "With --sampling rqmc: gradient (the default in 'run' and 'margin': the factors' independent normals rotated so that the total cost's conditional mean varies along the first Sobol' dimension; the law, and so every figure's expectation and interval, is unchanged) or none (the unrotated point set). 'compare' and 'outcomes' keep the point set unrotated (common random numbers across designs and doses).")
  var rotation: Sampling.Rotation?

  @Option(parsing: .unconditional, help: "Worker threads (default: the number of cores, at most 4 × that); does not change the figures.")
  var threads: Int = RunOptions.defaultThreads

  /// The most worker threads: 4 × the cores. More do not speed a run (the work is
  /// CPU-bound) and each holds its own workspace and accumulators (tens of MB).
  static var maximumThreads: Int { 4 * RunOptions.defaultThreads }

  func validate() throws {
    if let n = iterations, n < 1 {
      throw ValidationError("--iterations must be a whole number of at least 1, found \(n)")
    }
    if let replicates {
      guard sampling == .rqmc else { throw ValidationError("--replicates needs --sampling rqmc (plain Monte Carlo has no replicates)") }
      guard Sampling.replicateRange.contains(replicates) else {
        throw ValidationError(
          "--replicates must be between \(Sampling.replicateRange.lowerBound) and \(Sampling.replicateRange.upperBound), found \(replicates)")
      }
    }
    if rotation != nil && sampling != .rqmc {
      throw ValidationError("--rotation needs --sampling rqmc (plain Monte Carlo has no point set to rotate)")
    }
    if estimator == .conditional && sampling != .rqmc {
      throw ValidationError("--estimator conditional needs --sampling rqmc (its intervals come from the replicates)")
    }
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1, found \(threads)") }
    guard threads <= Self.maximumThreads else {
      throw ValidationError(
        "--threads must be at most \(Self.maximumThreads) (4 × the \(RunOptions.defaultThreads) cores), found \(threads): more threads than cores do not make a run faster, and each costs memory")
    }
  }

  /// The run's options: these, with the scenario's defaults where an option was not given.
  ///
  /// Under `--sampling rqmc` the iterations are rounded to the nearest replicates × n, n on
  /// the ``PointGrid`` (2ᵏ, 2ᵏ + 2ᵏ⁻², 2ᵏ + 2ᵏ⁻¹, 2ᵏ + 2ᵏ⁻¹ + 2ᵏ⁻², on a log scale), so that
  /// every replicate's points are whole Sobol' nets; the manifest records the count run, and a
  /// count on the grid (a precision run's, a manifest's `reproduce`) is kept as given.
  /// Under RQMC the normals are rotated (``Sampling/Rotation/gradient``) unless `--rotation
  /// none`, or `rotates` is false (a command that keeps the point set unrotated: see
  /// ``refuseRotation(in:)``).
  func runOptions(defaults: RunDefaults, blockSize: Int = 256, rotates: Bool = true) -> RunOptions {
    let method = Sampling(
      method: sampling, replicates: sampling == .rqmc ? replicates ?? Sampling.defaultReplicates : 1, estimator: estimator,
      rotation: sampling == .rqmc && rotates ? rotation ?? .gradient : .none)
    return RunOptions(
      iterations: method.usableIterations(near: iterations ?? defaults.iterations), seed: seed ?? defaults.seed,
      threads: threads, blockSize: blockSize, sampling: method)
  }

  /// The words that reproduce the sampling of `options` (none under plain Monte Carlo):
  /// `--rotation none` where an RQMC run was not rotated, in a command that rotates by
  /// default (`rotates`).
  static func reproduceWords(_ options: RunOptions, rotates: Bool = true) -> [String] {
    guard options.sampling.method == .rqmc else { return [] }
    return ["--sampling", "rqmc", "--replicates", "\(options.sampling.replicates)"] + rotationWords(options.sampling, rotates: rotates)
  }

  /// `--rotation none` for an unrotated RQMC sampling in a command that rotates by default.
  static func rotationWords(_ sampling: Sampling, rotates: Bool = true) -> [String] {
    sampling.method == .rqmc && rotates && sampling.rotation == .none ? ["--rotation", "none"] : []
  }
}

extension SamplingOptions {
  /// Refuses `--estimator conditional` in a command whose figures do not read it (they would
  /// be the indicator's while the option said otherwise): only `run` reports it.
  func refuseConditional(in command: String) throws {
    guard estimator == .indicator else {
      throw ValidationError("--estimator conditional is supported by 'run' only; '\(command)' reports the indicator (leave out --estimator)")
    }
  }
}

extension SamplingOptions {
  /// Refuses `--rotation gradient` in a command whose point sets stay unrotated: a design
  /// comparison's factors take the same coordinates by name in every design (common random
  /// numbers), and a dose sweep's doses are compared on common points, while each design or
  /// dose would have its own gradient.
  func refuseRotation(in command: String) throws {
    guard rotation != .gradient else {
      throw ValidationError("--rotation gradient is supported by 'run' and 'margin'; '\(command)' keeps the --sampling rqmc point set unrotated so that its designs or doses share common random numbers (leave out --rotation)")
    }
  }
}

extension Sampling.Method: ExpressibleByArgument {}
extension Sampling.Rotation: ExpressibleByArgument {}
extension Sampling.Estimator: ExpressibleByArgument {}
