/// Which counter-based stream each random quantity of an iteration draws from.
///
/// A draw depends only on (seed, iteration, stream), so a run gives the same figures at
/// any thread count, block size or shard split, and a cell re-drawn with a different rate
/// (a rationed path) re-uses its own uniforms: common random numbers across budgets.
/// Layout: purpose in the top 4 bits, then period (14 bits) and index (14 bits).
enum StreamID {
  static let limit = 1 << 14

  /// The iteration's standard normals for the copula.
  static let parameters: UInt32 = 0

  /// The starts of shock `k` in every period.
  @inlinable static func shock(_ k: Int) -> UInt32 {
    UInt32(1 << 28 | k)
  }

  /// The count and cost of service `v` in period `t`.
  @inlinable static func cell(period t: Int, service v: Int) -> UInt32 {
    UInt32(2 << 28 | t << 14 | v)
  }
}
