import BudgetRiskEngine

/// Precision on request: simulate in batches until the 95 % half-width of a decision figure
/// is at most `halfWidth`, or until `maxIterations`.
///
/// The schedule projects: after a batch ending at n iterations with half-width h, the next
/// total is the one the target needs if the half-width falls as 1/√n, n·(h/target)², rounded
/// up to the ``PointGrid`` (per replicate under RQMC), at least one grid step more and never
/// past the cap (``projectedTotal(after:achieved:replicates:)``). The totals depend only on
/// the figures, which depend only on the seed: batches are shards
/// (`RunOptions.firstIteration`) whose accumulators merge exactly, so the figures after a
/// batch are exactly those of one run over all its iterations, and the same seed and
/// precision always stop at the same iteration count with the same figures.
public struct PrecisionTarget: Sendable, Equatable {
  /// The largest acceptable 95 % half-width of the decision figure.
  public var halfWidth: Double
  /// The most iterations to simulate; the run stops there even if the target is not met.
  public var maxIterations: Int

  public static let defaultMaxIterations = 10_000_000

  public init(halfWidth: Double, maxIterations: Int = PrecisionTarget.defaultMaxIterations) {
    self.halfWidth = halfWidth; self.maxIterations = maxIterations
  }

  /// The most iterations a run of `replicates` RQMC replicates (1: plain Monte Carlo) may stop
  /// at: `maxIterations` under plain Monte Carlo, else R × the ``PointGrid`` count at or below
  /// `maxIterations / R` (every replicate's points whole nets).
  public func cap(replicates: Int) -> Int {
    replicates <= 1 ? maxIterations : replicates * PointGrid.atOrBelow(maxIterations / replicates)
  }

  /// The iteration total after a batch that ended at `total` with the decision figure's
  /// 95 % half-width `achieved` (not yet at the target), under `replicates` RQMC replicates
  /// (1: plain Monte Carlo, where every count is usable and the grid only sets the steps).
  ///
  /// Per replicate, n = total / R points: the projection n·(h/target)² is the count at which a
  /// half-width falling as 1/√n meets the target. Rounded up to the ``PointGrid``, at least
  /// one grid step past n (≥ n/8 more: a batch always adds work), under RQMC at most 2n, and
  /// at most ``cap(replicates:)``. A half-width that is not finite (no interval yet) doubles
  /// the total.
  ///
  /// No safety factor: under plain Monte Carlo the Wilson half-width is ≈ 1.96·√(p(1−p)/n)
  /// with p̂ already known to a few per cent (relative sd of p̂(1−p̂) ≈ 7 % after 4,096
  /// iterations at p ≈ 0.05), and rounding up to the grid adds 0–25 %; a shortfall costs one
  /// more batch of at least one grid step, where a factor > 1 would overshoot every run.
  ///
  /// Under RQMC the error falls at least as fast as 1/√n (Owen-scrambled nets: variance
  /// o(1/n)), so the projection errs high — often far: on server-scale the conditional
  /// half-width fell as n^−0.82 from 4,096 to 16,384 iterations (0.00483 → 0.00156), and the
  /// projection from 4,096 (15,300) would have run 16,384 where 10,240 sufficed. Hence at most a
  /// doubling a batch under RQMC: a later projection, from nearer the answer, overshoots less,
  /// and the run never passes twice the last count that missed (the doubling schedule's bound).
  /// The t interval's own noise (relative sd of s ≈ 1/√(2(R−1)), 18 % at R = 16) is as likely
  /// to shrink as to stretch a projection.
  public func projectedTotal(after total: Int, achieved h: Double, replicates: Int) -> Int {
    let r = max(1, replicates), n = max(1, total / r), cap = cap(replicates: r)
    // At least one grid step; the projection, or a doubling where there is no half-width.
    var next = PointGrid.atOrAbove(n + PointGrid.spacing(at: n))
    if !h.isFinite {
      next = max(next, PointGrid.atOrAbove(2 * n))
    } else if h > halfWidth {
      let projected = Double(n) * (h / halfWidth) * (h / halfWidth)
      // In Double first: a huge ratio must not overflow the integer.
      let bounded = min(projected, Double(r > 1 ? 2 * n : cap / r + 1))
      next = max(next, PointGrid.atOrAbove(Int(bounded.rounded(.up))))
    }
    if r > 1 { next = min(next, 2 * n) }
    return min(cap, r * next)
  }

  /// Checks the target against the first batch's size.
  public func validate(firstBatch: Int) throws(RunOptionsError) {
    guard halfWidth > 0, halfWidth.isFinite else {
      throw .invalid("--precision must be a positive number, found \(halfWidth)")
    }
    guard maxIterations >= firstBatch else {
      throw .invalid("--max-iterations (\(maxIterations)) must be at least --iterations (\(firstBatch))")
    }
  }
}

/// How a precision run ended: recorded in the run manifest.
public struct PrecisionNote: Codable, Sendable, Equatable {
  /// The requested half-width.
  public var target: Double
  /// The half-width reached at the last batch.
  public var achieved: Double
  public var reached: Bool
  public var maxIterations: Int
  /// The decision figure the half-width is of.
  public var figure: String
  /// The iteration totals at which the batches ended.
  public var batches: [Int]
}
