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
      FILE:DESIGN when names clash.
      Every design is held to the same budgets in money (--basis baseline, the default: the \
      baseline's proposed budgets; --budget AMOUNT: stated amounts a year), or with --basis own \
      to its own proposals (margins on its own base: budgets then differ in money, and the \
      output says so). Only budgets shared by every design (same label and response) are \
      compared. Dominance needs a significant paired difference; equal paths are ties.
      Examples:
        budget-risk compare scenarios/place-based-pooled.yaml
        budget-risk compare scenarios/behavioural-health-prevention.yaml --baseline without_prevention --rank-by gap
        budget-risk compare a.yaml b.yaml --json out/compare.json --csv out/compare --report compare.html
        budget-risk compare scenarios/behavioural-health-prevention.yaml --budget 95m --budget 100m
      """
  )

  @Argument(help: "Scenario files (YAML); each contributes its designs (or its base when it lists none).",
    completion: .file(extensions: ["yaml", "yml"]))
  var files: [String]

  @Option(help: "The design the others are compared with (default: the first).")
  var baseline: String?

  @Option(help: "Rank designs by overspend, gap, expected-overspend or tvar95 (lower is better).")
  var rankBy: RankMeasure = .overspend

  @Option(help: ArgumentHelp(
    "The budgets every design is held to: baseline (the baseline's proposals, in money), amounts (each --budget) or own (each design's own proposals).",
    valueName: "basis"))
  var basis: BasisChoice?

  @Option(name: .customLong("budget"), help: ArgumentHelp(
    "A common budget in money a year for every design (repeatable; e.g. 97.5m, 950k, 1.2bn, 97500000); implies --basis amounts.",
    valueName: "amount"))
  var budgets: [String] = []

  @Option(help: "Show each design's drivers of the overspend tail at this proposal (default: its recommended margin).")
  var driversAt: String?

  @Flag(help: "Add each design's tornado in money at one shared budget: one more pass per design.")
  var tornado = false

  @OptionGroup var sampling: SamplingOptions

  @OptionGroup var output: OutputOptions

  @Option(help: "Write tidy CSV tables into this folder.", completion: .directory)
  var csv: String?

  func validate() throws {
    guard !files.isEmpty else { throw ValidationError("give at least one scenario file") }
    if basis == .amounts && budgets.isEmpty { throw ValidationError("--basis amounts needs at least one --budget") }
    if let basis, basis != .amounts, !budgets.isEmpty {
      throw ValidationError("--budget sets --basis amounts; it cannot go with --basis \(basis.rawValue)")
    }
    _ = try comparisonBasis()
  }

  /// The options besides the files, seed and iterations that the comparison depends on.
  func reproduceOptions(baseline: String) -> [String] {
    var words = ["--baseline", baseline, "--rank-by", rankBy.rawValue] + (tornado ? ["--tornado"] : [])
    if budgets.isEmpty { words += ["--basis", (basis ?? .baseline).rawValue] }
    for b in budgets { words += ["--budget", b] }
    return words
  }

  /// The basis asked for: `--budget` amounts, else `--basis`, else the baseline's proposals.
  func comparisonBasis() throws -> ComparisonBasis {
    if !budgets.isEmpty {
      return .amounts(try budgets.map { text in
        guard let amount = Self.money(text) else {
          throw ValidationError("--budget: '\(text)' is not an amount of money a year (a positive number, optionally with k, m or bn: 97.5m)")
        }
        return ComparisonBasis.CommonAmount(label: "\(text) a year", annual: amount)
      })
    }
    switch basis ?? .baseline {
    case .baseline: return .baseline
    case .own: return .own
    case .amounts: return .amounts([])
    }
  }

  /// `97.5m`, `950k`, `1.2bn`, `97500000` (commas and underscores allowed) as a number; nil
  /// for anything else, zero, a negative or a non-finite amount.
  static func money(_ text: String) -> Double? {
    var t = text.lowercased().replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "_", with: "")
    var scale = 1.0
    for (suffix, factor) in [("bn", 1e9), ("b", 1e9), ("m", 1e6), ("k", 1e3)] where t.hasSuffix(suffix) {
      t.removeLast(suffix.count); scale = factor; break
    }
    guard let x = Double(t), x.isFinite, x > 0, !t.contains(where: { $0.isLetter }) else { return nil }
    let amount = x * scale
    return amount.isFinite ? amount : nil
  }

  func run() throws {
    try sampling.refuseConditional(in: "compare")
    try sampling.refuseRotation(in: "compare")
    if sampling.sampling == .rqmc && tornado {
      throw ValidationError("--sampling rqmc cannot be combined with --tornado: the tornado's passes use plain Monte Carlo")
    }
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
    let options = sampling.runOptions(defaults: first.defaults, rotates: false)
    let progress = ProgressBar(
      total: options.iterations,
      isEnabled: ProgressBar.shouldShow(quiet: output.quiet, isTerminal: ProgressBar.standardErrorIsTerminal()))
    let interrupt = InterruptHandler()
    defer { withExtendedLifetime(interrupt) {} }
    let interrupted = interrupt.flag
    let result: ComparisonRun
    let basis = try comparisonBasis()
    do {
      result = try DesignComparison.run(
        designs, baseline: baselineIndex, basis: basis, options: options, progress: { progress.advance(by: $0) },
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
    var tornadoes: [(design: String, tornado: TornadoFigures)] = []
    if tornado {
      do { tornadoes = try TornadoStudy.run(result, figures: figures, cancel: { interrupted.isRaised }) } catch {
        throw commandLineError(error)
      }
      if interrupted.isRaised {
        printError("\(interrupt.name) during the tornado's passes; no files written")
        throw interrupt.exit
      }
    }
    let reproduce = RunManifest.reproduceCommand(
      "compare", files: files, design: nil, seed: options.seed, iterations: options.iterations,
      extra: reproduceOptions(baseline: names[baselineIndex]) + SamplingOptions.reproduceWords(options, rotates: false))
    let jsonData = try output.json.map { _ in
      try ComparisonReport.json(comparison, designs: zip(names, figures).map { ($0, $1) }, reproduce: reproduce, tornado: tornadoes)
    }
    let csvFiles = csv.map {
      (folder: $0, files: ComparisonReport.csvFiles(comparison) + (tornadoes.isEmpty ? [] : [TornadoReport.csv(designs: tornadoes)]))
    }
    let html = output.report.map { _ in
      var manifest = RunManifest(run: result.runs[baselineIndex])
      manifest.sampling = options.sampling.method == .rqmc ? options.sampling : nil
      manifest.design = names[baselineIndex]
      manifest.reproduce = reproduce
      return Data(HTMLReport.render(
        figures: figures[baselineIndex], manifest: manifest, assumptions: result.runs[baselineIndex].plan.assumptions,
        sections: [ComparisonSection(comparison, designs: zip(names, figures).map { ($0, $1) }) as any HTMLReportSection]
          + tornadoes.map { TornadoSection($0.tornado, design: $0.design) }).utf8)
    }
    try output.write(json: jsonData, report: html, csv: csvFiles, inputs: files, interrupt: interrupt)
    if !output.quiet {
      print(ComparisonReport.table(comparison), terminator: "")
      for t in tornadoes { print("\nDesign \(t.design):" + TornadoReport.table(t.tornado), terminator: "") }
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

/// `--basis`: the budgets every design is held to.
enum BasisChoice: String, ExpressibleByArgument, CaseIterable {
  case baseline, amounts, own
}
