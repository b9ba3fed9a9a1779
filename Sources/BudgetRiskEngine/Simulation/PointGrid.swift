import Foundation

/// The point counts per replicate an RQMC run may use: `n = m·2ᵉ` with `m` in 4…7 (and the
/// small counts 1, 2, 3) — every count whose binary digits below its top three are zero, so
/// `2ᵏ`, `2ᵏ + 2ᵏ⁻²`, `2ᵏ + 2ᵏ⁻¹`, `2ᵏ + 2ᵏ⁻¹ + 2ᵏ⁻²`, then `2ᵏ⁺¹`: four steps a doubling.
///
/// Why these keep the point set's gain: the first `n` Sobol' points of such an `n` are the
/// first `2ᵏ` (a (t, k, s)-net) and at most two aligned blocks of `2ʲ` consecutive points
/// (`j` = k − 1 or k − 2), indices `c·2ʲ ..< (c + 1)·2ʲ`. Point `c·2ʲ + i` (`i < 2ʲ`) is
/// point `i` XOR-shifted by point `c·2ʲ` (the points are digitally linear in the index's bits,
/// which do not overlap), and a digital shift of a net is a net: the set is a union of at most
/// three full nets, none smaller than a quarter of the largest. Nested uniform scrambling keeps
/// every point exactly uniform, so each replicate's mean stays unbiased at any `n` and the
/// replicate means stay i.i.d. (their t interval is honest); the grid only keeps the
/// *variance* near that of a full net. Under the interleaved numbering (``Sampling``) a run of
/// `R·n` iterations gives every replicate its first `n` points.
public enum PointGrid {
  /// The grid's spacing at `n ≥ 1`: `2^(bits(n) − 3)`, at least 1 (`bits` the binary length).
  public static func spacing(at n: Int) -> Int {
    let bits = Int.bitWidth - n.leadingZeroBitCount
    return 1 << max(0, bits - 3)
  }

  /// Whether `n` points per replicate are on the grid.
  public static func contains(_ n: Int) -> Bool { n >= 1 && n % spacing(at: n) == 0 }

  /// The smallest grid count at or above `n` (at least 1).
  public static func atOrAbove(_ n: Int) -> Int {
    guard n > 1 else { return 1 }
    let q = spacing(at: n)
    return (n + q - 1) / q * q
  }

  /// The largest grid count at or below `n` (at least 1).
  public static func atOrBelow(_ n: Int) -> Int {
    guard n > 1 else { return 1 }
    let q = spacing(at: n)
    return n / q * q
  }

  /// The grid count after `n`: one step more (a quarter of the power of two at or below it).
  public static func after(_ n: Int) -> Int { atOrAbove(max(1, n) + 1) }

  /// The grid count nearest `x` (≥ 1) on a log scale; on a tie the smaller.
  public static func nearest(_ x: Double) -> Int {
    guard x.isFinite, x > 1 else { return 1 }
    let below = atOrBelow(Int(x.rounded(.down)))
    let above = atOrAbove(Int(x.rounded(.up)))
    return log(x / Double(below)) <= log(Double(above) / x) ? below : above
  }
}
