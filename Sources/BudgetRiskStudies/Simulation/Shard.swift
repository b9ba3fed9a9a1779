import BudgetRiskEngine

/// Shard `index` of `count` of a run: a contiguous range of its 64-iteration tiles, so a run
/// of any size splits into any number of shards up to its tile count.
///
/// Tile `t` holds iterations `64t ..< 64(t + 1)`; shard `k` of `n` takes tiles
/// `⌊kT/n⌋ ..< ⌊(k + 1)T/n⌋` of the run's `T = ⌈iterations / 64⌉` (the last one clipped to the
/// run's end). The ranges are disjoint, in order and cover the run, and every draw is keyed
/// by (seed, iteration, stream), so the shards' accumulators merge into exactly those of the
/// whole run (see ``ParallelTiles``).
public struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
  /// 0-based, as Slurm's `SLURM_ARRAY_TASK_ID` of an array `0-(count − 1)`.
  public let index: Int
  public let count: Int

  /// The whole run as one shard.
  public static let whole = Shard(uncheckedIndex: 0, count: 1)

  private init(uncheckedIndex index: Int, count: Int) { (self.index, self.count) = (index, count) }

  /// `K/N` with `0 ≤ K < N`; nil otherwise.
  public init?(_ text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, (0..<n).contains(k) else { return nil }
    (index, count) = (k, n)
  }

  public init(from decoder: any Decoder) throws {
    enum Keys: String, CodingKey { case index, count }
    let c = try decoder.container(keyedBy: Keys.self)
    let (k, n) = (try c.decode(Int.self, forKey: .index), try c.decode(Int.self, forKey: .count))
    guard n >= 1, (0..<n).contains(k) else {
      throw DecodingError.dataCorruptedError(forKey: .index, in: c, debugDescription: "expected 0 ≤ index < count, found \(k)/\(n)")
    }
    (index, count) = (k, n)
  }

  public var description: String { "\(index)/\(count)" }

  /// The most shards a run of `iterations` splits into: its tiles.
  public static func maximumCount(iterations: Int) -> Int { (iterations + TileWorkspace.rows - 1) / TileWorkspace.rows }

  /// The global iterations this shard simulates of a run of `iterations`; empty when the run
  /// has fewer tiles than shards (``maximumCount(iterations:)``).
  public func iterations(ofRunOf iterations: Int) -> Range<Int> {
    let tile = TileWorkspace.rows, tiles = Int128(Self.maximumCount(iterations: iterations))
    let first = Int(Int128(index) * tiles / Int128(count)), end = Int(Int128(index + 1) * tiles / Int128(count))
    return first * tile..<min(end * tile, iterations)
  }

  /// The options that simulate this shard of a run with `options` (their `firstIteration`
  /// 0): the same seed, threads and block size over the shard's iterations.
  public func options(ofRun options: RunOptions) -> RunOptions {
    let range = iterations(ofRunOf: options.iterations)
    var shard = options
    shard.firstIteration = range.lowerBound
    shard.iterations = range.count
    return shard
  }
}
