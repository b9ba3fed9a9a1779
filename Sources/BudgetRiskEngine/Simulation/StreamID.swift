/// Which counter-based stream each random quantity of an iteration draws from.
///
/// A draw depends only on (seed, iteration, stream), so a run gives the same figures at
/// any thread count, block size or shard split, and a cell re-drawn with a different rate
/// (a rationed path) re-uses its own uniforms: common random numbers across budgets.
///
/// Streams are keyed by the *name* of what they drive (a factor, a shock, a service), not by
/// its position, so that two designs of one pilot draw the same numbers for every input they
/// share: a design that drops a segment or adds a service leaves every other draw unchanged
/// (common random numbers across designs).
///
/// Layout of the 32-bit stream word: purpose in the top 4 bits, then a 28-bit key
/// (``key(_:)``, a stable hash of the name). A cell's period goes into the top 14 bits of the
/// Philox block index (``RandomStream/init(seed:iteration:stream:substream:)``), so each
/// (period, service) cell has 2¹⁸ blocks (524,288 draws) of its own.
enum StreamID {
  /// Periods a cell stream can address (14 bits of the block index).
  package static let limit = 1 << 14

  /// Factor `key`'s standard normal for the copula.
  @inlinable package static func factor(_ key: UInt32) -> UInt32 { 3 << 28 | key }

  /// The innovations of the process of factor `key` (``FactorProcess``), one per step in order.
  @inlinable package static func innovation(_ key: UInt32) -> UInt32 { 4 << 28 | key }

  /// The yearly rate variation of the service with key `key` under `mixing: year` (its
  /// budget year is the substream; `TileWorkspace+YearMixing.swift`).
  @inlinable package static func mixing(_ key: UInt32) -> UInt32 { 6 << 28 | key }

  /// The starts of the shock with key `key` in every period.
  @inlinable package static func shock(_ key: UInt32) -> UInt32 { 1 << 28 | key }

  /// The count and cost of the service with key `key` (its period is the substream).
  @inlinable package static func cell(service key: UInt32) -> UInt32 { 2 << 28 | key }

  /// A stable 28-bit key for a name: FNV-1a (64-bit) over its UTF-8 bytes, folded to 28 bits.
  ///
  /// Not Swift's `Hasher`, which is seeded per process: the key must be the same in every run.
  package static func key(_ name: String) -> UInt32 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in name.utf8 {
      h ^= UInt64(byte)
      h &*= 0x100_0000_01b3
    }
    h ^= h >> 28
    h ^= h >> 56
    return UInt32(truncatingIfNeeded: h) & (1 << 28 - 1)
  }

  /// Keys for `names`, or the first two names whose keys collide (two streams must never
  /// coincide; with a 28-bit key the chance for 50 names is about 5 in a million).
  package static func keys(_ names: [String]) -> Result<[UInt32], CollisionError> {
    let keys = names.map(key)
    var seen: [UInt32: String] = [:]
    for (name, k) in zip(names, keys) {
      if let other = seen[k] { return .failure(CollisionError(first: other, second: name)) }
      seen[k] = name
    }
    return .success(keys)
  }

  struct CollisionError: Error, Equatable {
    package let first: String
    package let second: String
  }
}
