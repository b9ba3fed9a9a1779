/// Precision on request: simulate in batches until the 95 % half-width of a decision figure
/// is at most `halfWidth`, or until `maxIterations`.
///
/// The batch schedule is fixed: the first batch is the run's `iterations`, and each later
/// batch doubles the total (n₀, 2n₀, 4n₀, …, capped at `maxIterations`). Batches are shards
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

  /// The iteration total after a batch that ended at `total`.
  public func nextTotal(after total: Int) -> Int { min(maxIterations, 2 * total) }

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
