/// The fixed map from a finite `Double` to the bucket of a ``LogLinearQuantiles``: linear
/// near zero, log-linear beyond (HDR-histogram style), covering every finite value.
///
/// With the unit `u = 2^unitExponent` and `m = subBucketBits`:
///
/// ```
/// |x| < 2ᵐ·u :  bucket ⌊|x| / u⌋                 width u
/// |x| ≥ 2ᵐ·u :  2ᵐ buckets per binade [2ᵉ, 2ᵉ⁺¹)  width 2^(e − m) ≤ 2⁻ᵐ·|x|
/// ```
///
/// so a bucket holding `x` is never wider than `max(u, 2⁻ᵐ·|x|)`. The two zones meet with
/// the same width `u` at `2ᵐ·u`. Negative values mirror positive ones (bucket `−1 − k` holds
/// `(−hi, −lo]` where bucket `k` holds `[lo, hi)`), so the bucket index is non-decreasing in
/// `x`. Above the linear zone the bucket is read straight off the bit pattern (exponent and
/// the top `m` fraction bits), with no logarithm, and so is the value's position inside it.
///
/// The layout is data-independent: the same value lands in the same bucket in every worker,
/// block and shard, which is what makes the histograms mergeable bit for bit.
public struct LogLinearLayout: Sendable, Equatable, Hashable {
  /// `log₂ u`: the width of the buckets near zero.
  public let unitExponent: Int
  /// `m`: `2ᵐ` buckets per binade above the linear zone (relative width `2⁻ᵐ`).
  public let subBucketBits: Int
  /// Whether each bucket also sums its values' positions (needed for exact tail means;
  /// without, a bucket counts at its midpoint and takes half the memory).
  public let keepsPositions: Bool

  /// Bits kept of a value's position inside its bucket (see ``LogLinearQuantiles``).
  static let positionBits = 20

  /// For money and drift over the horizon, in units of a reference budget: width
  /// `2⁻¹³ ≈ 1.2e−4` up to `|x| = 0.25`, then at most `2⁻¹¹ ≈ 4.9e−4` of `|x|`. At least as
  /// fine as the former fixed bins everywhere in their ranges (drift 5e−4 on [−1, 2),
  /// overspend 2.5e−4 on [0, 1)), and unbounded.
  public static let fine = LogLinearLayout(unitExponent: -13, subBucketBits: 11)
  /// ``fine`` without position sums, for figures with no tail mean (drift): half the memory.
  public static let fineQuantiles = LogLinearLayout(unitExponent: -13, subBucketBits: 11, keepsPositions: false)
  /// For the per-period drift fan: width `2⁻⁹ ≈ 2.0e−3` up to `|x| = 0.5`, then at most
  /// `2⁻⁸ ≈ 3.9e−3` of `|x|` (the former fan bins were 2.5e−3 on [−0.5, 0.5)).
  /// Quantiles only (no tail means): counts without position sums.
  public static let path = LogLinearLayout(unitExponent: -9, subBucketBits: 8, keepsPositions: false)

  public init(unitExponent: Int, subBucketBits: Int, keepsPositions: Bool = true) {
    precondition((1...24).contains(subBucketBits), "subBucketBits must lie in 1...24")
    precondition(unitExponent + subBucketBits > -1000 && unitExponent + subBucketBits < 1000, "unit out of range")
    self.unitExponent = unitExponent
    self.subBucketBits = subBucketBits
    self.keepsPositions = keepsPositions
    unit = Double(sign: .plus, exponent: unitExponent, significand: 1)
    inverseUnit = Double(sign: .plus, exponent: -unitExponent, significand: 1)
    linearLimit = Double(sign: .plus, exponent: unitExponent + subBucketBits, significand: 1)
    linearBuckets = 1 << subBucketBits
    shift = UInt64(52 - subBucketBits)
    logOffset = Int(linearLimit.bitPattern >> shift) - linearBuckets
  }

  // Derived constants, stored so that the hot path does not rebuild them per value.
  /// `u`.
  public let unit: Double
  let inverseUnit: Double
  /// `2ᵐ·u`, where the log-linear zone starts.
  let linearLimit: Double
  /// Buckets in the linear zone, `2ᵐ`.
  let linearBuckets: Int
  /// Fraction bits below the bucket's, `52 − m`.
  let shift: UInt64
  /// `linearLimit`'s bit pattern shifted by ``shift``, less `2ᵐ`: subtracted from a value's
  /// shifted bit pattern to give its bucket.
  let logOffset: Int
  /// The largest magnitude bucket (the one holding `Double.greatestFiniteMagnitude`).
  var topMagnitudeBucket: Int { magnitudeBucket(.greatestFiniteMagnitude) }

  /// The bucket `k ≥ 0` of a magnitude `a ≥ 0`, finite.
  @inline(__always)
  func magnitudeBucket(_ a: Double) -> Int {
    a < linearLimit ? Int(a * inverseUnit) : Int(a.bitPattern >> shift) - logOffset
  }

  /// The bucket of a finite value (non-decreasing in `x`; `−0` counts as `+0`).
  @inline(__always)
  public func bucket(_ x: Double) -> Int {
    let k = magnitudeBucket(abs(x))
    return x < 0 ? -1 - k : k
  }

  /// The lower edge of magnitude bucket `k` (`+∞` past the top).
  func magnitudeEdge(_ k: Int) -> Double {
    if k <= linearBuckets { return Double(k) * unit }
    return Double(bitPattern: UInt64(k + logOffset) << shift)
  }

  /// Bucket `i`'s value range: `[lo, hi)` for `i ≥ 0`, `(lo, hi]` for `i < 0`.
  public func edges(_ i: Int) -> (lower: Double, upper: Double) {
    if i >= 0 { return (magnitudeEdge(i), magnitudeEdge(i + 1)) }
    let k = -1 - i
    return (-magnitudeEdge(k + 1), -magnitudeEdge(k))
  }

  /// The width of the bucket holding `x`: `max(u, 2^(e − m))`, at most `max(u, 2⁻ᵐ·|x|)`.
  public func resolution(at x: Double) -> Double {
    let (a, b) = edges(bucket(x.isFinite ? x : .greatestFiniteMagnitude))
    return b.isFinite && a.isFinite ? b - a : Double.greatestFiniteMagnitude
  }

  /// The bucket of a magnitude and its position inside it, `⌊f·2²⁰⌋` for the fraction
  /// `f ∈ [0, 1)` of the bucket below `a` (exact: a power-of-two scaling or the value's own
  /// low fraction bits).
  @inline(__always)
  func locate(_ a: Double) -> (bucket: Int, position: UInt64) {
    if a < linearLimit {
      let s = a * inverseUnit
      let k = Int(s)
      return (k, UInt64((s - Double(k)) * 0x1p20))
    }
    let bits = a.bitPattern
    let low = bits & ((1 << shift) - 1)
    return (Int(bits >> shift) - logOffset, low >> (shift - UInt64(Self.positionBits)))
  }
}
