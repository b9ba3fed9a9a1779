@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskModel

/// The absorb evaluations whose drift fans are read off one other evaluation's histograms
/// instead of being recorded.
///
/// Where ``AbsorbPass`` takes the absorb evaluations (nothing moves the limit, the budget does
/// not follow the population), every one of them sees the same need path `N(t)` to date and
/// a fixed budget path `Bₑ(t)` to date, and its fan's value in period `t` is
/// `dₑ(t) = N(t) / Bₑ(t) − 1` (``BudgetLedger/drift(_:_:)``). So, against a source evaluation
/// `σ`, `dₑ(t) = cₑ(t)·(1 + d_σ(t)) − 1` with the fixed `cₑ(t) = B_σ(t) / Bₑ(t) > 0`: an
/// increasing map, the same for every path. A sample quantile of `dₑ(t)` is then the map of
/// `d_σ(t)`'s at the same rank, and so are the order-statistic interval's ends. A margin's
/// budget is the base × (1 + m) on the money grid, so `cₑ ≈ (1 + m_σ) / (1 + mₑ)`; the exact
/// ratio of the two budget paths is used, so the map is exact up to rounding (a few ulps of
/// `1 + d`).
///
/// **Binning bound.** The source's fan quantile is within one bucket of its `path` layout,
/// `w = max(u, 2⁻ᵐ·|d_σ|)` (`u = 2⁻⁹`, `m = 8`), of the exact sample quantile; after the map
/// the error is `cₑ·w`. The relative part is preserved by the positive scale:
/// `cₑ·2⁻ᵐ·|d_σ| ≤ 2⁻ᵐ·(|dₑ| + |1 − cₑ|)` (as `cₑ(1 + d_σ) = 1 + dₑ`). The additive part
/// near zero becomes `cₑ·u`, finer than a directly recorded fan's `u` when `cₑ ≤ 1`; but
/// where `dₑ` is near 0 while `|d_σ| ≥ 2⁻¹` (the source's relative zone), the width is up to
/// `2⁻ᵐ·|1 − cₑ|` rather than `u`, which stays within `u` while `cₑ ≥ ½` (budgets within a
/// factor of 2 of the source's). In all: `cₑ·w ≤ max(cₑ·u, 2⁻ᵐ·(|dₑ| + |1 − cₑ|))`. The source
/// is the evaluation with the smallest budget over the horizon, so `cₑ ≤ 1` up to the money
/// grid's rounding, and every derived quantile's stated resolution is `cₑ·w`
/// (`SharedFanTests` checks the bound against exact sample quantiles and directly recorded
/// fans, at margin 0 and with negative drifts).
///
/// An evaluation whose budget to date is 0 in some period where the source's is not (or the
/// reverse) keeps its own histograms. A derived evaluation's histograms are not pre-sized
/// (``RunAccumulator/init(plan:evaluations:)``), and its walks under the pass leave the path
/// unwritten. The source's histograms carry every path, so a run
/// whose workers recorded the derived fans too (a saved state of an older binary, a study that
/// records everything) reads the same figures.
package struct SharedFans: Sendable {
  /// A derived evaluation's source and its map, `scale[s × T + t]` = `cₑ(t)` for scope `s`.
  package struct Source: Sendable, Equatable {
    package let evaluation: Int
    package let scale: [Double]
  }

  /// Per evaluation: where its fan is read from, or nil where it records its own.
  package let sources: [Source?]

  package init(plan: SimulationPlan, evaluations list: [Evaluation]) {
    sources = Self.sources(plan: plan, evaluations: list)
  }

  private static func sources(plan: SimulationPlan, evaluations list: [Evaluation]) -> [Source?] {
    var sources = [Source?](repeating: nil, count: list.count)
    guard AbsorbPass.applies(to: plan) else { return sources }
    let T = plan.periods, S = plan.scopes.count
    let budget = Buffer<Double>(plan.poolCount * T), population = Buffer<Double>(T * plan.segmentCount)
    var toDate = [Int: [Double]]()
    for (e, evaluation) in list.enumerated() where AbsorbPass.takes(evaluation, plan: plan) {
      // No population is read: `takes` excludes the budgets that follow it.
      evaluation.budget.fill(budget.handle, plan: plan, population: population.handle)
      var path = [Double](repeating: 0, count: S * T)
      AbsorbPass.scopeBudgetsToDate(budget.handle, plan: plan) { s, t, total, _ in path[s * T + t] = total }
      toDate[e] = path
    }
    guard toDate.count > 1 else { return sources }
    // The smallest budget over the horizon (total scope), so that the map shrinks its error.
    let horizon = { (e: Int) in toDate[e]![(S - 1) * T + T - 1] }
    let source = toDate.keys.sorted().min { horizon($0) < horizon($1) }!
    let base = toDate[source]!
    for (e, path) in toDate where e != source {
      var scale = [Double](repeating: 1, count: S * T), mapped = true
      for i in 0..<(S * T) {
        let (b, own) = (base[i], path[i])
        if b > 0 && own > 0 && b.isFinite && own.isFinite {
          scale[i] = b / own
        } else if !(b == 0 && own == 0) {
          mapped = false; break
        }
      }
      if mapped { sources[e] = Source(evaluation: source, scale: scale) }
    }
    return sources
  }

  /// Whether evaluation `e` records its own fan.
  @inline(__always)
  package func records(_ e: Int) -> Bool { sources[e] == nil }

  /// The map of a source fan value `d` to evaluation's `e`: `c·(1 + d) − 1` (`c` its scale),
  /// written `c·d + (c − 1)` so that `c = 1` gives `d` exactly.
  @inline(__always)
  package static func map(_ d: Double, scale c: Double) -> Double { c * d + (c - 1) }
}
