/// A mergeable histogram over every finite value, on log-linear buckets (``LogLinearLayout``),
/// that answers quantiles, order-statistic intervals, exceedance fractions and tail means
/// (TVaR) with a stated error, in memory independent of the sample size.
///
/// Each bucket keeps its count and the sum of its values' positions inside it, `⌊f·2²⁰⌋`
/// for the fraction `f ∈ [0, 1)` of the bucket below the value: integers, so the bucket's
/// sum of values is known to `2⁻²¹` of its width per value (`c·lo + w·Σ(f)`), whatever the
/// order of the adds. The exact minimum and maximum are kept (signed zeros normalised to
/// `+0`). All state is integers and min/max, so merging partial histograms in any order
/// gives the same figures as one histogram over all values — at any thread count, block
/// size or split into shards. There is no range to leave: a finite value always has a
/// bucket, and a non-finite one is counted in ``nonFiniteCount`` (the run refuses it).
///
/// ## Errors
///
/// The target is the sample quantile `X₍ᵣ₎`, `r = ⌈n·q⌉` clamped to `[1, n]`. `X₍₁₎` and
/// `X₍ₙ₎` are exact (the minimum and maximum). Otherwise, if rank `r` lies in bucket
/// `[a, b)` (clipped to `[minimum, maximum]`) holding `c` values of which `C` are below it
/// in rank, the estimate is `a + (r − C − ½)/c · (b − a)`: within **one bucket width**
/// `max(u, 2⁻ᵐ·|x|)` of the exact sample quantile (``resolution(ofQuantile:)``). The
/// tail mean sums whole buckets from their position sums and takes the boundary bucket's
/// top `t` values as spread evenly over it, so its error is at most `t·w / (n·(1 − q))`
/// ≤ one bucket width at the VaR (plus `2⁻²¹·w` per value; a layout without position sums
/// counts whole buckets at their midpoints instead, half a bucket per value). The exceedance fraction
/// above `x` is exact at bucket edges and within the count of `x`'s bucket over `n`
/// elsewhere.
///
/// ## Memory
///
/// Counts live in one dense window of buckets that grows (geometrically) to cover
/// the values seen, 16 bytes a bucket: for ``LogLinearLayout/fine`` about 2,000 buckets
/// (32 kB) per binade above 0.25 and 4,096 below it, so a drift on [−0.5, 0.5] takes
/// ~130 kB. It depends on the range of the values, never on their number; growth is the
/// only allocation and stops once the range is covered.
public struct LogLinearQuantiles: Sendable {
  public let layout: LogLinearLayout
  /// The bucket index of the window's first bucket.
  private var first = 0
  /// Per bucket of the window, its count and (when the layout keeps them) its position
  /// sum, interleaved (one cache line holds both): `cells[s·j]`, `cells[s·j + 1]`, `s` the
  /// ``stride``.
  private var cells: [UInt64] = []
  /// Cells per bucket: 2 with position sums, 1 without.
  private let stride: Int
  /// Buckets in the window.
  private var width: Int { stride == 2 ? cells.count >> 1 : cells.count }
  /// How many finite values have been added.
  public private(set) var count: UInt64 = 0
  /// How many non-finite values were offered (and not added).
  public private(set) var nonFiniteCount: UInt64 = 0
  /// The smallest value added (`+∞` while empty).
  public private(set) var minimum = Double.infinity
  /// The largest value added (`−∞` while empty).
  public private(set) var maximum = -Double.infinity

  /// Creates an empty histogram on `layout`, its window already covering `expected` (so
  /// that values there never reallocate it; values beyond still grow it).
  public init(layout: LogLinearLayout = .fine, expected: ClosedRange<Double>? = nil) {
    self.layout = layout
    stride = layout.keepsPositions ? 2 : 1
    if let expected {
      let (a, b) = (layout.bucket(expected.lowerBound), layout.bucket(expected.upperBound))
      first = a
      cells = [UInt64](repeating: 0, count: stride * (b - a + 1))
    }
  }

  /// Adds one value; a non-finite one is only counted in ``nonFiniteCount``.
  ///
  /// - Complexity: O(1), no allocation unless `x` lies outside the buckets seen so far.
  @inline(__always)
  public mutating func add(_ x: Double) {
    guard x.isFinite else { nonFiniteCount &+= 1; return }
    let x = x == 0 ? 0 : x
    count &+= 1
    if x < minimum { minimum = x }
    if x > maximum { maximum = x }
    let (k, position) = layout.locate(abs(x))
    let i = x < 0 ? -1 - k : k
    var j = i &- first
    if j < 0 || j >= width {
      grow(toInclude: i)
      j = i - first
    }
    let stride = self.stride
    cells.withUnsafeMutableBufferPointer { cells in
      if stride == 2 {
        cells[2 &* j] &+= 1
        cells[2 &* j &+ 1] &+= position
      } else {
        cells[j] &+= 1
      }
    }
  }

  /// Adds many values, leaving the same state as adding them one by one.
  public mutating func add(contentsOf values: some Sequence<Double>) {
    for x in values { add(x) }
  }

  /// Adds `count` values `base[0], base[step], base[2·step], …` — one period of staged
  /// paths — leaving the same state as adding them one by one, faster: the window is reached
  /// once per call, not once per value. A first pass finds the values' range, count and
  /// minimum and maximum, so the window grows (if at all) before the second bins them, and
  /// the binning loop only locates and bumps buckets: no growth check, no allocation, no
  /// store to the histogram's own fields per value (which the compiler kept in memory when
  /// they were updated inside the loop), one loop per bucket stride.
  ///
  /// The same state as one-by-one adds, to the bit: the minimum of the values with `−0`
  /// taken as `+0` is the minimum of the raw values with `−0` then taken as `+0` (the map is
  /// monotone and only merges the two zeros), likewise the maximum; `abs` and `< 0` treat
  /// both zeros alike, so the bucket does not need the normalised value.
  package mutating func add(strided base: UnsafePointer<Double>, count: Int, step: Int) {
    var (lowest, highest) = (Double.infinity, -Double.infinity)
    var finite = 0
    var p = base
    for _ in 0..<count {
      let x = p.pointee
      if x.isFinite {
        finite &+= 1
        lowest = Swift.min(lowest, x); highest = Swift.max(highest, x)
      }
      p += step
    }
    nonFiniteCount &+= UInt64(count &- finite)
    guard finite > 0 else { return }
    grow(toInclude: layout.bucket(lowest))
    grow(toInclude: layout.bucket(highest))
    self.count &+= UInt64(finite)
    minimum = Swift.min(minimum, lowest == 0 ? 0 : lowest)
    maximum = Swift.max(maximum, highest == 0 ? 0 : highest)
    let layout = self.layout
    let first = self.first, stride = self.stride
    // Two phases per chunk of values: locate every bucket first (no memory but the values),
    // then bump them. Nearly every bump misses the cache (the windows are 4–130 kB and a
    // histogram is reached once per batch); with only the bumps in the second loop, several
    // times more of them fit in the processor's reorder window, so their misses overlap.
    // The scratch is 2 × 512 bytes on the stack: no allocation.
    let chunk = 64
    withUnsafeTemporaryAllocation(of: Int.self, capacity: chunk) { index in
      withUnsafeTemporaryAllocation(of: UInt64.self, capacity: chunk) { position in
        let index = index.baseAddress!, position = position.baseAddress!
        cells.withUnsafeMutableBufferPointer { cells in
          let cells = cells.baseAddress!
          var p = base, done = 0
          while done < count {
            let n = Swift.min(chunk, count &- done)
            var m = 0
            if stride == 2 {
              for _ in 0..<n {
                let x = p.pointee
                p += step
                guard x.isFinite else { continue }
                let (bucket, offset) = layout.locate(abs(x))
                index[m] = 2 &* ((x < 0 ? -1 &- bucket : bucket) &- first)
                position[m] = offset
                m &+= 1
              }
              for i in 0..<m {
                cells[index[i]] &+= 1
                cells[index[i] &+ 1] &+= position[i]
              }
            } else {
              for _ in 0..<n {
                let x = p.pointee
                p += step
                guard x.isFinite else { continue }
                index[m] = layout.bucket(x) &- first
                m &+= 1
              }
              for i in 0..<m { cells[index[i]] &+= 1 }
            }
            done &+= n
          }
        }
      }
    }
  }

  /// Adds the values of another histogram on the same layout.
  ///
  /// - Complexity: O(buckets of `other`).
  public mutating func merge(_ other: LogLinearQuantiles) {
    precondition(layout == other.layout, "LogLinearQuantiles.merge: layouts differ")
    count &+= other.count
    nonFiniteCount &+= other.nonFiniteCount
    minimum = Swift.min(minimum, other.minimum)
    maximum = Swift.max(maximum, other.maximum)
    guard !other.cells.isEmpty else { return }
    grow(toInclude: other.first)
    grow(toInclude: other.first + other.width - 1)
    let offset = stride * (other.first - first)
    for c in other.cells.indices where other.cells[c] != 0 { cells[offset + c] &+= other.cells[c] }
  }

  /// Extends the window to cover bucket `i`, with buckets to spare on the side it grows —
  /// half the window's width, at least an eighth of a binade (and 16) — clamped to the
  /// layout's buckets. Growing geometrically keeps reallocations rare (a handful per
  /// histogram over a run) while the window stays within twice the range of the values.
  private mutating func grow(toInclude i: Int) {
    let end = first + width
    guard cells.isEmpty || i < first || i >= end else { return }
    let top = layout.topMagnitudeBucket, spare = Swift.max(16, layout.linearBuckets / 8, width / 2)
    var low = cells.isEmpty ? i : Swift.min(first, i)
    var high = cells.isEmpty ? i + 1 : Swift.max(end, i + 1)
    if i < first || cells.isEmpty { low = Swift.max(i - spare, -1 - top) }
    if i >= end || cells.isEmpty { high = Swift.min(i + 1 + spare, top + 1) }
    var grown = [UInt64](repeating: 0, count: stride * (high - low))
    if !cells.isEmpty {
      grown.withUnsafeMutableBufferPointer { grown in
        cells.withUnsafeBufferPointer { cells in
          (grown.baseAddress! + stride * (first - low)).update(from: cells.baseAddress!, count: cells.count)
        }
      }
    }
    (first, cells) = (low, grown)
  }
}

extension LogLinearQuantiles: Equatable {
  /// Equal when they hold the same values' summary (whatever window each has allocated).
  public static func == (a: LogLinearQuantiles, b: LogLinearQuantiles) -> Bool {
    guard a.layout == b.layout, a.count == b.count, a.nonFiniteCount == b.nonFiniteCount,
      a.minimum == b.minimum, a.maximum == b.maximum
    else { return false }
    let low = Swift.min(a.first, b.first)
    let high = Swift.max(a.first + a.width, b.first + b.width)
    for i in low..<high where a.bucketState(i) != b.bucketState(i) { return false }
    return true
  }

  private func bucketState(_ i: Int) -> (UInt64, UInt64) {
    let j = i - first
    guard j >= 0 && j < width else { return (0, 0) }
    return (cells[stride * j], stride == 2 ? cells[stride * j + 1] : 0)
  }
}

extension LogLinearQuantiles {
  /// The estimated `q`-quantile, the sample quantile `X₍⌈n·q⌉₎` (see the type's discussion).
  ///
  /// - Parameter q: a level in [0, 1].
  /// - Returns: the estimate; NaN when empty.
  /// - Complexity: O(buckets).
  public func quantile(_ q: Double) -> Double {
    precondition(q >= 0 && q <= 1, "quantile level must lie in [0, 1]")
    guard count > 0 else { return .nan }
    return orderStatistic(rank(q))
  }

  /// The error bound of ``quantile(_:)``: the width of the bucket holding the estimate
  /// (0 when the rank is 1 or `n`, which are exact).
  public func resolution(ofQuantile q: Double) -> Double {
    guard count > 0 else { return .nan }
    let r = rank(q)
    if r <= 1 || r >= count { return 0 }
    return layout.resolution(at: orderStatistic(r))
  }

  /// A distribution-free 95 %-style confidence interval for the population `q`-quantile,
  /// from order statistics `[X₍ⱼ₎, X₍ₖ₎]` with
  ///
  /// ```
  /// j = ⌊n·q − z·√(n·q·(1 − q))⌋,   k = ⌈n·q + z·√(n·q·(1 − q))⌉
  /// ```
  ///
  /// clamped to `[1, n]` (coverage ≈ `confidence` by the normal approximation to the
  /// binomial). Each end is widened outwards by the resolution of its estimate (clipped to
  /// `[minimum, maximum]`), so the histogram cannot make the interval narrower than the
  /// exact order statistics'.
  ///
  /// - Returns: the interval; `−∞...∞` when empty.
  public func quantileInterval(_ q: Double, confidence: Double = 0.95) -> ClosedRange<Double> {
    precondition(q >= 0 && q <= 1, "quantile level must lie in [0, 1]")
    let z = CriticalValue.twoSided(confidence: confidence)
    guard count > 0 else { return -Double.infinity...Double.infinity }
    let n = Double(count)
    let centre = n * q
    let spread = z * (n * q * (1 - q)).squareRoot()
    let j = clampedRank((centre - spread).rounded(.down))
    let k = clampedRank((centre + spread).rounded(.up))
    var a = orderStatistic(j), b = orderStatistic(k)
    if j > 1 { a = Swift.max(minimum, a - layout.resolution(at: a)) }
    if k < count { b = Swift.min(maximum, b + layout.resolution(at: b)) }
    return Swift.min(a, b)...Swift.max(a, b)
  }

  /// The estimated fraction of values strictly greater than `x`: exact at bucket edges,
  /// below the minimum and at or above the maximum; inside a bucket its values are taken as
  /// spread evenly over it, so the error is at most that bucket's count over `n`.
  ///
  /// - Returns: a fraction in [0, 1]; NaN when empty.
  public func exceedanceFraction(above x: Double) -> Double {
    precondition(!x.isNaN, "threshold must not be NaN")
    guard count > 0 else { return .nan }
    if x >= maximum { return 0 }
    if x < minimum { return 1 }
    let j = layout.bucket(x) - first
    var whole: UInt64 = 0
    for k in (j + 1)..<width { whole &+= cells[stride * k] }
    let (a, b) = clippedEdges(j)
    let share = b > a ? Swift.min(1, Swift.max(0, (b - x) / (b - a))) : (x < a ? 1 : 0)
    return (Double(whole) + Double(cells[stride * j]) * share) / Double(count)
  }

  /// The bucket edge at or below `x` and the exact number of values above it: values at or
  /// above it for a bucket of positive values, strictly above for one of negative values.
  package func countAbove(edgeAtOrBelow x: Double) -> (edge: Double, count: UInt64) {
    let i = layout.bucket(x)
    var above: UInt64 = 0
    if i < first + width {
      for j in Swift.max(0, i - first)..<width { above &+= cells[stride * j] }
    }
    return (layout.edges(i).lower, above)
  }

  /// The mean of the values at or above the `q`-quantile (TVaR, expected shortfall):
  /// `1/(1 − q) · ∫_q^1 F̂⁻¹(u) du`, the mean of the largest `n·(1 − q)` values, the
  /// boundary value entering with a fractional weight. Whole buckets count at their own
  /// sums; see the type's discussion for the error.
  ///
  /// - Returns: the tail mean (the maximum at `q = 1`); NaN when empty.
  public func meanAbove(quantile q: Double) -> Double {
    precondition(q >= 0 && q <= 1, "quantile level must lie in [0, 1]")
    guard count > 0 else { return .nan }
    let tailMass = Double(count) * (1 - q)
    guard tailMass > 0 else { return maximum }
    var remaining = tailMass
    var total = 0.0
    var j = width - 1
    while remaining > 0 && j >= 0 {
      let c = cells[stride * j]
      if c > 0 {
        let cd = Double(c)
        if remaining >= cd {
          total += bucketSum(j)
          remaining -= cd
        } else {
          // The top remaining/c of the bucket, taken as spread evenly over [a, b].
          let (a, b) = clippedEdges(j)
          total += remaining * (b - 0.5 * (remaining / cd) * (b - a))
          remaining = 0
        }
      }
      j -= 1
    }
    return total / (tailMass - Swift.max(0, remaining))
  }

  /// The sum of bucket `j`'s values from its count and position sum (each position
  /// `⌊f·2²⁰⌋` read as its centre `(⌊f·2²⁰⌋ + ½)·2⁻²⁰`).
  private func bucketSum(_ j: Int) -> Double {
    let i = first + j
    let k = i >= 0 ? i : -1 - i
    let lo = layout.magnitudeEdge(k), hi = layout.magnitudeEdge(k + 1)
    let c = Double(cells[stride * j])
    // Without position sums, every value counts at the bucket's midpoint.
    let inside = stride == 2 ? (Double(cells[2 * j + 1]) + 0.5 * c) * 0x1p-20 : 0.5 * c
    let width = hi.isFinite ? hi - lo : lo  // the top bucket: only its lower edge is finite
    let sum = c * lo + inside * width
    return i >= 0 ? sum : -sum
  }

  /// Bucket `j`'s value edges clipped to `[minimum, maximum]`.
  private func clippedEdges(_ j: Int) -> (Double, Double) {
    let (a, b) = layout.edges(first + j)
    let lo = Swift.max(a, minimum), hi = Swift.min(b, maximum)
    return lo <= hi ? (lo, hi) : (hi, lo)
  }

  /// `⌈n·q⌉` clamped to `[1, n]`, with a relative tolerance of 2⁻⁵⁰ on `n·q` (so levels
  /// such as 0.07 that are not exact in binary still hit the integer rank they name).
  package func rank(_ q: Double) -> UInt64 {
    clampedRank((Double(count) * q * (1 - 0x1p-50)).rounded(.up))
  }

  private func clampedRank(_ r: Double) -> UInt64 {
    if !(r >= 1) { return 1 }
    if r >= Double(count) { return count }
    return UInt64(r)
  }

  /// The estimate of the order statistic `X₍ᵣ₎`, `r` in `[1, n]`.
  private func orderStatistic(_ r: UInt64) -> Double {
    if r <= 1 { return minimum }
    if r >= count { return maximum }
    let (j, before) = bucket(holdingRank: r)
    let c = cells[stride * j]
    let (a, b) = clippedEdges(j)
    return a + (Double(r - before) - 0.5) / Double(c) * (b - a)
  }

  /// The bucket holding the `r`-th smallest value and the count of the buckets before it.
  ///
  /// Blocks of 16 buckets are skipped whole by their sums (independent adds, no branch per
  /// bucket), then the block holding the rank is scanned bucket by bucket: the same bucket
  /// and count as a plain scan, found about 5 times faster. Every figure takes several
  /// quantiles of windows of thousands of buckets (the fan, the cost and drift histograms of
  /// every budget and scope): a plain scan was 1.09 G of server-scale's 2.72 G fixed
  /// instructions.
  private func bucket(holdingRank r: UInt64) -> (bucket: Int, before: UInt64) {
    let (s, w) = (stride, width)
    return cells.withUnsafeBufferPointer { cells in
      var before: UInt64 = 0
      var j = 0
      while j &+ 16 <= w {
        var block: UInt64 = 0
        for k in 0..<16 { block &+= cells[s &* (j &+ k)] }
        if r <= before &+ block { break }
        before &+= block
        j &+= 16
      }
      while j < w {
        let c = cells[s &* j]
        if r <= before &+ c { return (j, before) }
        before &+= c
        j &+= 1
      }
      preconditionFailure("LogLinearQuantiles: counts are inconsistent")
    }
  }
}

extension LogLinearQuantiles: Codable {
  private enum CodingKeys: String, CodingKey {
    case layout, first, cells, nonzero, count, nonFiniteCount, minimum, maximum
  }

  /// The window is written sparsely: its first bucket, its number of cells and the nonzero
  /// cells as a flat list `[cell, value, cell, value, …]` (most buckets of a wide window are
  /// empty). Minimum and maximum are exact doubles (`±∞` while empty).
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(layout, forKey: .layout)
    try c.encode(first, forKey: .first)
    try c.encode(cells.count, forKey: .cells)
    var nonzero: [UInt64] = []
    nonzero.reserveCapacity(64)
    for i in cells.indices where cells[i] != 0 { nonzero.append(UInt64(i)); nonzero.append(cells[i]) }
    try c.encode(nonzero, forKey: .nonzero)
    try c.encode(count, forKey: .count)
    try c.encode(nonFiniteCount, forKey: .nonFiniteCount)
    try c.encode(minimum, forKey: .minimum)
    try c.encode(maximum, forKey: .maximum)
  }

  /// Refuses (never traps on) a window outside the layout's buckets or a cell outside the window.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(layout: try c.decode(LogLinearLayout.self, forKey: .layout))
    let first = try c.decode(Int.self, forKey: .first)
    let cellCount = try c.decode(Int.self, forKey: .cells)
    let top = layout.topMagnitudeBucket
    guard cellCount >= 0, cellCount % stride == 0, first >= -1 - top, first <= top + 1,
      cellCount / stride <= top + 1 - first
    else {
      throw DecodingError.dataCorruptedError(
        forKey: .cells, in: c, debugDescription: "expected a window of whole buckets inside the layout's range")
    }
    let nonzero = try c.decode([UInt64].self, forKey: .nonzero)
    guard nonzero.count % 2 == 0 else {
      throw DecodingError.dataCorruptedError(forKey: .nonzero, in: c, debugDescription: "expected pairs [cell, value, …]")
    }
    var cells = [UInt64](repeating: 0, count: cellCount)
    for k in Swift.stride(from: 0, to: nonzero.count, by: 2) {
      guard nonzero[k] < UInt64(cellCount) else {
        throw DecodingError.dataCorruptedError(
          forKey: .nonzero, in: c, debugDescription: "cell \(nonzero[k]) lies outside the window of \(cellCount) cells")
      }
      cells[Int(nonzero[k])] = nonzero[k + 1]
    }
    (self.first, self.cells) = (cellCount == 0 ? 0 : first, cells)
    count = try c.decode(UInt64.self, forKey: .count)
    nonFiniteCount = try c.decode(UInt64.self, forKey: .nonFiniteCount)
    minimum = try c.decode(Double.self, forKey: .minimum)
    maximum = try c.decode(Double.self, forKey: .maximum)
  }
}
