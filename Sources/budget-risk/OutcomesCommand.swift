import ArgumentParser
import BudgetRiskModel
import BudgetRiskEngine
import BudgetRiskStudies
import BudgetRiskReports
import Foundation

struct OutcomesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "outcomes",
    abstract: "What each intervention averts: activity and cost against the same iterations without it.",
    discussion: """
      For every intervention, per budget year and over the horizon: the events and cost of \
      its target services averted against the same iterations without it (a paired \
      difference: same factors, shocks and cell streams, so the interval is narrow; the \
      unpaired standard error is shown beside it), its programme cost, the net saving, the \
      return on investment (E[net saving] / E[programme cost]) and P(net saving > 0). \
      Paths are at full delivery (as if the provider absorbs); with --rationed-at LABEL they \
      are the paths a rationing provider walks under that proposed budget: the programme \
      serves (and costs) only its delivered share, and the averted events follow.

      --sweep NAME --doses a,b,c runs the intervention NAME at each dose (its cohort's \
      number of people, or its share of the segments) on common random numbers, with the \
      budget fixed at the scenario's own base budget, and reports each dose's cost of need, \
      P(overspend), averted events and net saving, and the doses with the lowest expected \
      cost and the lowest P(overspend).

      Examples:
        budget-risk outcomes scenarios/housing-and-health.yaml
        budget-risk outcomes scenarios/behavioural-health-prevention.yaml --sweep crisis_prevention --doses 1000,2000,4000,8000 --csv out/sweep
      """
  )

  @Argument(help: "The scenario file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
  var file: String

  @Option(help: "Use this design of the file (default: its base document, 'base').")
  var design: String?

  @Option(help: ArgumentHelp(
    "Outcomes when the provider rations under this proposed budget (a label such as 'margin 0%').",
    valueName: "LABEL"))
  var rationedAt: String?

  @Option(help: "Sweep the dose of this intervention (it must have recipients).")
  var sweep: String?

  @Option(help: "With --sweep: the doses, comma-separated (people in the cohort, or shares in (0, 1]).")
  var doses: String?

  @OptionGroup var sampling: SamplingOptions

  @OptionGroup var output: OutputOptions

  @Option(help: "Write the figures as CSV tables (outcomes.csv, and dose_sweep.csv with --sweep) into this folder.",
    completion: .directory)
  var csv: String?

  func validate() throws {
    if (sweep == nil) != (doses == nil) { throw ValidationError("--sweep and --doses go together") }
    if let doses, parsedDoses(doses) == nil {
      throw ValidationError("--doses takes numbers separated by commas, e.g. 100,200,400; found '\(doses)'")
    }
  }

  func parsedDoses(_ text: String) -> [Double]? {
    let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0!.isFinite }) else { return nil }
    return values.map { $0! }
  }

  func run() throws {
    try sampling.refuseConditional(in: "outcomes")
    try sampling.refuseRotation(in: "outcomes")
    // The scenario itself is read only to write the sweep's doses into it (a model-level
    // edit, like a design); every figure comes from compiled plans.
    let scenario: Scenario
    do { scenario = try ScenarioLoader.loadDesign(path: file, named: design) } catch {
      printError("\(error)")
      throw Exit.invalidScenario
    }
    let plan = try compile(scenario)
    // Refuse an unknown --rationed-at label before simulating, not after.
    let labels = plan.proposals.map(\.label)
    if let label = rationedAt, !labels.contains(label) {
      throw ValidationError("--rationed-at: no proposal '\(label)' (proposals: \(labels.joined(separator: ", ")))")
    }
    try output.checkWritable(csvFolder: csv, inputs: [file])
    var variants: [(dose: Double, plan: SimulationPlan)] = []
    var unit = ""
    if let sweep, let doses, let values = parsedDoses(doses) {
      for dose in values {
        do {
          let (variant, u) = try scenario.withDose(dose, of: sweep)
          unit = u
          variants.append((dose, try compile(variant)))
        } catch let error as DoseError {
          printError("\(file): --sweep: \(error)")
          throw Exit.invalidScenario
        }
      }
    }
    let options = sampling.runOptions(defaults: plan.defaults, rotates: false)
    let start = ContinuousClock.now
    let figures: [InterventionOutcomeFigures]
    var swept: DoseSweepFigures?
    do {
      if let rationedAt {
        figures = try InterventionOutcomes.run(plan, options: options, rationedAt: rationedAt) ?? []
      } else {
        figures = try InterventionOutcomes.run(plan, options: options)
      }
      if let sweep { swept = try DoseSweep.run(base: plan, intervention: sweep, unit: unit, doses: variants, options: options) }
    } catch {
      throw commandLineError(error)
    }
    let elapsed = ContinuousClock.now - start
    // Every output built first, then written as one set (temp files and renames).
    var manifest = RunManifest(
      plan: plan, options: options,
      elapsedSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    manifest.sampling = options.sampling.method == .rqmc ? options.sampling : nil
    let jsonData = try output.json.map { _ in try OutcomesReport.json(figures, sweep: swept, manifest: manifest, rationedAt: rationedAt) }
    let html = output.report.map { _ in
      Data(OutcomesHTMLReport.render(
        figures, sweep: swept, manifest: manifest, assumptions: plan.assumptions, scenario: plan.name, currency: plan.currency,
        rationedAt: rationedAt).utf8)
    }
    let csvFiles = csv.map { (folder: $0, files: OutcomesReport.csvFiles(figures, sweep: swept, currency: plan.currency)) }
    let interrupt = InterruptHandler()
    defer { withExtendedLifetime(interrupt) {} }
    try output.write(json: jsonData, report: html, csv: csvFiles, inputs: [file], interrupt: interrupt)
    guard !output.quiet else { return }
    if figures.isEmpty { print("\(file): no interventions") }
    print(OutcomesReport.render(figures, iterations: options.iterations, currency: plan.currency, rationedAt: rationedAt), terminator: "")
    if let swept { print(OutcomesReport.render(swept, currency: plan.currency), terminator: "") }
  }
}
