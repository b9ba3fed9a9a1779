import ArgumentParser
import BudgetRiskModel
import BudgetRiskEngine
import BudgetRiskStudies
import BudgetRiskReports
import Foundation

struct CompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract: "Run every design of one or more scenario files on common random numbers and compare them.",
    discussion: """
      Every design (of every file) is simulated on the same iterations, so iteration i draws the \
      same demand and costs in every design wherever they share an input: differences from the \
      baseline are paired, with paired 95 % intervals. Designs are named as in their file, or \
      FILE:DESIGN when names clash. Only proposed budgets shared by every design (same label \
      and response) are compared.
      Examples:
        budget-risk compare scenarios/place-based-pooled.yaml
        budget-risk compare scenarios/behavioural-health-prevention.yaml --baseline without_prevention --rank-by gap
        budget-risk compare a.yaml b.yaml --json out/compare.json --csv out/compare --report compare.html
      """
  )

  @Argument(help: "Scenario files (YAML); each contributes its designs (or its base when it lists none).",
    completion: .file(extensions: ["yaml", "yml"]))
  var files: [String]

  @Option(help: "The design the others are compared with (default: the first).")
  var baseline: String?

  @Option(help: "Rank designs by overspend, gap, expected-overspend or tvar95 (lower is better).")
  var rankBy: RankMeasure = .overspend

  @Option(help: "Show each design's drivers of the overspend tail at this proposal (default: its recommended margin).")
  var driversAt: String?

  @OptionGroup var sampling: SamplingOptions

  @OptionGroup var output: OutputOptions

  @Option(help: "Write tidy CSV tables into this folder.", completion: .directory)
  var csv: String?

  func validate() throws {
    guard !files.isEmpty else { throw ValidationError("give at least one scenario file") }
  }

  func run() throws {
    var perFile: [(file: String, designs: [Design])] = []
    for file in files {
      do { perFile.append((file, try ScenarioLoader.loadDesigns(path: file))) } catch {
        printError("\(error)")
        throw Exit.invalidScenario
      }
    }
    let designs = Self.uniquelyNamed(perFile)
    for design in designs { _ = try compile(design.scenario) }
    guard designs.count >= 2 else {
      throw ValidationError("nothing to compare: \(files.joined(separator: ", ")) hold only one design between them (add a designs: list)")
    }
    let names = designs.map(\.name)
    let baselineIndex: Int
    if let baseline {
      guard let i = names.firstIndex(of: baseline) else {
        throw ValidationError("no design named '\(baseline)' (designs: \(names.joined(separator: ", ")))")
      }
      baselineIndex = i
    } else {
      baselineIndex = 0
    }
    try output.checkWritable(csvFolder: csv, inputs: files)
    let first = designs[0].scenario
    let options = sampling.runOptions(defaults: first.defaults)
    let progress = ProgressBar(
      total: options.iterations,
      isEnabled: ProgressBar.shouldShow(quiet: output.quiet, isTerminal: ProgressBar.standardErrorIsTerminal()))
    let interrupt = InterruptHandler()
    defer { withExtendedLifetime(interrupt) {} }
    let interrupted = interrupt.flag
    let result: ComparisonRun
    do {
      result = try DesignComparison.run(
        designs, baseline: baselineIndex, options: options, progress: { progress.advance(by: $0) },
        cancel: { interrupted.isRaised })
    } catch {
      throw commandLineError(error)
    }
    progress.finish()
    guard result.isComplete else {
      printError("\(interrupt.name) after \(result.completedIterations) of \(options.iterations) iterations; no files written")
      throw interrupt.exit
    }
    // Each design's figures once: the comparison reads them, and so do the outputs.
    let figures = result.runs.map(RunFigures.init)
    let comparison = ComparisonFigures(result, designFigures: figures, rankBy: rankBy)
    if let driversAt, !figures.contains(where: { DriversReport.selected($0, label: driversAt) != nil }) {
      throw ValidationError("--drivers-at: no design has a proposal '\(driversAt)'")
    }
    let jsonData = try output.json.map { _ in
      try ComparisonReport.json(comparison, designs: zip(names, figures).map { ($0, $1) })
    }
    let csvFiles = csv.map { (folder: $0, files: ComparisonReport.csvFiles(comparison)) }
    let html = output.report.map { _ in
      Data(HTMLReport.render(
        figures: figures[baselineIndex], manifest: RunManifest(run: result.runs[baselineIndex]),
        assumptions: result.runs[baselineIndex].plan.assumptions, sections: [ComparisonSection(comparison)]).utf8)
    }
    try output.write(json: jsonData, report: html, csv: csvFiles, inputs: files, interrupt: interrupt)
    if !output.quiet {
      print(ComparisonReport.table(comparison), terminator: "")
      for (name, f) in zip(names, figures) {
        guard let d = DriversReport.selected(f, label: driversAt), !d.factors.isEmpty else { continue }
        print("\nDesign \(name):", terminator: "")
        print(DriversReport.table(d), terminator: "")
      }
    }
  }

  /// Every file's designs, renamed `FILE:DESIGN` where a name occurs in more than one file.
  static func uniquelyNamed(_ perFile: [(file: String, designs: [Design])]) -> [Design] {
    let all = perFile.flatMap { f in f.designs.map { (f.file, $0) } }
    var counts: [String: Int] = [:]
    for (_, d) in all { counts[d.name, default: 0] += 1 }
    return all.map { file, design in
      var d = design
      if counts[d.name]! > 1 { d.name = "\(URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent):\(d.name)" }
      return d
    }
  }
}

extension RankMeasure: ExpressibleByArgument {}
