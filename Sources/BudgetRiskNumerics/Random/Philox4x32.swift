/// The Philox4x32-10 counter-based block function.
///
/// Philox maps a 128-bit counter and a 64-bit key to 128 pseudo-random bits through ten
/// rounds of a multiply-and-xor bijection. Because the output is a pure function of
/// `(key, counter)`, any block can be computed directly, in any order, on any thread:
/// there is no state to carry between draws, and streams never overlap as long as their
/// counters differ.
///
/// Each round takes the counter `(c0, c1, c2, c3)` and the round key `(k0, k1)` to
/// ```
/// (hi(M1·c2) ^ c1 ^ k0,  lo(M1·c2),  hi(M0·c0) ^ c3 ^ k1,  lo(M0·c0))
/// ```
/// with `M0 = 0xD2511F53`, `M1 = 0xCD9E8D57`, and between rounds the key is bumped by the
/// Weyl constants `W0 = 0x9E3779B9`, `W1 = 0xBB67AE85`.
///
/// Reference: J. K. Salmon, M. A. Moraes, R. O. Dror and D. E. Shaw, "Parallel random
/// numbers: as easy as 1, 2, 3", SC '11 (2011); the Random123 library's known-answer
/// vectors are reproduced exactly.
@frozen
public struct Philox4x32: Sendable {
  /// The 64-bit key, as two 32-bit words.
  public let key: SIMD2<UInt32>

  /// A Philox4x32-10 function with the given key.
  ///
  /// - Parameter key: the two 32-bit key words `(k0, k1)`.
  @inlinable
  public init(key: SIMD2<UInt32>) {
    self.key = key
  }

  /// The 128-bit block for one counter value.
  ///
  /// - Parameter counter: the four 32-bit counter words `(c0, c1, c2, c3)`.
  /// - Returns: the four 32-bit output words, in Random123's order.
  /// - Complexity: O(1): ten rounds of two 32×32→64-bit multiplies.
  @inlinable
  public func block(_ counter: SIMD4<UInt32>) -> SIMD4<UInt32> {
    let out = Philox4x32.rounds(
      counter[0], counter[1], counter[2], counter[3], key[0], key[1])
    return SIMD4(out.0, out.1, out.2, out.3)
  }
}

extension Philox4x32 {
  /// The ten Philox rounds on scalar words.
  ///
  /// Scalar locals rather than SIMD lanes keep the hot path cheap in unoptimised builds too;
  /// the constants are literals so that no global initialiser sits on the hot path.
  @inlinable @inline(__always)
  package static func rounds(
    _ c0: UInt32, _ c1: UInt32, _ c2: UInt32, _ c3: UInt32,
    _ k0: UInt32, _ k1: UInt32
  ) -> (UInt32, UInt32, UInt32, UInt32) {
    let m0: UInt64 = 0xD251_1F53  // multiplier of counter word 0
    let m1: UInt64 = 0xCD9E_8D57  // multiplier of counter word 2
    let w0: UInt32 = 0x9E37_79B9  // Weyl increment of key word 0 (golden ratio)
    let w1: UInt32 = 0xBB67_AE85  // Weyl increment of key word 1 (√3 − 1)
    var x0 = c0, x1 = c1, x2 = c2, x3 = c3
    var key0 = k0, key1 = k1
    for round in 0..<10 {
      if round > 0 {
        key0 &+= w0
        key1 &+= w1
      }
      let p0 = m0 &* UInt64(x0)
      let p1 = m1 &* UInt64(x2)
      x0 = UInt32(truncatingIfNeeded: p1 >> 32) ^ x1 ^ key0
      x1 = UInt32(truncatingIfNeeded: p1)
      x2 = UInt32(truncatingIfNeeded: p0 >> 32) ^ x3 ^ key1
      x3 = UInt32(truncatingIfNeeded: p0)
    }
    return (x0, x1, x2, x3)
  }
}
