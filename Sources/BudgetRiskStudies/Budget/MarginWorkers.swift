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
  /// The base budget itself, under `absorb`: the one evaluation.
  package static let base = Evaluation(budget: ProposedBudget(margin: 0), response: .absorb)

  /// R in buckets of 2⁻¹⁴ ≈ 6.1e−5 up to |R| = 0.25, then at most 2⁻¹² ≈ 2.4e−4 of |R|
  /// (~16,000 buckets, 260 kB per worker, for R on [−0.5, 0.5]): a quantile is within one
  /// bucket of the exact sample quantile, at any R.
  package static let layout = LogLinearLayout(unitExponent: -14, subBucketBits: 12)

  package init(plan: SimulationPlan, scope: Int) {
    workspace = TileWorkspace(plan: plan)
    ledger = BudgetLedger(plan: plan, cells: TileCells(workspace))
    self.scope = scope
    ratios = Self.emptyRatios()
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
      ratios.add(min(outcome.scopes[scope].drift, 1e15))
    }
  }
}

/// Counts, per candidate margin, the iterations that overspend and that have a service gap
/// in one scope: the evaluations are the candidate margins under one response.
final class MarginSearchWorker: TileWorker {
  let workspace: TileWorkspace
  let ledger: BudgetLedger
  package let scope: Int
  let gapThreshold: Double
  let candidates: [Evaluation]
  package var counts: [MarginSearch.Counts]

  package init(plan: SimulationPlan, candidates: [Evaluation], scope: Int) {
    workspace = TileWorkspace(plan: plan)
    ledger = BudgetLedger(plan: plan, cells: TileCells(workspace))
    self.scope = scope
    gapThreshold = plan.budget.serviceGapThreshold
    self.candidates = candidates
    counts = Array(repeating: MarginSearch.Counts(), count: candidates.count)
  }

  package func process(tile t: Int, active: Range<Int>, seed: UInt64) {
    workspace.simulate(tile: t, active: active, seed: seed)
    let base = t * TileWorkspace.rows
    for r in active {
      for e in counts.indices {
        let outcome = ledger.walk(
          row: r, iteration: base + r, seed: seed, evaluation: candidates[e], detailed: false
        ).scopes[scope]
        counts[e].overspent.add(outcome.overspent)
        counts[e].serviceGap.add(outcome.unmetShare > gapThreshold)
      }
    }
  }
}
