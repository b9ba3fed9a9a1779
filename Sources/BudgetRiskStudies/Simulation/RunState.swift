import BudgetRiskNumerics
import BudgetRiskModel
import BudgetRiskEngine

/// A run's complete state, saved by `run --state` (one shard, or the whole run as shard
/// 0/1) and read back by `merge` and `report`: what the run was (the scenario's text and
/// hash, design, seed, total iterations, shard) and its accumulators — the exact integer
/// state from which every figure is read, so figures from a saved or merged state are bit
/// for bit those of one run. `docs/scale-out.md` documents the file.
///
/// The scenario's text travels in the state so that `merge` and `report` rebuild the very
/// plan that was simulated, without the original file.
public struct RunState: Codable, Sendable {
  /// What a state file says it is; `formatVersion` changes whenever a reader of the old
  /// version would misread the new one.
  public static let formatName = "budget-risk-state"
  public static let currentFormatVersion = 1

  public var format: String = RunState.formatName
  public var formatVersion: Int = RunState.currentFormatVersion
  /// The version of the tool that wrote it (states of different versions never merge).
  public var toolVersion: String
  /// The scenario file as given on the command line (the manifest's `scenarioFile`).
  public var scenarioFile: String
  /// SHA-256 of `scenarioText`'s UTF-8 bytes, the file simulated.
  public var scenarioSHA256: String
  public var scenarioText: String
  /// The design simulated (`base`: the file's base document).
  public var design: String
  public var seed: UInt64
  /// The whole run's iterations, of which this shard simulated `firstIteration ..< firstIteration + iterations`.
  public var totalIterations: Int
  public var shard: Shard
  public var firstIteration: Int
  public var iterations: Int
  /// How the shard ran (neither changes a figure): recorded in the merged manifest.
  public var threads: Int
  public var blockSize: Int
  public var elapsedSeconds: Double
  /// OpenBLAS as the shard ran it (the manifest's `openBLAS`; a merge does not call BLAS).
  public var openBLAS: String
  /// SHA-256 of the accumulators' canonical JSON (sorted keys), checked on reading: a state
  /// damaged after writing is refused, never merged.
  public var stateSHA256: String
  public var state: RunAccumulator

  /// The state of `run`, a complete run of `shard` of a run of `totalIterations`.
  public init(
    run: SimulationRun, shard: Shard, totalIterations: Int, design: String, scenarioFile: String,
    scenarioText: String, scenarioSHA256: String, toolVersion: String, stateSHA256: String = ""
  ) {
    self.toolVersion = toolVersion
    self.scenarioFile = scenarioFile
    self.scenarioSHA256 = scenarioSHA256
    self.scenarioText = scenarioText
    self.design = design
    seed = run.options.seed
    self.totalIterations = totalIterations
    self.shard = shard
    firstIteration = run.options.firstIteration
    iterations = run.options.iterations
    threads = run.options.threads
    blockSize = run.options.blockSize
    elapsedSeconds = run.elapsedSeconds
    openBLAS = BLAS.configuration
    self.stateSHA256 = stateSHA256
    state = run.accumulator
  }

  /// The scenario simulated, parsed from the saved text as if read from `scenarioFile`.
  public func scenario() throws(ScenarioValidationError) -> Scenario {
    let file = try ScenarioLoader.parseDesigns(yaml: scenarioText, path: scenarioFile)
    guard design != file.base.name else { return file.base.scenario }
    guard let match = file.designs.first(where: { $0.name == design }) else {
      throw ScenarioValidationError(issues: [
        ScenarioIssue(file: scenarioFile, line: nil, path: "designs", message: "the saved scenario has no design '\(design)'")
      ])
    }
    return match.scenario
  }
}

/// Why states cannot be merged or reported.
public struct RunStateError: Error, CustomStringConvertible, Equatable {
  public let description: String
  public init(_ description: String) { self.description = description }
}

extension RunState {
  /// Merges the states of every shard of one run into the state of the whole run (shard 0/1).
  ///
  /// They must belong together — one format and tool version, scenario hash, design, seed,
  /// total iterations and shard count — and hold every shard exactly once, each complete;
  /// otherwise the error names the file that differs, or the missing or duplicate shards.
  /// The accumulators merge exactly, so the result is the state of one run over all the
  /// iterations (the elapsed time is the shards' sum).
  ///
  /// - Parameter states: each state with the path it was read from (for messages).
  public static func merge(_ states: [(path: String, state: RunState)]) throws(RunStateError) -> RunState {
    guard let (firstPath, first) = states.first else { throw RunStateError("no state files to merge") }
    func differ(_ what: String, _ path: String, _ theirs: String, _ ours: String) -> RunStateError {
      RunStateError("\(path): \(what) is \(theirs), but \(firstPath) has \(ours): these states are not shards of one run")
    }
    var byShard: [Int: [String]] = [:]
    for (path, s) in states {
      if s.format != first.format || s.formatVersion != first.formatVersion {
        throw differ("the format", path, "\(s.format) \(s.formatVersion)", "\(first.format) \(first.formatVersion)")
      }
      if s.toolVersion != first.toolVersion { throw differ("the tool version", path, s.toolVersion, first.toolVersion) }
      if s.scenarioSHA256 != first.scenarioSHA256 {
        throw differ("the scenario's SHA-256", path, s.scenarioSHA256, first.scenarioSHA256)
      }
      if s.design != first.design { throw differ("the design", path, "'\(s.design)'", "'\(first.design)'") }
      if s.seed != first.seed { throw differ("the seed", path, "\(s.seed)", "\(first.seed)") }
      if s.totalIterations != first.totalIterations {
        throw differ("the run's total iterations", path, "\(s.totalIterations)", "\(first.totalIterations)")
      }
      if s.shard.count != first.shard.count {
        throw differ("the shard count", path, "\(s.shard.count) (shard \(s.shard))", "\(first.shard.count) (shard \(first.shard))")
      }
      try s.checkComplete(path: path)
      byShard[s.shard.index, default: []].append(path)
    }
    let n = first.shard.count
    let duplicates = byShard.filter { $0.value.count > 1 }.sorted { $0.key < $1.key }
    if let (k, paths) = duplicates.first {
      throw RunStateError("shard \(k)/\(n) is given \(paths.count) times (\(paths.joined(separator: ", "))): give each shard once")
    }
    let missing = (0..<n).filter { byShard[$0] == nil }
    if !missing.isEmpty {
      let list = missing.prefix(20).map { "\($0)/\(n)" }.joined(separator: ", ") + (missing.count > 20 ? ", …" : "")
      throw RunStateError(
        "\(missing.count) of \(n) shards missing: \(list) (a run of \(first.totalIterations) iterations needs every shard once)")
    }
    // Shard order, so the merged accumulators' storage does not depend on the argument order.
    let ordered = states.map(\.state).sorted { $0.shard.index < $1.shard.index }
    var merged = ordered[0]
    for s in ordered.dropFirst() {
      guard s.state.hasShape(of: merged.state) else {
        throw RunStateError("\(byShard[s.shard.index]![0]): its accumulators do not have the shape of shard 0's")
      }
      merged.state.merge(s.state)
      merged.elapsedSeconds += s.elapsedSeconds
    }
    merged.shard = .whole
    merged.firstIteration = 0
    merged.iterations = first.totalIterations
    merged.stateSHA256 = ""
    return merged
  }

  /// Refuses a state that is not exactly its shard's range, fully simulated.
  func checkComplete(path: String) throws(RunStateError) {
    guard totalIterations >= 1, shard.count <= Shard.maximumCount(iterations: totalIterations) else {
      throw RunStateError("\(path): \(shard.count) shards of \(totalIterations) iterations: at most one shard per 64 iterations")
    }
    let range = shard.iterations(ofRunOf: totalIterations)
    guard firstIteration == range.lowerBound, iterations == range.count, state.iterations == UInt64(range.count) else {
      throw RunStateError(
        "\(path): shard \(shard) of \(totalIterations) iterations should hold iterations \(range.lowerBound)..<\(range.upperBound), "
          + "but holds \(state.iterations) from \(firstIteration) (an incomplete or altered state)")
    }
  }

  /// The finished run this complete state (shard 0/1) is, on `plan` (built from ``scenario()``).
  public func run(plan: SimulationPlan) throws(RunStateError) -> SimulationRun {
    guard shard == .whole else {
      throw RunStateError("this state is shard \(shard) of a run: merge every shard (budget-risk merge) to report the run")
    }
    try checkComplete(path: "the state")
    let evaluations = plan.scenarioEvaluations
    guard state.hasShape(of: RunAccumulator(plan: plan, evaluations: evaluations)) else {
      throw RunStateError("the state's accumulators do not have the shape of its scenario's plan")
    }
    do { try Engine.refuseNonFinite(state) } catch { throw RunStateError(error.description) }
    let options = RunOptions(iterations: iterations, seed: seed, threads: threads, blockSize: blockSize)
    return SimulationRun(options: options, accumulator: state, elapsedSeconds: elapsedSeconds, plan: plan, evaluations: evaluations)
  }
}
