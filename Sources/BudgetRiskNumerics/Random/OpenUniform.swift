/// A uniform variate strictly inside (0, 1).
///
/// The top 53 bits `k` of one draw become the midpoint of the k-th of 2⁵³ equal cells:
/// ```
/// u = (k + 0.5) · 2⁻⁵³,   k = x >> 11
/// ```
/// so `u` is never 0 (the smallest value is 2⁻⁵⁴) and `log(u)`, `log(1 − u)` and
/// `Φ⁻¹(u)` are always finite. Above ½ the midpoints are not representable and round to
/// the nearest double; the one input that would round up to 1 (k = 2⁵³ − 1) is returned
/// as `1 − 2⁻⁵³`, the largest double below 1.
///
/// - Parameter generator: the source of random bits; exactly one `next()` is consumed.
/// - Returns: a double in the open interval (0, 1).
/// - Complexity: O(1).
@inlinable @inline(__always)
public func openUniform<G: RandomNumberGenerator>(_ generator: inout G) -> Double {
  openUniform(bits: generator.next())
}

/// The open-interval uniform for one raw 64-bit draw (see ``openUniform(_:)``).
@inlinable @inline(__always)
package func openUniform(bits: UInt64) -> Double {
  let u = (Double(bits >> 11) + 0.5) * 0x1p-53
  return Swift.min(u, 0x1.fffffffffffffp-1)
}

extension RandomNumberGenerator {
  /// A uniform variate strictly inside (0, 1); see ``openUniform(_:)``.
  ///
  /// - Returns: a double in the open interval (0, 1).
  @inlinable
  public mutating func nextOpenUniform() -> Double {
    openUniform(&self)
  }
}
