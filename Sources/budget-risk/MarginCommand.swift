import ArgumentParser
import BudgetRiskModel
import BudgetRiskStudies
import BudgetRiskReports
import Foundation

struct MarginCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "margin",
    abstract: "Solve for the smallest contingency margin meeting an overspend (and service-gap) target.",
    discussion: """
      Finds the smallest continuous margin m such that P(cost of need > base × (1 + m)) ≤ A \
      (and, with --gap-at-most, P(service gap) ≤ B), with its 95 % interval, per provider \
      response, and reports it as a percentage and as money per year (base budget per year × m, \
      per pool and in total).

      absorb: the (1 − A) quantile of cost / base − 1, with its order-statistic interval. \
      ration: a search over margins on the same simulated paths; the interval is where the \
      95 % Wilson bounds of P(overspend | m) cross A (a test-inversion interval).

      The scenario's budget.overspend_rule says what A bounds: the horizon total's P(overspend) \
      (default), P(any budget year overspends) (every_year) or the worst year's P(overspend) \
      (worst_year); a yearly rule is solved by the search under either response. Under ration \
      the scenario's budget.service_gap_targets (proactive, reactive) are met as well.

      --sampling rqmc: the factors take scrambled Sobol' points in --replicates independent \
      replicates, and the interval is where the 95 % Student-t bounds over the replicates' \
      P(overspend | m) cross A (under either response; absorb still needs one simulation).

      --precision X runs in batches until the margin's 95 % half-width is at most X (a \
      fraction: 0.001 is 0.1 percentage points), stopping at --max-iterations (default \
      10,000,000): after --iterations, each batch runs to the total the half-width so far \
      projects (n·(h/X)², rounded up to 4, 5, 6 or 7 × a power of two per replicate, at least \
      one such step more; under rqmc at most twice the total); the output says when the \
      target was not reached.

      Examples:
        budget-risk margin scenarios/place-based-pooled.yaml --overspend-at-most 0.1
        budget-risk margin scenarios/place-based-pooled.yaml --overspend-at-most 0.05 --gap-at-most 0.05 --response ration
        budget-risk margin scenarios/place-based-pooled.yaml --overspend-at-most 0.1 --design separate
        budget-risk margin scenarios/community-health-network.yaml --overspend-at-most 0.1 --precision 0.001 --json out/margin.json --report out/margin.html
      """
  )

  @Argument(help: "The scenario file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
  var file: String

  @Option(help: "The target A: P(overspend) at the margin must be at most this (0 < A < 1).")
  var overspendAtMost: Double

  @Option(help: "The target B: P(service gap) at the margin must be at most this too (0 < B < 1).")
  var gapAtMost: Double?

  @Option(help: "Solve for one provider response (default: each response of the scenario).")
  var response: ProviderResponse?

  @Option(help: "The pool, or total, to solve for (default: the total, or the only pool).")
  var scope: String?

  @Option(help: "Solve for this design of the file (default: its base document, 'base').")
  var design: String?

  @OptionGroup var sampling: SamplingOptions

  @Option(help: "Run in batches until the margin's 95 % half-width is at most this fraction (0.001 = 0.1 pp).")
  var precision: Double?

  @Option(help: "With --precision: the most iterations to run (default 10,000,000; under --sampling rqmc rounded down to replicates × 4, 5, 6 or 7 × a power of two).")
  var maxIterations: Int = PrecisionTarget.defaultMaxIterations

  @OptionGroup var output: OutputOptions

  /// The options besides file, design, seed and iterations that the figures depend on; with
  /// `--precision` the batches (from the first, `--iterations`) are the same again.
  var reproduceOptions: [String] {
    var words = ["--overspend-at-most", "\(overspendAtMost)"]
    if let gapAtMost { words += ["--gap-at-most", "\(gapAtMost)"] }
    if let response { words += ["--response", response.rawValue] }
    if let scope { words += ["--scope", scope] }
    if let precision { words += ["--precision", "\(precision)", "--max-iterations", "\(maxIterations)"] }
    return words
  }

  func run() throws {
    try sampling.refuseConditional(in: "margin")
    let plan = try loadPlan(file, design: design)
    try output.checkWritable(inputs: [file])
    let options = sampling.runOptions(defaults: plan.defaults)
    let request = MarginRequest(
      overspendTarget: overspendAtMost, serviceGapTarget: gapAtMost,
      responses: response.map { [$0] } ?? [], scope: scope,
      precision: precision.map { PrecisionTarget(halfWidth: $0, maxIterations: maxIterations) })
    // One bar per pass over the iterations (the solver makes several), as `run` shows.
    let progress = ProgressBar(
      total: options.iterations,
      isEnabled: ProgressBar.shouldShow(quiet: output.quiet, isTerminal: ProgressBar.standardErrorIsTerminal()))
    let interrupt = InterruptHandler()
    defer { withExtendedLifetime(interrupt) {} }
    let interrupted = interrupt.flag
    let start = ContinuousClock.now
    let figures: MarginFigures
    do {
      figures = try MarginSolver.solve(
        plan, request: request, options: options,
        progress: MarginProgress(beginPass: { progress.beginPass($0, iterations: $1) }, advance: { progress.advance(by: $0) }),
        cancel: { interrupted.isRaised })
      progress.finish()
    } catch .cancelled(let n) {
      progress.finish()
      printError("\(interrupt.name) after \(n) iterations of a pass; no files written")
      throw interrupt.exit
    } catch .scenario(let e) {
      throw commandLineError(.scenario(e))
    } catch {
      throw ValidationError(error.description)
    }
    let elapsed = ContinuousClock.now - start
    var used = options
    used.iterations = Int(figures.results.map(\.iterations).max() ?? UInt64(options.iterations))
    var manifest = RunManifest(
      plan: plan, options: used,
      elapsedSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    manifest.design = design
    manifest.sampling = options.sampling.method == .rqmc ? options.sampling : nil
    manifest.reproduce = RunManifest.reproduceCommand(
      "margin", files: [file], design: design, seed: options.seed, iterations: options.iterations,
      extra: reproduceOptions + SamplingOptions.reproduceWords(options))
    let jsonData = try output.json.map { _ in try JSONReport.encode(manifest: manifest, margin: figures) }
    let html = output.report.map { _ in Data(MarginHTMLReport.render(figures: figures, manifest: manifest, assumptions: plan.assumptions).utf8) }
    try output.write(json: jsonData, report: html, inputs: [file], interrupt: interrupt)
    if !output.quiet { print(MarginTableReport.render(figures, manifest: manifest), terminator: "") }
  }
}

extension ProviderResponse: ExpressibleByArgument {}
