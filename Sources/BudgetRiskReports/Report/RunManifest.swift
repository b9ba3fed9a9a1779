import Foundation
import BudgetRiskNumerics
import BudgetRiskModel
import BudgetRiskEngine
import BudgetRiskStudies

/// How a run was made: enough to reproduce its figures and to judge its speed.
public struct RunManifest: Codable, Sendable, Equatable {
  public static let toolVersion = "0.1.0"

  public var tool: String
  public var version: String
  public var scenarioFile: String
  /// SHA-256 of the scenario file's bytes.
  public var scenarioSHA256: String
  public var seed: UInt64
  public var iterations: Int
  public var firstIteration: Int
  public var threads: Int
  public var blockSize: Int
  public var elapsedSeconds: Double
  public var iterationsPerSecond: Double
  public var openBLAS: String
  public var correlationRepair: CorrelationRepairNote?
  /// How a `--precision` run ended (absent otherwise).
  public var precision: PrecisionNote?
  /// How the uncertain factors were sampled under `--sampling rqmc` (method, replicates);
  /// absent for plain Monte Carlo, the default.
  public var sampling: Sampling?
  /// Under `--sampling rqmc --rotation gradient`: the direction the point set's first
  /// coordinate was rotated onto (absent otherwise, and where the rotation is the identity).
  public var rotation: RotationNote?
  /// The design of the file that ran (`--design`; absent for the base document).
  public var design: String?
  /// The command line that reproduces the figures (see ``reproduceCommand(_:files:design:seed:iterations:extra:)``).
  public var reproduce: String?

  public struct CorrelationRepairNote: Codable, Sendable, Equatable {
    public var smallestEigenvalue: Double
    public var largestChange: Double
  }

  /// The unit direction `ĝ` of the gradient rotation (``FactorRotation``), one weight per
  /// factor in the copula's independent normals (Cholesky order: weight `f` is factor `f`'s
  /// normal given the earlier factors'), and what it is the gradient of.
  public struct RotationNote: Codable, Sendable, Equatable {
    public var along: String
    public var factors: [String]
    public var direction: [Double]
  }

  public init(run: SimulationRun) {
    self.init(plan: run.plan, options: run.options, elapsedSeconds: run.elapsedSeconds)
  }

  /// The manifest of any simulation of `plan` (a run, a margin solve) over
  /// `options.iterations` iterations. The file's hash is the one taken when it was read:
  /// the manifest never re-reads the file, so it names the text that was simulated.
  public init(plan: SimulationPlan, options: RunOptions, elapsedSeconds: Double) {
    tool = "budget-risk"
    version = Self.toolVersion
    scenarioFile = plan.sourcePath
    scenarioSHA256 = plan.sourceSHA256 ?? "unavailable"
    seed = options.seed
    iterations = options.iterations
    firstIteration = options.firstIteration
    threads = options.threads
    blockSize = options.blockSize
    self.elapsedSeconds = elapsedSeconds
    iterationsPerSecond = elapsedSeconds > 0 ? Double(options.iterations) / elapsedSeconds : 0
    openBLAS = BLAS.configuration
    correlationRepair = plan.correlationRepair.map {
      CorrelationRepairNote(smallestEigenvalue: $0.smallestEigenvalue, largestChange: $0.largestChange)
    }
    if options.sampling.method == .rqmc, options.sampling.rotation == .gradient, let rotation = plan.gradientRotation {
      self.rotation = RotationNote(
        along: "gradient of the total cost's conditional mean at the factors' medians", factors: plan.factors.map(\.name),
        direction: rotation.direction)
    }
  }
}
