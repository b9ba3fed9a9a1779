import ArgumentParser
import BudgetRiskModel
import BudgetRiskEngine
import BudgetRiskStudies
import BudgetRiskReports
import Foundation

struct MergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Merge the saved states of every shard of a run and report it, as one run would.",
    discussion: """
      Examples:
        budget-risk run pilot.yaml --iterations 1000000 --shard 0/4 --state states/0.json   (and 1/4, 2/4, 3/4)
        budget-risk merge states/*.json --json run.json --csv out --report report.html
      The states must be shards of one run: the same scenario (by SHA-256), design, seed, total \
      iterations, shard count, format and tool version, every shard exactly once. The figures \
      are byte-identical to one 'run' with the same seed and iterations (only the manifest's \
      elapsedSeconds and iterationsPerSecond differ; threads and blockSize are those of the \
      first shard). The scenario is read from the states, not from its file. \
      See docs/scale-out.md.
      """
  )

  @Argument(help: "The shards' state files (from 'run --shard K/N --state PATH').", completion: .file(extensions: ["json"]))
  var states: [String]

  @Option(help: "Show the drivers of the overspend tail at this proposal (default: the recommended margin).")
  var driversAt: String?

  @OptionGroup var output: OutputOptions

  @Option(help: "Write tidy CSV tables into this folder.", completion: .directory)
  var csv: String?

  @Option(help: "Also save the merged state (the whole run, shard 0/1) to this file.")
  var state: String?

  func run() throws {
    try SavedRun.report(states: states, driversAt: driversAt, output: output, csv: csv, state: state)
  }
}

struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Re-render every output of a saved run (run --state, merge --state) without simulating.",
    discussion: """
      Examples:
        budget-risk run pilot.yaml --state run.state.json --quiet
        budget-risk report run.state.json --report report.html --json run.json --csv out
      The figures are byte-identical to those of the run that saved the state.
      """
  )

  @Argument(help: "A complete run's state file (a shard's state must be merged first).", completion: .file(extensions: ["json"]))
  var state: String

  @Option(help: "Show the drivers of the overspend tail at this proposal (default: the recommended margin).")
  var driversAt: String?

  @OptionGroup var output: OutputOptions

  @Option(help: "Write tidy CSV tables into this folder.", completion: .directory)
  var csv: String?

  func run() throws {
    try SavedRun.report(states: [state], driversAt: driversAt, output: output, csv: csv, state: nil)
  }
}

/// `merge` and `report`: saved states to a run's outputs.
enum SavedRun {
  /// Reads and merges `paths`, rebuilds the plan from the saved scenario and writes the
  /// outputs (exit 65 for states that cannot be read or do not belong together).
  static func report(states paths: [String], driversAt: String?, output: OutputOptions, csv: String?, state: String?) throws {
    try output.checkWritable(csvFolder: csv, also: [state].compactMap { $0 }, inputs: paths)
    let merged: RunState
    do {
      var read: [(path: String, state: RunState)] = []
      for path in paths { read.append((path, try RunStateFile.read(path: path))) }
      merged = read.count == 1 && read[0].state.shard == .whole ? read[0].state : try RunState.merge(read)
    } catch {
      printError("\(error)")
      throw Exit.invalidScenario
    }
    let scenario: Scenario
    do { scenario = try merged.scenario() } catch {
      printError("\(error)")
      throw Exit.invalidScenario
    }
    let plan = try compile(scenario)
    let result: SimulationRun
    do { result = try merged.run(plan: plan) } catch {
      printError("\(error)")
      throw Exit.invalidScenario
    }
    // The plan was parsed from the saved text: the manifest's hash is that of the text
    // simulated, whatever the file at that path holds now.
    var manifest = RunManifest(run: result)
    manifest.openBLAS = merged.openBLAS
    // The figures are those of one run of every iteration: the manifest records that run's
    // design and command, as `run` does, so a merged JSON equals the single run's byte for
    // byte (timing aside).
    let design = merged.design == ScenarioLoader.baseDesignName ? nil : merged.design
    manifest.design = design
    manifest.reproduce = RunManifest.reproduceCommand(
      "run", files: [merged.scenarioFile], design: design, seed: merged.seed, iterations: merged.totalIterations)
    let saved = try state.map { [AtomicFile.Output(path: $0, data: try RunStateFile.encode(merged))] } ?? []
    let interrupt = InterruptHandler()
    defer { withExtendedLifetime(interrupt) {} }
    try RunOutputs(result: result, manifest: manifest, driversAt: driversAt).write(
      output: output, csv: csv, extra: saved, inputs: paths, interrupt: interrupt)
  }
}
