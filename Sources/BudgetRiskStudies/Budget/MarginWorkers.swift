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
  var ratios: BinnedQuantiles
  /// The base budget itself, under `absorb`: the one evaluation.
  package static let base = Evaluation(budget: ProposedBudget(margin: 0), response: .absorb)

  /// R on [−1, 3) in bins of 1e−4 (40,000 bins, 320 kB per worker): a quantile is within one
  /// bin, 0.01 percentage points of margin, of the exact sample quantile.
  package static let layout = (lower: -1.0, upper: 3.0, bins: 40_000)

  package init(plan: SimulationPlan, scope: Int) {
    workspace = TileWorkspace(plan: plan)
    ledger = BudgetLedger(plan: plan, cells: TileCells(workspace))
    self.scope = scope
    ratios = Self.emptyRatios()
  }

  static func emptyRatios() -> BinnedQuantiles {
    BinnedQuantiles(lower: layout.lower, upper: layout.upper, binCount: layout.bins)
  }

  package func process(tile t: Int, active: Range<Int>, seed: UInt64) {
    workspace.simulate(tile: t, active: active, seed: seed)
    let base = t * TileWorkspace.rows
    for r in active {
      let outcome = ledger.walk(row: r, iteration: base + r, seed: seed, evaluation: Self.base, detailed: false)
      // A zero base with a positive cost has infinite drift: far into the overflow.
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
