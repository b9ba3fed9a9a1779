/// A mergeable counter for a probability: successes out of trials, with a Wilson score
/// interval.
///
/// Counting is exact integer arithmetic, so partial counters merge into the same state
/// in any order.
///
/// - Complexity: `add` and `merge` are O(1).
public struct ProportionCounter: Sendable, Equatable {
  /// How many trials were successes.
  public private(set) var successes: UInt64
  /// How many trials have been counted.
  public private(set) var trials: UInt64

  /// Creates an empty counter.
  public init() {
    successes = 0
    trials = 0
  }

  /// Creates a counter holding the given counts.
  ///
  /// - Parameters:
  ///   - successes: the number of successes, at most `trials`.
  ///   - trials: the number of trials.
  public init(successes: UInt64, trials: UInt64) {
    precondition(successes <= trials, "successes must not exceed trials")
    self.successes = successes
    self.trials = trials
  }

  /// Counts one trial.
  ///
  /// - Parameter hit: whether the trial was a success.
  /// - Complexity: O(1).
  public mutating func add(_ hit: Bool) {
    trials &+= 1
    successes &+= hit ? 1 : 0
  }

  /// Counts a batch of trials at once (e.g. a block's local tally).
  ///
  /// - Parameters:
  ///   - successes: the number of successes in the batch, at most `trials`.
  ///   - trials: the number of trials in the batch.
  /// - Complexity: O(1).
  public mutating func add(successes: UInt64, trials: UInt64) {
    precondition(successes <= trials, "successes must not exceed trials")
    self.successes &+= successes
    self.trials &+= trials
  }

  /// Adds the counts of another counter.
  ///
  /// - Complexity: O(1).
  public mutating func merge(_ other: ProportionCounter) {
    successes &+= other.successes
    trials &+= other.trials
  }

  /// The observed proportion `successes / trials`, or NaN when there are no trials.
  ///
  /// - Complexity: O(1).
  public var estimate: Double {
    trials == 0 ? .nan : Double(successes) / Double(trials)
  }

  /// The Wilson score interval for the underlying probability.
  ///
  /// With `p̂ = successes / n` and `z` the two-sided standard normal critical value,
  ///
  /// ```
  /// centre = (p̂ + z²/(2n)) / (1 + z²/n)
  /// half   = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/(4n²))
  /// ```
  ///
  /// (Wilson 1927; Newcombe 1998, method 3). The interval never leaves [0, 1], keeps
  /// good coverage near 0 and 1, and its lower end is exactly 0 when there are no
  /// successes (upper end exactly 1 when all trials succeed). With no trials it is the
  /// uninformative [0, 1].
  ///
  /// - Parameter confidence: the two-sided confidence level in (0, 1); 0.90, 0.95 and
  ///   0.99 use hard-coded critical values.
  /// - Returns: the interval.
  /// - Complexity: O(1).
  public func wilsonInterval(confidence: Double = 0.95) -> ClosedRange<Double> {
    let z = CriticalValue.twoSided(confidence: confidence)
    guard trials > 0 else { return 0...1 }
    let n = Double(trials)
    let p = Double(successes) / n
    let z2 = z * z
    let denominator = 1 + z2 / n
    let centre = (p + z2 / (2 * n)) / denominator
    let half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
    let low = successes == 0 ? 0 : max(0, centre - half)
    let high = successes == trials ? 1 : min(1, centre + half)
    return low...high
  }
}
