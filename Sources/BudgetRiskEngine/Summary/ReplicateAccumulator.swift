@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskModel

/// The headline figures of each RQMC replicate, for intervals from replicate means.
///
/// Under randomised QMC the iterations of one replicate are not independent (they are the
/// points of one scrambled net), so the binomial or sample-variance standard error of the
/// pooled figures does not describe their error — it usually overstates it. The R replicates
/// are independent and identically distributed; their means' Student-t interval is the
/// run's interval (``Sampling``). Kept per replicate, evaluation and scope: the overspend
/// indicator over the horizon, in any year and in each year (so every ``OverspendRule`` can
/// be read), the drift and the service-gap indicator (unmet share above the threshold).
///
/// Exact and mergeable like ``RunAccumulator``: counts, and exact sums of the drift
/// (``ExactSum``; a replicate's mean needs no sum of squares).
/// Its size is fixed by the scenario and R (no allocation per iteration).
public struct ReplicateAccumulator: Sendable, Equatable {
  package let replicates: Int
  package let evaluationCount: Int
  package let scopeCount: Int
  package let years: Int
  private let gapThreshold: Double
  /// Per (replicate, evaluation, scope): paths, horizon overspends, any-year overspends, gaps.
  private var counts: [UInt64]
  /// Per (replicate, evaluation, scope, year): overspends in that year.
  private var yearCounts: [UInt64]
  /// Per (replicate, evaluation, scope): the sum of the drift.
  private var drift: [ExactSum]

  package init(replicates: Int, evaluations: Int, plan: SimulationPlan) {
    self.replicates = replicates
    evaluationCount = evaluations
    scopeCount = plan.scopes.count
    years = plan.years
    gapThreshold = plan.budget.serviceGapThreshold
    let cells = replicates * evaluations * scopeCount
    counts = Array(repeating: 0, count: 4 * cells)
    yearCounts = Array(repeating: 0, count: cells * years)
    drift = Array(repeating: ExactSum(), count: cells)
  }

  @inline(__always)
  private func cell(_ replicate: Int, _ e: Int, _ s: Int) -> Int { (replicate * evaluationCount + e) * scopeCount + s }

  /// Adds one walk of evaluation `e` on an iteration of `replicate`.
  package mutating func record(_ o: PathOutcome, evaluation e: Int, replicate: Int) {
    for s in 0..<scopeCount {
      let c = cell(replicate, e, s), x = o.scopes[s]
      var anyYear = false
      for y in 0..<years where o.overspent(scope: s, year: y) {
        yearCounts[c * years + y] &+= 1
        anyYear = true
      }
      counts[4 * c] &+= 1
      if x.overspent { counts[4 * c + 1] &+= 1 }
      if anyYear { counts[4 * c + 2] &+= 1 }
      if x.unmetShare > gapThreshold { counts[4 * c + 3] &+= 1 }
      drift[c].add(x.drift)
    }
  }

  package mutating func merge(_ other: ReplicateAccumulator) {
    precondition(counts.count == other.counts.count, "merging replicates of different runs")
    for i in counts.indices { counts[i] &+= other.counts[i] }
    for i in yearCounts.indices { yearCounts[i] &+= other.yearCounts[i] }
    for i in drift.indices { drift[i].merge(other.drift[i]) }
  }

  /// The figure of each replicate for evaluation `e`, scope `s`.
  package enum Figure: Sendable {
    case overspendHorizon, overspendAnyYear, overspendInYear(Int), serviceGap, meanDrift
  }

  /// Replicate `r`'s estimate of `figure` (NaN for a replicate with no paths: callers check).
  package func estimate(_ figure: Figure, replicate r: Int, evaluation e: Int, scope s: Int) -> Double {
    let c = cell(r, e, s), n = Double(counts[4 * c])
    switch figure {
    case .overspendHorizon: return Double(counts[4 * c + 1]) / n
    case .overspendAnyYear: return Double(counts[4 * c + 2]) / n
    case .overspendInYear(let y): return Double(yearCounts[c * years + y]) / n
    case .serviceGap: return Double(counts[4 * c + 3]) / n
    case .meanDrift: return drift[c].value / n
    }
  }

  /// The paths of replicate `r` (the same for every evaluation and scope of a whole run).
  package func paths(replicate r: Int) -> UInt64 { counts[4 * cell(r, 0, 0)] }
}
