import Dispatch
import Foundation
import BudgetRiskModel
import BudgetRiskEngine

/// How a run is carried out. None of these change the figures except `iterations`, `seed`
/// and `firstIteration` (the range simulated).
public struct RunOptions: Sendable, Equatable {
  public var iterations: Int
  public var seed: UInt64
  /// Worker threads (Dispatch); OpenBLAS is single-threaded inside them.
  public var threads: Int
  /// Iterations per unit of work handed to a worker: a multiple of 64 (the tile).
  public var blockSize: Int
  /// First global iteration number, for shards of a larger run.
  public var firstIteration: Int
  /// How the factor normals are drawn (plain Monte Carlo or RQMC); changes the figures.
  public var sampling: Sampling

  public init(
    iterations: Int, seed: UInt64, threads: Int = RunOptions.defaultThreads, blockSize: Int = 256, firstIteration: Int = 0,
    sampling: Sampling = .plain
  ) {
    self.iterations = iterations; self.seed = seed; self.threads = threads
    self.blockSize = blockSize; self.firstIteration = firstIteration; self.sampling = sampling
  }

  public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }
}

public enum RunOptionsError: Error, CustomStringConvertible, Equatable {
  case invalid(String)
  /// The scenario cannot be simulated (``SimulationPlan/init(_:)`` refused it): a problem of
  /// the file, not of the options.
  case scenario(ScenarioValidationError)
  public var description: String {
    switch self {
    case .invalid(let message): return message
    case .scenario(let error): return error.description
    }
  }
}

/// A finished run: the merged accumulators and what is needed to read them.
public struct SimulationRun: Sendable {
  public let options: RunOptions
  public let accumulator: RunAccumulator
  public let elapsedSeconds: Double
  package let plan: SimulationPlan
  /// The budgets evaluated, in the order of `accumulator.evaluations`.
  let evaluations: [Evaluation]
  /// Per-iteration rows, when the run was asked for them (``Engine/run(_:options:samples:progress:cancel:)``).
  public var samples: SampleTable? = nil
  /// Each replicate's headline figures, under RQMC (``Sampling``); `nil` under plain Monte Carlo.
  public var replicates: ReplicateAccumulator? = nil
  /// Each replicate's conditional Monte Carlo figures under absorb (`--estimator conditional`).
  public var conditional: ConditionalAccumulator? = nil
}

/// Runs a scenario: blocks of iterations in parallel, accumulators merged at the end.
public enum Engine {
  /// Simulates `options.iterations` iterations of `scenario`.
  ///
  /// Work is split into blocks of `blockSize` iterations; worker `w` of `threads` takes
  /// blocks `w, w + threads, …`, each with its own workspace and accumulators, so nothing is
  /// shared while simulating and nothing is allocated per iteration. Because every draw is
  /// keyed by (seed, iteration, stream) and every accumulator is exact, the result is the
  /// same for any `threads`, `blockSize` or split into shards.
  ///
  /// `progress` is called by the workers (from several threads) with the iterations each
  /// tile finished. `cancel` is checked before every tile: once it returns `true` the
  /// workers stop, and the run's `accumulator.iterations` counts the iterations finished.
  ///
  /// - Complexity: O(iterations × periods × services × proposed budgets).
  public static func run(
    _ scenario: Scenario, options: RunOptions, progress: (@Sendable (Int) -> Void)? = nil,
    cancel: (@Sendable () -> Bool)? = nil
  ) throws(RunOptionsError) -> SimulationRun {
    let plan: SimulationPlan
    do { plan = try SimulationPlan(scenario) } catch { throw .scenario(error) }
    return try run(plan, options: options, progress: progress, cancel: cancel)
  }

  /// Simulates `options.iterations` iterations of a compiled plan (see the overload above).
  public static func run(
    _ plan: SimulationPlan, options: RunOptions, progress: (@Sendable (Int) -> Void)? = nil,
    cancel: (@Sendable () -> Bool)? = nil
  ) throws(RunOptionsError) -> SimulationRun {
    try run(plan, evaluating: plan.scenarioEvaluations, options: options, progress: progress, cancel: cancel)
  }

  /// Simulates a compiled plan and keeps every iteration's key outcomes (``SimulationRun/samples``);
  /// the figures are those of the plain run. Rows cost `8 × columns` bytes an iteration in memory.
  public static func run(
    _ plan: SimulationPlan, options: RunOptions, samples: Bool, progress: (@Sendable (Int) -> Void)? = nil,
    cancel: (@Sendable () -> Bool)? = nil
  ) throws(RunOptionsError) -> SimulationRun {
    try run(plan, evaluating: plan.scenarioEvaluations, options: options, samples: samples, progress: progress, cancel: cancel)
  }

  /// Simulates `plan` and evaluates `evaluations` on every path: the budgets are an input of
  /// the run, not of the plan.
  package static func run(
    _ plan: SimulationPlan, evaluating evaluations: [Evaluation], options: RunOptions, samples: Bool = false,
    progress: (@Sendable (Int) -> Void)? = nil, cancel: (@Sendable () -> Bool)? = nil
  ) throws(RunOptionsError) -> SimulationRun {
    try check(options)
    try check(options.sampling, options: options, plan: plan)
    try checkConditional(options.sampling, plan: plan, evaluations: evaluations)
    let clock = ContinuousClock.now
    let table = samples ? SampleTable(plan: plan, evaluations: evaluations) : nil
    var (workers, _) = ParallelTiles.run(options: options, progress: progress, cancel: cancel) {
      RunWorker(plan: plan, evaluations: evaluations, samples: table, sampling: options.sampling)
    }
    var replicates = workers.first?.replicates
    for worker in workers.dropFirst() { if let r = worker.replicates { replicates?.merge(r) } }
    var conditional = workers.first?.conditional
    for worker in workers.dropFirst() { if let c = worker.conditional { conditional?.merge(c) } }
    var rows = table
    rows?.gather(workers.compactMap(\.samples))
    // The first worker's accumulators become the total and the others merge into it, in worker
    // order as before: merging them into fresh empty ones as well cost one more allocation and
    // merge of every histogram per run (and per batch of a precision run). An empty
    // accumulator is the merge's identity (`RunMergeTests`). The workers are let go first, so
    // that the total owns its storage and is not copied on its first merge.
    var parts = workers.map(\.accumulator)
    workers.removeAll()
    var total = parts.isEmpty ? RunAccumulator(plan: plan, evaluations: evaluations) : parts.removeFirst()
    for part in parts { total.merge(part) }
    try refuseNonFinite(total)
    let elapsed = ContinuousClock.now - clock
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return SimulationRun(
      options: options, accumulator: total, elapsedSeconds: seconds, plan: plan, evaluations: evaluations,
      samples: rows, replicates: replicates, conditional: conditional)
  }

  /// Refuses an RQMC run that cannot use its point set in full: a whole run (from iteration 0)
  /// must be replicates × 2ᵏ iterations (a batch or shard of one is checked by its caller).
  package static func check(_ sampling: Sampling, options: RunOptions, plan: SimulationPlan) throws(RunOptionsError) {
    guard sampling.method == .rqmc || sampling.estimator == .conditional else { return }
    let whole = options.firstIteration == 0 ? options.iterations : sampling.replicates
    if let problem = sampling.problem(iterations: whole, factors: plan.factors.count) { throw .invalid(problem) }
  }

  /// Refuses RQMC in a study that draws plain Monte Carlo only (its workers take no point
  /// set, and its intervals are binomial): the figures would not be what was asked for.
  package static func requirePlain(_ options: RunOptions, study: String) throws(RunOptionsError) {
    guard options.sampling.method == .plain else {
      throw .invalid("--sampling rqmc is supported by 'run', 'compare', 'margin' and 'outcomes'; \(study) uses plain Monte Carlo")
    }
  }

  /// Refuses options no run can use (the command line checks them too, with its own words).
  package static func check(_ options: RunOptions) throws(RunOptionsError) {
    guard options.iterations >= 1 else { throw .invalid("--iterations must be at least 1, found \(options.iterations)") }
    guard options.threads >= 1 else { throw .invalid("--threads must be at least 1, found \(options.threads)") }
    let tile = TileWorkspace.rows
    guard options.blockSize >= tile, options.blockSize % tile == 0 else {
      throw .invalid("--block-size must be a positive multiple of \(tile), found \(options.blockSize)")
    }
    guard options.firstIteration >= 0 else { throw .invalid("the first iteration must be >= 0") }
  }
}

extension Engine {
  /// Refuses a run whose summaries were offered non-finite values: no figure is computed
  /// from what was left.
  static func refuseNonFinite(_ run: RunAccumulator) throws(RunOptionsError) {
    let nonFinite = run.nonFiniteValues
    guard nonFinite == 0 else {
      throw .invalid(
        "the simulation produced \(nonFinite) non-finite cost, budget or drift values (a zero budget "
          + "against a positive cost, or amounts beyond the range of a Double); no figures are reported")
    }
  }
}

/// The worker of a plain run: one workspace, one ledger, every evaluation accumulated.
final class RunWorker: TileWorker {
  let workspace: TileWorkspace
  let ledger: BudgetLedger
  /// Unchecked: only this worker's thread touches it until the workers are joined.
  @exclusivity(unchecked) var accumulator: RunAccumulator
  private let evaluations: [Evaluation]
  /// Present only when the run keeps per-iteration rows (`run --samples`).
  let samples: SampleRecorder?
  /// Each RQMC replicate's headline figures; `nil` under plain Monte Carlo.
  @exclusivity(unchecked) var replicates: ReplicateAccumulator?
  /// Under `--estimator conditional`: each replicate's conditional figures under absorb, the
  /// cells' cumulants, and the budgets of the absorb evaluations it covers; nil otherwise.
  @exclusivity(unchecked) var conditional: ConditionalAccumulator?
  let conditionalCost: ConditionalCost?
  let conditionalPass: AbsorbPass?
  /// Per absorb evaluation, the ration evaluation with the same budget (walked beside it),
  /// and whether each evaluation is walked as such a twin.
  private let rationTwin: [Int?]
  private let walkedAsTwin: [Bool]
  /// The absorb evaluations walked in one pass over each tile's need (``AbsorbPass``); nil
  /// where the scenario's arrangements need the full walk.
  private let absorbPass: AbsorbPass?
  /// A tile's scattered histogram values for an evaluation and for its ration twin, added
  /// after the tile's rows (``HistogramStage``); nil: added walk by walk.
  private let stage: HistogramStage?, twinStage: HistogramStage?
  /// The absorb evaluations whose drift fans the figures read off another's (``SharedFans``):
  /// their walks leave the fan out. Nil: every evaluation records its own.
  private let fans: SharedFans?

  /// - Parameter skipUnrationed: record the absorb outcome for a ration evaluation whose path
  ///   never reaches a limit instead of walking it (the same outcome to the bit; see
  ///   ``BudgetLedger/reachedLimit``). Off only to test that equality. A sampled run
  ///   (`samples`) walks every evaluation.
  /// - Parameter onePassAbsorb: take the absorb evaluations from one pass over the need
  ///   (``AbsorbPass``: the same outcomes to the bit). Off only to test that equality.
  /// - Parameter stageHistograms: add the scattered histograms a tile at a time
  ///   (``HistogramStage``: the same state to the bit). Off only to test that equality.
  /// - Parameter shareAbsorbFans: leave out the drift fans the figures read off another
  ///   evaluation's (``SharedFans``). Off only to test the derived fans against recorded ones.
  package init(
    plan: SimulationPlan, evaluations: [Evaluation], samples table: SampleTable? = nil, skipUnrationed: Bool = true,
    onePassAbsorb: Bool = true, stageHistograms: Bool = true, shareAbsorbFans: Bool = true, sampling: Sampling = .plain
  ) {
    workspace = TileWorkspace(plan: plan)
    workspace.factorPoints = FactorPoints(sampling, plan: plan)
    replicates = workspace.factorPoints.map { ReplicateAccumulator(replicates: $0.replicates, evaluations: evaluations.count, plan: plan) }
    ledger = BudgetLedger(plan: plan, cells: TileCells(workspace))
    self.evaluations = evaluations
    accumulator = RunAccumulator(plan: plan, evaluations: evaluations)
    samples = table.map { SampleRecorder(table: $0, plan: plan, evaluations: evaluations) }
    var twin = [Int?](repeating: nil, count: evaluations.count)
    var walked = [Bool](repeating: false, count: evaluations.count)
    if skipUnrationed {
      for (e, a) in evaluations.absorbTwins.enumerated() {
        guard let a, twin[a] == nil else { continue }
        twin[a] = e; walked[e] = true
      }
    }
    rationTwin = twin
    walkedAsTwin = walked
    absorbPass = onePassAbsorb ? AbsorbPass(plan: plan, evaluations: evaluations) : nil
    let pass = sampling.estimator == .conditional && replicates != nil
      ? absorbPass ?? AbsorbPass(plan: plan, evaluations: evaluations) : nil
    conditionalPass = pass
    conditionalCost = pass.map { _ in ConditionalCost(plan: plan) }
    conditional = pass.map { pass in
      ConditionalAccumulator(
        replicates: sampling.replicates, covered: evaluations.indices.map { pass.slot(of: $0) != nil }, plan: plan)
    }
    let makeStage = { HistogramStage(rows: TileWorkspace.rows, scopes: plan.scopes.count, years: plan.years) }
    stage = stageHistograms ? makeStage() : nil
    twinStage = stageHistograms ? makeStage() : nil
    fans = shareAbsorbFans ? SharedFans(plan: plan, evaluations: evaluations) : nil
  }

  package func process(tile t: Int, active: Range<Int>, seed: UInt64) {
    workspace.simulate(tile: t, active: active, seed: seed)
    for r in active { accumulator.activity.record(workspace, row: r) }
    recordConditional(tile: t, active: active)
    if let samples { return processSampled(tile: t, active: active, seed: seed, samples: samples) }
    let base = t * TileWorkspace.rows
    absorbPass?.prepare(rows: active, cells: ledger.cells)
    // Evaluation-major: one evaluation's accumulators (~1 MB of histograms) take the whole
    // tile's rows while they are in cache; row-major, every add went to a cold line. An absorb
    // evaluation takes its ration twin along: where the absorb path never reached a limit the
    // ration walk would be the same walk (58 % of them on server-scale), so its outcome is
    // recorded twice and the ration walk skipped.
    for e in accumulator.evaluations.indices where !walkedAsTwin[e] {
      let slot = absorbPass?.slot(of: e), twin = rationTwin[e]
      // A fan read off another evaluation's needs no path, unless a ration twin records it.
      let path = fans?.records(e) ?? true
      for (n, r) in active.enumerated() {
        let outcome =
          if let absorbPass, let slot { ledger.walk(row: r, absorbing: absorbPass, slot: slot, path: path) } else {
            ledger.walk(row: r, iteration: base + r, seed: seed, evaluation: evaluations[e])
          }
        record(outcome, evaluation: e, row: r, iteration: base + r, stage: stage, slot: n)
        guard let twin else { continue }
        if ledger.reachedLimit {
          let rationed = ledger.walk(row: r, iteration: base + r, seed: seed, evaluation: evaluations[twin])
          record(rationed, evaluation: twin, row: r, iteration: base + r, stage: twinStage, slot: n)
        } else {
          if !path, let absorbPass, let slot { ledger.fillDriftPath(row: r, absorbing: absorbPass, slot: slot) }
          record(outcome, evaluation: twin, row: r, iteration: base + r, stage: twinStage, slot: n)
        }
      }
      if let stage { accumulator.addStaged(stage, count: active.count, evaluation: e) }
      if let twin, let twinStage { accumulator.addStaged(twinStage, count: active.count, evaluation: twin) }
    }
    accumulator.iterations += UInt64(active.count)
  }

  /// Records one walk in the run's accumulators, and in its replicate's under RQMC.
  ///
  /// - Parameter stage: where a staged tile's histograms collect (``HistogramStage``), at
  ///   position `slot` among the tile's active rows; `nil` adds them at once.
  @inline(__always)
  private func record(
    _ outcome: PathOutcome, evaluation e: Int, row r: Int, iteration i: Int, stage: HistogramStage? = nil, slot: Int = 0
  ) {
    accumulator.record(
      outcome, evaluation: e, scores: workspace.factorScores(row: r), stage: stage, row: slot, fan: fans?.records(e) ?? true)
    if let count = replicates?.replicates { replicates?.record(outcome, evaluation: e, replicate: i % count) }
  }

  /// `process` keeping every row's outcome for the samples (kept apart so that the plain
  /// loop above stays as it was).
  private func processSampled(tile t: Int, active: Range<Int>, seed: UInt64, samples: SampleRecorder) {
    let base = t * TileWorkspace.rows
    samples.begin(tile: t, active: active, workspace: workspace)
    for e in accumulator.evaluations.indices {
      for r in active {
        let outcome = ledger.walk(row: r, iteration: base + r, seed: seed, evaluation: evaluations[e])
        record(outcome, evaluation: e, row: r, iteration: base + r)
        samples.record(outcome, evaluation: e, row: r)
      }
    }
    samples.end(tile: t)
    accumulator.iterations += UInt64(active.count)
  }
}
