import Foundation

/// Standard normal variates by Marsaglia and Tsang's ziggurat, 256 layers.
///
/// The density's right half is covered by 255 rectangles of equal area and a base strip
/// (rectangle plus tail) of the same area `v`; a draw picks a layer and a point in it, and
/// 98.8 % of draws fall where the rectangle lies wholly under the curve and are returned at
/// once: one 64-bit draw, one multiply, one compare. The rest take the wedge test (one more
/// uniform and an `exp`) or Marsaglia's exact tail method beyond `r`. The method is exact:
/// the only approximation is the 52-bit grid of the position within a layer (G. Marsaglia
/// and W. W. Tsang, "The ziggurat method for generating random variables", J. Stat. Softw.
/// 5(8), 2000; the layer index and the sign come from bits that the position does not use,
/// the fix of J. A. Doornik, "An improved ziggurat method to generate normal random
/// samples", 2005).
///
/// Unlike ``StandardNormal/sample(using:)`` (inversion) the variate is not a monotone
/// function of one uniform, and the number of `next()` calls varies, so it is used only
/// where no copula or common random number needs monotonicity: inside the gamma sampler and
/// for sums of normal and lognormal costs. About 4 times cheaper than inversion.
public enum ZigguratNormal {
  /// A standard normal variate.
  ///
  /// Bits of the first draw: 0–7 the layer, 8 the sign, 12–63 the position in the layer.
  ///
  /// - Parameter generator: the source of randomness; one `next()` for 98.8 % of draws.
  /// - Returns: a finite N(0, 1) variate.
  /// - Complexity: O(1) expected, about 1.02 draws of 64 bits.
  @inlinable
  public static func sample<G: RandomNumberGenerator>(using generator: inout G) -> Double {
    sampleWithSpareBits(using: &generator).value
  }

  /// A standard normal variate, and the three bits of its last 64-bit draw that it does not
  /// read (bits 9–11, as 0…7).
  ///
  /// Which draw is returned, and its value, depend only on the other bits (and on any
  /// further uniforms), so the spare bits are uniform on 0…7 and independent of the variate:
  /// a free first octal digit of a uniform that the caller needs next (``Gamma`` and
  /// ``Poisson`` decide most of their acceptance tests on it alone, see
  /// ``uniform(firstOctalDigit:using:)``).
  ///
  /// - Parameter generator: the source of randomness; one `next()` for 98.8 % of draws.
  /// - Returns: the variate and the spare bits.
  @inlinable
  package static func sampleWithSpareBits<G: RandomNumberGenerator>(using generator: inout G) -> (value: Double, spare: UInt64) {
    let table = zigguratTable
    while true {
      let bits = generator.next()
      let layer = Int(truncatingIfNeeded: bits & 0xff)
      let position = bits >> 12
      let x = Double(position) * table.width[layer]
      let negative = bits & 0x100 != 0
      let spare = (bits >> 9) & 0x7
      if position < table.inner[layer] { return (negative ? -x : x, spare) }
      if layer == 0 { return (tail(negative: negative, using: &generator), spare) }
      // The wedge: a uniform height in the layer, under the curve?
      let height = table.height[layer] + openUniform(&generator) * (table.height[layer - 1] - table.height[layer])
      if height < exp(-0.5 * x * x) { return (negative ? -x : x, spare) }
    }
  }

  /// An open-interval uniform (``openUniform(_:)``'s law exactly) whose first octal digit is
  /// given: `⌊8u⌋ = firstOctalDigit`, the other 50 of its 53 bits from one `next()`.
  ///
  /// With the digit from ``sampleWithSpareBits(using:)``, a test `u < b` is decided without
  /// drawing when `(digit + 1)/8 ≤ b` (then `u < b` for sure), and a test `u ≥ q` when
  /// `digit/8 ≥ q`; only otherwise is this called.
  ///
  /// - Parameters:
  ///   - firstOctalDigit: 0…7.
  ///   - generator: the source of the other bits; exactly one `next()` is consumed.
  /// - Returns: a double in (`firstOctalDigit/8`, `(firstOctalDigit + 1)/8`).
  @inlinable @inline(__always)
  package static func uniform<G: RandomNumberGenerator>(firstOctalDigit: UInt64, using generator: inout G) -> Double {
    openUniform(bits: firstOctalDigit << 61 | generator.next() >> 3)
  }

  /// Marsaglia's exact tail beyond `r`: `x = −log(U₁)/r`, accepted when `−2 log U₂ > x²`.
  @inlinable
  static func tail<G: RandomNumberGenerator>(negative: Bool, using generator: inout G) -> Double {
    while true {
      let x = -log(openUniform(&generator)) / ZigguratTable.r
      let y = -log(openUniform(&generator))
      if y + y > x * x { return negative ? -(ZigguratTable.r + x) : ZigguratTable.r + x }
    }
  }
}

/// The ziggurat's 256 layers, computed once (Marsaglia and Tsang's `zigset`).
///
/// Layer `i` (1…255) is the rectangle of width `xᵢ` between heights `f(xᵢ)` and `f(xᵢ₋₁)`,
/// with `f(x) = exp(−x²/2)`, `x₂₅₅ = r` and every layer of area `v`; layer 0 is the base
/// strip, width `v/f(r)`, whose part beyond `r` is the tail. Stored per layer: the width
/// per unit of the 52-bit position (`width`), the position below which the point is under
/// the curve for sure (`inner`, `2⁵² xᵢ₋₁/xᵢ`), and `f(xᵢ)` (`height`).
@usableFromInline
struct ZigguratTable: @unchecked Sendable {
  /// The right edge of the last rectangle (Marsaglia and Tsang's constant for 256 layers).
  @usableFromInline static let r = 3.654_152_885_361_008_8
  /// The common area of the layers.
  @usableFromInline static let v = 4.928_673_233_99e-3

  // Read-only views of `ZigguratStorage`'s buffers (written through their handles below):
  // plain pointers, not `Handle`s, because the sampler is public inlinable code, which may not
  // name the HotPath SPI; and no class reference, so that copying the table retains nothing.
  @usableFromInline let width: UnsafePointer<Double>
  @usableFromInline let inner: UnsafePointer<UInt64>
  @usableFromInline let height: UnsafePointer<Double>

  /// The layers, written into `storage` (which must outlive the table: the process's one is
  /// a global).
  init(storage: ZigguratStorage) {
    let scale = 0x1p52
    let width = storage.width.handle, inner = storage.inner.handle, height = storage.height.handle
    var edge = Self.r, previous = Self.r
    let base = Self.v / exp(-0.5 * edge * edge)
    inner[0] = UInt64((edge / base) * scale)
    inner[1] = 0
    width[0] = base / scale
    width[255] = edge / scale
    height[0] = 1
    height[255] = exp(-0.5 * edge * edge)
    for i in stride(from: 254, through: 1, by: -1) {
      edge = (-2 * log(Self.v / edge + exp(-0.5 * edge * edge))).squareRoot()
      inner[i + 1] = UInt64((edge / previous) * scale)
      previous = edge
      height[i] = exp(-0.5 * edge * edge)
      width[i] = edge / scale
    }
    self.width = UnsafePointer(storage.width.base)
    self.inner = UnsafePointer(storage.inner.base)
    self.height = UnsafePointer(storage.height.base)
  }
}

/// The memory of the process's ziggurat table.
final class ZigguratStorage: @unchecked Sendable {
  // Written once by `ZigguratTable.init` before the table is published, read-only after.
  let width = Buffer<Double>(256), inner = Buffer<UInt64>(256, repeating: 0), height = Buffer<Double>(256)
}

private let zigguratStorage = ZigguratStorage()

/// The process's ziggurat layers (built on first use, thread-safely, as every global; read-only after).
@usableFromInline
let zigguratTable = ZigguratTable(storage: zigguratStorage)
