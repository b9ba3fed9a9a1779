import BudgetRiskNumerics
import BudgetRiskEngine

/// The margin solve under `--sampling rqmc`.
///
/// The factors take the run's scrambled Sobol' points (``Sampling``), so the iterations of one
/// replicate are not independent and the binomial (Wilson) bounds of P(overspend | m), or the
/// order-statistic interval of a quantile, do not describe the error. The R replicates are
/// independent and identically distributed, so for every margin m the R replicate estimates
/// of P(overspend | m) give a 95 % Student-t interval (``ReplicateInterval``). The solve is
/// the search's test inversion on those intervals: the point is the smallest m where the
/// pooled estimate (the mean of the replicate estimates: replicates are equal in size) falls
/// to α, the interval's ends the margins where the t bounds fall to α — the margins not
/// rejected by a 95 % t-test of P(overspend | m) = α. At the true margin m*, P(m*) = α and
/// the test covers with its stated rate, so m* lies in the interval at that rate (tested on
/// a closed form, `MarginReplicateTests`). The same goes for each service-gap target.
///
/// Under absorb with the horizon rule one simulation suffices as it does for the order
/// statistic: each replicate's R = cost / base − 1 is kept in its own histogram, and the
/// search reads its counts at each candidate margin from the histograms instead of
/// re-simulating. A count is read at the histogram's bucket edge at or below m (the values at
/// or above it), so P(overspend | m) is overstated by at most the values in m's bucket: the
/// margin is conservative by at most one bucket (≤ 6.1e−5 for |R| < 0.25), reported in
/// `resolution`.
struct ReplicateRatios {
  var all = ReturnRatioWorker.emptyRatios()
  var replicates: [LogLinearQuantiles]

  init(replicates: Int) {
    self.replicates = Array(repeating: ReturnRatioWorker.emptyRatios(), count: replicates)
  }

  mutating func merge(_ worker: ReturnRatioWorker) {
    all.merge(worker.ratios)
    for r in replicates.indices { replicates[r].merge(worker.replicateRatios[r]) }
  }

  /// The counts of P(R > m) (read at the bucket edge at or below m) at each candidate
  /// margin, pooled and per replicate; nothing goes unmet under absorb, so the gap counters
  /// stay empty.
  func counts(at margins: [Double]) -> [MarginSearch.Counts] {
    margins.map { m in
      var c = MarginSearch.Counts(years: 0)
      c.overspent = Self.overspent(all, above: m)
      c.replicates = replicates.map { r in
        var one = MarginSearch.Counts(years: 0)
        one.overspent = Self.overspent(r, above: m)
        return one
      }
      return c
    }
  }

  private static func overspent(_ ratios: LogLinearQuantiles, above m: Double) -> ProportionCounter {
    ProportionCounter(successes: ratios.countAbove(edgeAtOrBelow: m).count, trials: ratios.count)
  }
}

extension ResponseSolver {
  /// Whether the factors take RQMC points (the solve's intervals are then the replicates').
  var replicated: Bool { options.sampling.method == .rqmc }

  /// The total after a batch that ended at `total` with the margin's half-width `achieved`,
  /// or nil when the run cannot grow: the total that half-width projects, on the
  /// ``PointGrid`` (per replicate under RQMC, so that each replicate's points stay whole
  /// Sobol' nets), at least one grid step more, at most the cap
  /// (``PrecisionTarget/projectedTotal(after:achieved:replicates:)``; under RQMC the cap is
  /// rounded down to the grid).
  func nextTotal(after total: Int, achieved: Double, _ precision: PrecisionTarget) -> Int? {
    let replicates = options.sampling.pointSets
    guard total < precision.cap(replicates: replicates) else { return nil }
    return precision.projectedTotal(after: total, achieved: achieved, replicates: replicates)
  }

  /// The absorb answer under RQMC: the replicate test inversion on the histograms of R.
  func replicateEstimate(_ ratios: ReplicateRatios) -> MarginEstimate {
    let targets = [MarginTarget(name: "overspend", target: request.overspendTarget, counter: { $0.overspent })]
    var search = MarginSearch()
    let crossings = search.run(targets.flatMap { MarginEstimate.criteria($0, replicated: true) }) { ratios.counts(at: $0) }
    var e = MarginEstimate.fromSearch(search, crossings: crossings, targets: targets)
    e.resolution = max(e.resolution, ratios.all.resolution(ofQuantile: 1 - request.overspendTarget))
    // Nothing goes unmet under absorb and the histograms count no gaps: no gap figure (no NaN).
    e.serviceGap = nil
    e.serviceGapInterval = nil
    e.categoryGaps = nil
    e.curve = e.curve.map { MarginCurvePoint(margin: $0.margin, overspendProbability: $0.overspendProbability, serviceGapProbability: nil) }
    return e
  }
}
