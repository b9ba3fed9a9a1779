/// A mergeable accumulator for the mean of a quantity and its Monte Carlo standard error.
///
/// Keeps the count and exact fixed-point sums of `x` and `x²` (see ``ExactSum``), so the
/// state — and every figure derived from it — is the same whatever the order in which
/// values are added or partial accumulators merged.
///
/// ```
/// mean           = Σx / n
/// variance       = (n·Σx² − (Σx)²) / (n·(n − 1))      (sample variance)
/// standardError  = √(variance / n)
/// ```
///
/// The numerator `n·Σx² − (Σx)²` is formed exactly in 256-bit integer arithmetic from
/// the fixed-point sums, so there is no catastrophic cancellation when the mean is
/// large compared with the spread; the only errors are the per-addend roundings of `x`
/// and `x²` to multiples of 2⁻⁴⁰ and the final conversions to `Double`.
///
/// ## Domain
///
/// Values must be finite with `|x| < 2⁴⁰` (so that `x² < 2⁸⁰`). As with ``ExactSum``,
/// pass relative quantities (drift, shares): the variance has an absolute resolution of
/// about 2⁻⁴⁰, so values much smaller than 10⁻⁵ lose their squares to rounding.
///
/// - Complexity: `add` is O(1) (two exact adds); `merge` is O(1).
public struct MeanAccumulator: Sendable, Equatable {
  /// How many values have been added.
  public var count: UInt64 { storedCount }
  /// The count's storage, usable from inline code so that ``add(_:)`` inlines into the
  /// engine's accumulators (another module).
  @usableFromInline package var storedCount: UInt64
  /// Exact sum of the values.
  @usableFromInline package var sum: ExactSum
  /// Exact sum of the squared values.
  @usableFromInline package var sumOfSquares: ExactSum

  /// Creates an empty accumulator.
  public init() {
    storedCount = 0
    sum = ExactSum()
    sumOfSquares = ExactSum()
  }

  /// Adds one value.
  ///
  /// - Parameter x: a finite value with `|x| < 2⁴⁰`.
  /// - Complexity: O(1).
  @inlinable
  public mutating func add(_ x: Double) {
    storedCount &+= 1
    sum.add(x)
    sumOfSquares.add(x * x)
  }

  /// Adds the values of another accumulator, as if they had been added here.
  ///
  /// - Complexity: O(1).
  public mutating func merge(_ other: MeanAccumulator) {
    storedCount &+= other.count
    sum.merge(other.sum)
    sumOfSquares.merge(other.sumOfSquares)
  }

  /// The sample mean, or NaN when no value has been added.
  ///
  /// - Complexity: O(1).
  public var mean: Double {
    count == 0 ? .nan : sum.value / Double(count)
  }

  /// The sample variance with the `n − 1` denominator, or NaN when fewer than two values
  /// have been added.
  ///
  /// Never negative: a numerator that per-addend rounding pushes just below zero is
  /// reported as 0.
  ///
  /// - Complexity: O(1).
  public var variance: Double {
    guard count >= 2 else { return .nan }
    // n·Σx² − (Σx)² in units of 2⁻⁸⁰, as a 256-bit signed integer (high, low). Σx² is
    // kept in units of 2⁻⁴⁰, hence the factor 2⁴⁰ (n·2⁴⁰ < 2¹⁰⁴ fits an Int128).
    let nQ = sumOfSquares.scaled.multipliedFullWidth(by: Int128(count) << 40)
    let s2 = sum.scaled.multipliedFullWidth(by: sum.scaled)
    let (low, borrow) = nQ.low.subtractingReportingOverflow(s2.low)
    let high = nQ.high &- s2.high &- (borrow ? 1 : 0)
    guard high >= 0 else { return 0 }
    // Within a few ulps of the exact numerator (three roundings).
    let numerator = (ExactSum.double(high) * 0x1p128 + MeanAccumulator.double(low)) * 0x1p-80
    let n = Double(count)
    return numerator / (n * (n - 1))
  }

  /// The Monte Carlo standard error of the mean, `s / √n`, or NaN when fewer than two
  /// values have been added.
  ///
  /// - Complexity: O(1).
  public var standardError: Double {
    (variance / Double(count)).squareRoot()
  }
}

extension MeanAccumulator {
  /// The `Double` nearest to a `UInt128`.
  static func double(_ v: UInt128) -> Double {
    if v < (1 << 127) { return ExactSum.double(Int128(v)) }
    // Halve with a sticky bit (exact for rounding purposes: 128 bits ≫ 53), then double.
    return ExactSum.double(Int128(v >> 1 | v & 1)) * 2
  }
}
