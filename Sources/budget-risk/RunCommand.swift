import ArgumentParser
import BudgetRiskModel
import BudgetRiskStudies
import BudgetRiskReports
import Foundation

struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Simulate a scenario and report the risk of every proposed budget.",
    discussion: """
      Examples:
        budget-risk run scenarios/community-health-network.yaml
        budget-risk run scenarios/place-based-pooled.yaml --iterations 100000 --json out/run.json --csv out/csv
        budget-risk run scenarios/housing-and-health.yaml --report report.html
        budget-risk run scenarios/targeted-older-adults.yaml --seed 7 --threads 1
        budget-risk run scenarios/place-based-pooled.yaml --iterations 1000000 --shard 2/8 --state states/2.json
      The same seed and iterations give byte-identical figures at any --threads and --block-size.
      Runs longer than a second show a progress bar on standard error when it is a terminal \
      (never with --quiet). The first Ctrl-C (or SIGTERM, SIGHUP) finishes the blocks in flight and \
      reports the iterations completed as a run of that size (rerun with --iterations N to reproduce \
      it), then exits 130 (143, 129); a second one stops at once and writes nothing.
      --precision X runs in batches until the 95 % half-width of P(overspend) at the \
      recommended margin (Wilson; under --sampling rqmc the replicates' Student-t) is at most X, \
      for every response, or until --max-iterations (default 10,000,000): after --iterations, \
      each batch runs to the total that the half-width so far projects (n·(h/X)², rounded up to \
      4, 5, 6 or 7 × a power of two per replicate, at least one such step more; under rqmc at \
      most twice the total). The figures are exactly those of one run over the iterations used \
      (the manifest's reproduce line), and the output says whether the target was reached.
      --shard K/N --state PATH simulates only shard K (from 0) of N — a contiguous range of the \
      run's iterations — and saves its state; 'budget-risk merge' of every shard's state gives the \
      figures of the whole run byte for byte (see docs/scale-out.md, and 'budget-risk slurm').
      """
  )

  @Argument(help: "The scenario file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
  var file: String

  @Option(help: "Run this design of the file (default: its base document, 'base').")
  var design: String?

  @Option(help: "Show the drivers of the overspend tail at this proposal (e.g. 'margin 5%'; default: the recommended margin).")
  var driversAt: String?

  @OptionGroup var sampling: SamplingOptions

  @Flag(help: "Add the tornado in money at the headline budget: a second pass over the same iterations (about doubles the time).")
  var tornado = false

  @Option(help: "Iterations per unit of work, a multiple of 64; does not change the figures.")
  var blockSize: Int = 256

  @Option(help: "Run in batches until P(overspend) at the recommended margin has a 95 % half-width ≤ this (e.g. 0.005).")
  var precision: Double?

  @Option(help: "With --precision: the most iterations to run (default 10,000,000; under --sampling rqmc rounded down to replicates × 4, 5, 6 or 7 × a power of two).")
  var maxIterations: Int = PrecisionTarget.defaultMaxIterations

  @OptionGroup var output: OutputOptions

  @Option(help: "Write tidy CSV tables into this folder.", completion: .directory)
  var csv: String?

  @Option(help: "Simulate only shard K of N of the run (K from 0; contiguous ranges of iterations); needs --state.")
  var shard: String?

  @Option(help: "Save the run's complete state to this file, for 'budget-risk merge' and 'budget-risk report'.")
  var state: String?

  @Option(help: "Write one row per iteration of the key outcomes to this file (gzip-compressed CSV, e.g. samples.csv.gz).")
  var samples: String?

  func validate() throws {
    guard blockSize >= 64, blockSize % 64 == 0 else {
      throw ValidationError("--block-size must be a positive multiple of 64, found \(blockSize)")
    }
    if let shard, Shard(shard) == nil {
      throw ValidationError("--shard must be K/N with 0 ≤ K < N (e.g. 3/8), found '\(shard)'")
    }
    if shard != nil && state == nil { throw ValidationError("--shard needs --state PATH: a shard's figures are read after 'budget-risk merge'") }
    if sampling.sampling == .rqmc && (state != nil || tornado) {
      throw ValidationError("--sampling rqmc cannot be combined with --shard, --state or --tornado: a state file and the tornado's second pass keep plain Monte Carlo's figures only")
    }
    if precision != nil && (state != nil || samples != nil) {
      throw ValidationError("--precision cannot be combined with --shard, --state or --samples: the iterations of a precision run are not known in advance")
    }
  }

  /// The options of this process's part of the run: all of it, or `--shard K/N`'s range.
  func shardOptions(_ whole: RunOptions) throws -> RunOptions {
    guard let shard = shard.flatMap(Shard.init) else { return whole }
    let most = Shard.maximumCount(iterations: whole.iterations)
    guard shard.count <= most else {
      throw ValidationError("--shard \(shard): \(whole.iterations) iterations make at most \(most) shards (one per 64 iterations)")
    }
    return shard.options(ofRun: whole)
  }

  /// The state file to write with the other outputs (none without `--state`).
  func savedState(of result: SimulationRun, totalIterations: Int) throws -> [AtomicFile.Output] {
    guard let state else { return [] }
    // The plan keeps the hash of the bytes it was parsed from, not the bytes: read them again
    // and refuse a file that changed meanwhile (the state must hold the text simulated).
    guard let bytes = FileManager.default.contents(atPath: file), SHA256.hex(Array(bytes)) == result.plan.sourceSHA256 else {
      printError("\(file): the scenario file changed (or vanished) while it was simulated; no file written")
      throw Exit.invalidScenario
    }
    let saved = RunState(
      run: result, shard: shard.flatMap(Shard.init) ?? .whole, totalIterations: totalIterations,
      design: design ?? "base", scenarioFile: file, scenarioText: String(decoding: bytes, as: UTF8.self),
      scenarioSHA256: "", toolVersion: RunManifest.toolVersion)
    return [AtomicFile.Output(path: state, data: try RunStateFile.encode(saved))]
  }

  func run() throws {
    let plan = try loadPlan(file, design: design)
    // Refuse an unknown --drivers-at label before simulating, not after.
    let labels = plan.proposals.map(\.label)
    if let label = driversAt, !labels.contains(label) {
      throw ValidationError("--drivers-at: no proposal '\(label)' (proposals: \(labels.joined(separator: ", ")))")
    }
    try output.checkWritable(csvFolder: csv, also: [state, samples].compactMap { $0 }, inputs: [file])
    let whole = sampling.runOptions(defaults: plan.defaults, blockSize: blockSize)
    let total = whole.iterations
    let options = try shardOptions(whole)
    let progress = ProgressBar(
      total: precision == nil ? options.iterations : maxIterations,
      isEnabled: ProgressBar.shouldShow(quiet: output.quiet, isTerminal: ProgressBar.standardErrorIsTerminal()))
    // Ctrl-C from here on stops the simulation; it stays caught while the files are written.
    let interrupt = InterruptHandler()
    defer { withExtendedLifetime(interrupt) {} }
    let interrupted = interrupt.flag
    var result: SimulationRun
    var precisionNote: PrecisionNote?
    do {
      if let x = precision {
        (result, precisionNote) = try Engine.run(
          plan, options: options, precision: PrecisionTarget(halfWidth: x, maxIterations: maxIterations),
          progress: { progress.advance(by: $0) }, cancel: { interrupted.isRaised })
      } else {
        result = try Engine.run(
          plan, options: options, samples: samples != nil, progress: { progress.advance(by: $0) },
          cancel: { interrupted.isRaised })
      }
    } catch {
      throw commandLineError(error)
    }
    progress.finish()
    let cut = !result.isComplete
    if cut && (state != nil || samples != nil) {
      // A state must hold its whole shard: a merge of a cut shard would be a different run.
      printError("\(interrupt.name) after \(result.completedIterations) of \(result.options.iterations) iterations: no file written (a state or samples file holds its whole run or shard)")
      throw interrupt.exit
    }
    if cut {
      // The first signal keeps the work: the iterations finished are a prefix, reported as a
      // run of that size (the manifest records it; --iterations N reproduces it exactly).
      guard let prefix = result.prefix() else {
        printError("\(interrupt.name) before any iteration finished; no files written")
        throw interrupt.exit
      }
      printError(
        "\(interrupt.name) after \(prefix.options.iterations) of \(result.options.iterations) iterations: reporting those "
          + "\(prefix.options.iterations), exactly the run of --iterations \(prefix.options.iterations)"
          + (precisionNote == nil ? "" : " (the precision target was not reached)"))
      result = prefix
      precisionNote = nil
    }
    // The tornado's own pass over the run's iterations (the same paths), after the run.
    var tornadoFigures: TornadoFigures?
    if tornado {
      do {
        tornadoFigures = try TornadoStudy.run(result.plan, figures: RunFigures(result), options: result.options, cancel: { interrupted.isRaised })
      } catch {
        throw commandLineError(error)
      }
      if interrupted.isRaised {
        printError("\(interrupt.name) during the tornado's pass; no files written")
        throw interrupt.exit
      }
    }
    var manifest = RunManifest(run: result)
    manifest.precision = precisionNote
    manifest.sampling = result.options.sampling.method == .rqmc ? result.options.sampling : nil
    manifest.design = design
    // The figures are exactly those of one run over the iterations used (a prefix, a precision run).
    manifest.reproduce = RunManifest.reproduceCommand(
      "run", files: [file], design: design, seed: result.options.seed, iterations: result.options.iterations,
      extra: (tornado ? ["--tornado"] : []) + (manifest.sampling.map { ["--sampling", "rqmc", "--replicates", "\($0.replicates)"] } ?? [])
        + (manifest.sampling?.estimator == .conditional ? ["--estimator", "conditional"] : [])
        + (manifest.sampling.map { SamplingOptions.rotationWords($0) } ?? []))
    let precisionLine = precisionNote.map { note in
      let verdict = note.reached ? "target reached" : "target NOT reached (stopped at --max-iterations)"
      let interval = manifest.sampling == nil ? "" : " (Student-t over the RQMC replicates)"
      return "precision: 95 % half-width\(interval) of P(overspend) at the recommended margin \(String(format: "%.3g", note.achieved)), target \(note.target): \(verdict) after \(result.options.iterations) iterations (batches \(note.batches.map(String.init).joined(separator: ", ")))"
    }
    // Under RQMC the table's Wilson intervals overstate the error: say where the honest ones are.
    let samplingLine = manifest.sampling.flatMap { s in result.replicates == nil ? nil :
      "sampling: rqmc, \(s.replicates) replicates × \(result.options.iterations / s.replicates) scrambled Sobol' points; the intervals from the replicates are in the JSON's figures.sampling (the table's Wilson intervals are those of plain Monte Carlo and usually overstate the error)"
        + (s.estimator == .conditional ? "; conditional Monte Carlo for the absorb figures: figures.sampling.budgets[].scopes[].conditional" : "")
        + (manifest.rotation == nil ? "" : "; the factors' normals rotated onto the total cost's gradient (manifest.rotation; --rotation none for the unrotated points)")
    }
    let lines = [precisionLine, samplingLine].compactMap { $0 }
    let note = lines.isEmpty ? nil : lines.joined(separator: "\n")
    var saved = try savedState(of: result, totalIterations: total)
    if let samples, let table = result.samples {
      saved.append(AtomicFile.Output(path: samples, data: try SamplesFile.encode(table)))
    }
    try RunOutputs(result: result, manifest: manifest, driversAt: driversAt, tornado: tornadoFigures).write(
      output: output, csv: csv, extra: saved, inputs: [file], interrupt: interrupt, note: note)
    // Interrupted: the figures of the finished prefix are out; say so in the status too.
    if cut { throw interrupt.exit }
  }
}
