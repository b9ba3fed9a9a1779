@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskModel

/// The conditional Monte Carlo figures of each RQMC replicate under absorb
/// (`--estimator conditional`, ``ConditionalCost``).
///
/// Per replicate, absorb evaluation and scope: the sum over the replicate's paths of
/// P(overspend | path) over the horizon, in any year and in each year, of the expected drift
/// given the path, and of each probability's stated bias (the leading Edgeworth term plus the
/// money grid's). Any year: the years' costs are independent given the path (every cell has
/// its own stream), so P(any) = 1 − Πᵧ(1 − pᵧ), with bias at most Σᵧ biasᵧ.
///
/// Only absorb evaluations that ``AbsorbPass`` takes: there the cost of need is the spend,
/// nothing is rationed, and each figure compares the cost's sums with the budget's. Under
/// ration the outcome depends on the path period by period, and under arrangements that move
/// the limit the budget does too: those keep the indicator (``ReplicateAccumulator``).
///
/// Exact and mergeable (``ExactSum``): identical at any thread count or batching.
public struct ConditionalAccumulator: Sendable, Equatable {
  package let replicates: Int
  package let evaluationCount: Int
  package let scopeCount: Int
  package let years: Int
  /// Per evaluation: whether this accumulator has its figures (an absorb pass slot).
  package let covered: [Bool]
  /// Paths per replicate.
  private var paths: [UInt64]
  /// Per (replicate, evaluation, scope): `fields` sums (``Field``), then 2 per year.
  private var sums: [ExactSum]
  /// Values that were not finite (a zero budget): left out, and the figure refused.
  private var nonFinite: [UInt64]

  /// Sums per (replicate, evaluation, scope): horizon p and bias, any-year p and bias, drift,
  /// then per year p and bias.
  private var width: Int { 5 + 2 * years }

  package init(replicates: Int, covered: [Bool], plan: SimulationPlan) {
    self.replicates = replicates
    evaluationCount = covered.count
    scopeCount = plan.scopes.count
    years = plan.years
    self.covered = covered
    paths = Array(repeating: 0, count: replicates)
    sums = Array(repeating: ExactSum(), count: replicates * covered.count * plan.scopes.count * (5 + 2 * plan.years))
    nonFinite = Array(repeating: 0, count: covered.count * plan.scopes.count)
  }

  @inline(__always)
  private func base(_ r: Int, _ e: Int, _ s: Int) -> Int { ((r * evaluationCount + e) * scopeCount + s) * width }

  /// A path of `replicate` has been simulated (once per iteration, not per evaluation).
  package mutating func countPath(replicate r: Int) { paths[r] &+= 1 }

  /// Adds row `row`'s conditional figures for evaluation `e`, whose budgets `pass` holds in `slot`.
  package mutating func record(
    _ cost: ConditionalCost, row: Int, pass: AbsorbPass, slot: Int, evaluation e: Int, replicate r: Int
  ) {
    let T = cost.plan.periods, ppy = cost.plan.periodsPerYear
    let horizonBudget = pass.scopeBudgetToDateOf(slot: slot), yearBudget = pass.scopeYearBudgetToDateOf(slot: slot)
    for s in 0..<scopeCount {
      let b = base(r, e, s)
      var mean = 0.0, variance = 0.0, third = 0.0, cells = 0.0
      var none = 1.0, anyBias = 0.0
      for y in 0..<years {
        let m = cost.cumulants(row: row, scope: s, year: y)
        mean += m.mean; variance += m.variance; third += m.third; cells += m.cells
        let p = ConditionalCost.overspend(
          mean: m.mean, variance: m.variance, third: m.third, cells: m.cells, budget: yearBudget[s * T + (y + 1) * ppy - 1])
        none *= 1 - p.probability; anyBias += p.bias
        sums[b + 5 + 2 * y].add(p.probability); sums[b + 6 + 2 * y].add(min(1, p.bias))
      }
      let budget = horizonBudget[s * T + T - 1]
      let p = ConditionalCost.overspend(mean: mean, variance: variance, third: third, cells: cells, budget: budget)
      sums[b].add(p.probability); sums[b + 1].add(min(1, p.bias))
      sums[b + 2].add(1 - none); sums[b + 3].add(min(1, anyBias))
      let drift = BudgetLedger.drift(mean, budget)
      if drift.isFinite && abs(drift) < 0x1p79 { sums[b + 4].add(drift) } else { nonFinite[e * scopeCount + s] &+= 1 }
    }
  }

  package mutating func merge(_ other: ConditionalAccumulator) {
    precondition(sums.count == other.sums.count, "merging conditional figures of different runs")
    for i in paths.indices { paths[i] &+= other.paths[i] }
    for i in sums.indices { sums[i].merge(other.sums[i]) }
    for i in nonFinite.indices { nonFinite[i] &+= other.nonFinite[i] }
  }

  /// Replicate `r`'s estimate of `figure` for evaluation `e`, scope `s`, and its stated bias
  /// (0 for the drift, which is exact); nil where the evaluation is not covered, the
  /// replicate has no paths, or a value was not finite.
  package func estimate(_ figure: ReplicateAccumulator.Figure, replicate r: Int, evaluation e: Int, scope s: Int)
    -> (value: Double, bias: Double)?
  {
    guard covered[e], paths[r] > 0, nonFinite[e * scopeCount + s] == 0 else { return nil }
    let b = base(r, e, s), n = Double(paths[r])
    switch figure {
    case .overspendHorizon: return (sums[b].value / n, sums[b + 1].value / n)
    case .overspendAnyYear: return (sums[b + 2].value / n, sums[b + 3].value / n)
    case .overspendInYear(let y): return (sums[b + 5 + 2 * y].value / n, sums[b + 6 + 2 * y].value / n)
    case .meanDrift: return (sums[b + 4].value / n, 0)
    case .serviceGap: return nil  // nothing is unmet under absorb: not a conditional figure
    }
  }

  /// The paths of replicate `r`.
  package func paths(replicate r: Int) -> UInt64 { paths[r] }
}
