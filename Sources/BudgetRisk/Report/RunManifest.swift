import Foundation

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

  public struct CorrelationRepairNote: Codable, Sendable, Equatable {
    public var smallestEigenvalue: Double
    public var largestChange: Double
  }

  public init(run: SimulationRun) {
    tool = "budget-risk"
    version = Self.toolVersion
    scenarioFile = run.scenario.sourcePath
    let bytes = FileManager.default.contents(atPath: run.scenario.sourcePath).map { [UInt8]($0) }
    scenarioSHA256 = bytes.map(SHA256.hex) ?? "unavailable"
    seed = run.options.seed
    iterations = run.options.iterations
    firstIteration = run.options.firstIteration
    threads = run.options.threads
    blockSize = run.options.blockSize
    elapsedSeconds = run.elapsedSeconds
    iterationsPerSecond = run.elapsedSeconds > 0 ? Double(run.options.iterations) / run.elapsedSeconds : 0
    openBLAS = BLAS.configuration
    correlationRepair = run.scenario.correlation?.repair.map {
      CorrelationRepairNote(smallestEigenvalue: $0.smallestEigenvalue, largestChange: $0.largestChange)
    }
  }
}
