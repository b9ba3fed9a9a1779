import BudgetRiskNumerics
import BudgetRiskEngine

/// The margin solver's tile workers. Each runs the ordinary tile simulation and ledger; what
/// differs from a plain run is what is kept per iteration.

/// Collects R = cost of need / base − 1 over the horizon for one scope: the ledger evaluates
/// margin 0 under `absorb`, whose budget is the iteration's base (so capitation bases that
/// vary with the realised population are handled like fixed ones).
final class ReturnRatioWorker: TileWorker {
  let workspace: TileWorkspace
  let ledger: BudgetLedger
  package let scope: Int
  var ratios: LogLinearQuantiles
  /// Under `--sampling rqmc`: the ratios of each replicate alone (empty under plain Monte Carlo).
  var replicateRatios: [LogLinearQuantiles]
  /// The base budget itself, under `absorb`: the one evaluation.
  package static let base = Evaluation(budget: ProposedBudget(margin: 0), response: .absorb)

  /// R in buckets of 2⁻¹⁴ ≈ 6.1e−5 up to |R| = 0.25, then at most 2⁻¹² ≈ 2.4e−4 of |R|
  /// (~16,000 buckets, 260 kB per worker, for R on [−0.5, 0.5]): a quantile is within one
  /// bucket of the exact sample quantile, at any R.
  package static let layout = LogLinearLayout(unitExponent: -14, subBucketBits: 12)

  package init(plan: SimulationPlan, scope: Int, sampling: Sampling = .plain) {
    workspace = TileWorkspace(plan: plan)
    workspace.factorPoints = FactorPoints(sampling, plan: plan, shocks: false)
    ledger = BudgetLedger(plan: plan, cells: TileCells(workspace))
    self.scope = scope
    ratios = Self.emptyRatios()
    replicateRatios = Array(repeating: Self.emptyRatios(), count: workspace.factorPoints?.replicates ?? 0)
  }

  static func emptyRatios() -> LogLinearQuantiles {
    LogLinearQuantiles(layout: layout)
  }

  package func process(tile t: Int, active: Range<Int>, seed: UInt64) {
    workspace.simulate(tile: t, active: active, seed: seed)
    let base = t * TileWorkspace.rows
    for r in active {
      let outcome = ledger.walk(row: r, iteration: base + r, seed: seed, evaluation: Self.base, detailed: false)
      // A zero base with a positive cost has infinite drift: kept as a huge finite ratio.
      let ratio = min(outcome.scopes[scope].drift, 1e15)
      ratios.add(ratio)
      if !replicateRatios.isEmpty { replicateRatios[(base + r) % replicateRatios.count].add(ratio) }
    }
  }
}

/// Counts, per candidate margin, the iterations that overspend (over the horizon and, when
/// `byYear`, in each budget year) and that have a service gap (overall and per category) in
/// one scope: the evaluations are the candidate margins under one response.
final class MarginSearchWorker: TileWorker {
  let workspace: TileWorkspace
  let ledger: BudgetLedger
  package let scope: Int
  let gapThreshold: Double
  let candidates: [Evaluation]
  /// Whether the per-year overspends are counted (the ledger's detailed walk).
  let byYear: Bool
  /// Each pool's own scope, when the pools' gaps are counted (empty otherwise).
  let poolScopes: [Int]
  package var counts: [MarginSearch.Counts]

  /// - Parameter sampling: under RQMC the factors take the run's scrambled Sobol' points and
  ///   each candidate's counts are kept per replicate too (``MarginSearch/Counts/replicates``).
  package init(
    plan: SimulationPlan, candidates: [Evaluation], scope: Int, byYear: Bool = false, poolGaps: Bool = false,
    sampling: Sampling = .plain
  ) {
    workspace = TileWorkspace(plan: plan)
    workspace.factorPoints = FactorPoints(sampling, plan: plan, shocks: false)
    ledger = BudgetLedger(plan: plan, cells: TileCells(workspace))
    self.scope = scope
    gapThreshold = plan.budget.serviceGapThreshold
    self.candidates = candidates
    self.byYear = byYear
    poolScopes = poolGaps ? (0..<plan.poolNames.count).map { plan.scopeIndex(ofPool: $0) } : []
    counts = Array(
      repeating: MarginSearch.Counts(
        years: byYear ? plan.years : 0, pools: poolScopes.count, replicates: workspace.factorPoints?.replicates ?? 0),
      count: candidates.count)
  }

  package func process(tile t: Int, active: Range<Int>, seed: UInt64) {
    workspace.simulate(tile: t, active: active, seed: seed)
    let base = t * TileWorkspace.rows
    let replicates = workspace.factorPoints?.replicates
    for r in active {
      for e in counts.indices {
        let path = ledger.walk(row: r, iteration: base + r, seed: seed, evaluation: candidates[e], detailed: byYear)
        counts[e].record(path, scope: scope, gapThreshold: gapThreshold, poolScopes: poolScopes, byYear: byYear)
        if let replicates {
          counts[e].replicates[(base + r) % replicates].record(
            path, scope: scope, gapThreshold: gapThreshold, poolScopes: poolScopes, byYear: byYear)
        }
      }
    }
  }
}

extension MarginSearch.Counts {
  /// Adds one path's outcome in `scope` (per year when `byYear`; each pool's gap in `poolScopes`).
  @inline(__always)
  mutating func record(_ path: PathOutcome, scope: Int, gapThreshold: Double, poolScopes: [Int], byYear: Bool) {
    let outcome = path.scopes[scope]
    overspent.add(outcome.overspent)
    serviceGap.add(outcome.unmetShare > gapThreshold)
    categoryGap[0].add(outcome.unmetShareProactive > gapThreshold)
    categoryGap[1].add(outcome.unmetShareReactive > gapThreshold)
    for (p, ps) in poolScopes.enumerated() { poolGap[p].add(path.scopes[ps].unmetShare > gapThreshold) }
    guard byYear else { return }
    var any = false
    for y in 0..<path.years {
      let over = path.overspent(scope: scope, year: y)
      overspentByYear[y].add(over)
      any = any || over
    }
    anyYearOverspent.add(any)
  }
}
