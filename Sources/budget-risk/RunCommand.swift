import ArgumentParser
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
      The same seed and iterations give byte-identical figures at any --threads and --block-size.
      Runs longer than a second show a progress bar on standard error when it is a terminal \
      (never with --quiet). The first Ctrl-C (or SIGTERM, SIGHUP) finishes the blocks in flight and \
      reports the iterations completed as a run of that size (rerun with --iterations N to reproduce \
      it), then exits 130 (143, 129); a second one stops at once and writes nothing.
      --precision X runs in batches (--iterations, then doubling the total) until the 95 % \
      Wilson half-width of P(overspend) at the recommended margin is at most X, for every \
      response, or until --max-iterations (default 10,000,000); the figures are exactly those of \
      one run over the iterations used, and the output says whether the target was reached.
      """
  )

  @Argument(help: "The scenario file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
  var file: String

  @Option(help: "Run this design of the file (default: its base document, 'base').")
  var design: String?

  @Option(help: "Show the drivers of the overspend tail at this proposal (e.g. 'margin 5%'; default: the recommended margin).")
  var driversAt: String?

  @OptionGroup var sampling: SamplingOptions

  @Option(help: "Iterations per unit of work, a multiple of 64; does not change the figures.")
  var blockSize: Int = 256

  @Option(help: "Run in batches until P(overspend) at the recommended margin has a 95 % half-width ≤ this (e.g. 0.005).")
  var precision: Double?

  @Option(help: "With --precision: the most iterations to run (default 10,000,000).")
  var maxIterations: Int = PrecisionTarget.defaultMaxIterations

  @OptionGroup var output: OutputOptions

  @Option(help: "Write tidy CSV tables into this folder.", completion: .directory)
  var csv: String?

  func validate() throws {
    guard blockSize >= 64, blockSize % 64 == 0 else {
      throw ValidationError("--block-size must be a positive multiple of 64, found \(blockSize)")
    }
  }

  func run() throws {
    let plan = try loadPlan(file, design: design)
    // Refuse an unknown --drivers-at label before simulating, not after.
    let labels = plan.proposals.map(\.label)
    if let label = driversAt, !labels.contains(label) {
      throw ValidationError("--drivers-at: no proposal '\(label)' (proposals: \(labels.joined(separator: ", ")))")
    }
    try output.checkWritable(csvFolder: csv, inputs: [file])
    let options = sampling.runOptions(defaults: plan.defaults, blockSize: blockSize)
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
          plan, options: options, progress: { progress.advance(by: $0) }, cancel: { interrupted.isRaised })
      }
    } catch {
      throw commandLineError(error)
    }
    progress.finish()
    let cut = !result.isComplete
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
    let figures = RunFigures(result)
    guard let drivers = DriversReport.selected(figures, label: driversAt) else {
      let labels = Set(figures.drivers.map(\.proposal)).sorted()
      throw ValidationError("--drivers-at: no proposal '\(driversAt ?? "")' (proposals: \(labels.joined(separator: ", ")))")
    }
    var manifest = RunManifest(run: result)
    manifest.precision = precisionNote
    // Build every output before writing any, so a failure leaves nothing half-written.
    let jsonData = try output.json.map { _ in try JSONReport.encode(manifest: manifest, figures: figures) }
    let csvFiles = csv.map { (folder: $0, files: CSVReport.files(for: figures) + [DriversReport.csv(figures)]) }
    let html = output.report.map { _ in Data(HTMLReport.render(
      figures: figures, manifest: manifest, assumptions: plan.assumptions, sections: [DriversSection(label: driversAt)]).utf8) }
    try output.write(json: jsonData, report: html, csv: csvFiles, inputs: [file], interrupt: interrupt)
    if !output.quiet {
      print(TableReport.render(figures, manifest: manifest), terminator: "")
      if let note = precisionNote {
        let verdict = note.reached ? "target reached" : "target NOT reached (stopped at --max-iterations)"
        print("precision: 95 % half-width of P(overspend) at the recommended margin \(String(format: "%.3g", note.achieved)), target \(note.target): \(verdict) after \(result.options.iterations) iterations (batches \(note.batches.map(String.init).joined(separator: ", ")))")
      }
      if !drivers.factors.isEmpty { print(DriversReport.table(drivers), terminator: "") }
    }
    // Interrupted: the figures of the finished prefix are out; say so in the status too.
    if cut { throw interrupt.exit }
  }
}
