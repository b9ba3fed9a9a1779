/// A reproducible stream of random bits, addressed by (seed, iteration, stream).
///
/// `RandomStream` is a thin cursor over the ``Philox4x32`` block function. The key is the
/// 64-bit `seed` split into its low and high 32-bit halves; block number `b` of a stream is
/// ```
/// Philox4x32-10(key: (seed.lo, seed.hi),
///               counter: (iteration.lo, iteration.hi, stream, b))
/// ```
/// and each block supplies two 64-bit outputs, the low one (words 0 and 1, word 0 in the
/// low half) first, then the high one (words 2 and 3). The n-th draw therefore depends on
/// nothing but `(seed, iteration, stream, n)`: Monte Carlo iterations can be run in any
/// order and on any thread and still give bit-identical results, and two streams with
/// different `(iteration, stream)` pairs never share a block.
///
/// A stream holds 2³² blocks (2³³ draws); past that the block index wraps and the stream
/// repeats.
///
/// - Complexity: `next()` is O(1) and allocation-free: one Philox block every second call.
@frozen
public struct RandomStream: RandomNumberGenerator, Sendable {
  /// Key word 0: the low half of the seed.
  @usableFromInline internal var key0: UInt32
  /// Key word 1: the high half of the seed.
  @usableFromInline internal var key1: UInt32
  /// Counter word 0: the low half of the iteration.
  @usableFromInline internal var iterationLow: UInt32
  /// Counter word 1: the high half of the iteration.
  @usableFromInline internal var iterationHigh: UInt32
  /// Counter word 2: the stream number.
  @usableFromInline internal var stream: UInt32
  /// Counter word 3: the index of the next block to compute.
  @usableFromInline internal var blockIndex: UInt32
  /// The second half of the last block, not yet handed out.
  @usableFromInline internal var buffered: UInt64
  /// Whether `buffered` holds an unused draw.
  @usableFromInline internal var hasBuffered: Bool

  /// The stream for one (seed, iteration, stream) triple, positioned at its first draw.
  ///
  /// - Parameters:
  ///   - seed: the run's seed; becomes the Philox key.
  ///   - iteration: the Monte Carlo iteration (counter words 0 and 1).
  ///   - stream: which of the iteration's independent streams (counter word 2).
  @inlinable
  public init(seed: UInt64, iteration: UInt64, stream: UInt32) {
    key0 = UInt32(truncatingIfNeeded: seed)
    key1 = UInt32(truncatingIfNeeded: seed >> 32)
    iterationLow = UInt32(truncatingIfNeeded: iteration)
    iterationHigh = UInt32(truncatingIfNeeded: iteration >> 32)
    self.stream = stream
    blockIndex = 0
    buffered = 0
    hasBuffered = false
  }

  /// Substream `substream` of a stream: the same stream word, with the block index starting
  /// at `substream << 18` (so `substream` < 2¹⁴, and each substream holds 2¹⁸ blocks).
  ///
  /// Used for the engine's cell streams, whose period is the substream.
  @inlinable
  public init(seed: UInt64, iteration: UInt64, stream: UInt32, substream: Int) {
    self.init(seed: seed, iteration: iteration, stream: stream)
    blockIndex = UInt32(truncatingIfNeeded: substream) << 18
  }

  /// The next 64 random bits of the stream.
  ///
  /// - Complexity: O(1), no allocation.
  @inlinable @inline(__always)
  public mutating func next() -> UInt64 {
    if hasBuffered {
      hasBuffered = false
      return buffered
    }
    let out = Philox4x32.rounds(
      iterationLow, iterationHigh, stream, blockIndex, key0, key1)
    blockIndex &+= 1
    buffered = UInt64(out.2) | UInt64(out.3) << 32
    hasBuffered = true
    return UInt64(out.0) | UInt64(out.1) << 32
  }
}
