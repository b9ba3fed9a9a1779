/// One ``BinnedQuantiles`` per period of a path (the fan chart's cumulative drift), kept
/// in one flat allocation so that adding a whole iteration's path is one call.
///
/// It holds exactly the state `periods` separate histograms would hold, and `self[t]`
/// is that histogram, bit for bit: the per-period adds, merges and queries are
/// ``BinnedQuantiles``'s own. The layout exists for the hot loop: the ledger adds every
/// period of every scope under every evaluation of every iteration (3,168 values an
/// iteration in the server-scale benchmark, into ~10 MB of bins per worker).
///
/// - Paths are staged, ``batch`` at a time, and binned together: each period's bins are
///   then reached once per batch instead of once per path. Binned one at a time, the
///   increments missed the cache so often that the one bumping a bin took two thirds of
///   the ledger's `record` samples (`perf annotate`). Staged paths count as added: `==`,
///   `merge` and `self[t]` include them. The staging costs 256 × `periods` doubles
///   (74 KB at 36 periods) per histogram set.
/// - One flat array, not `periods` nested ones, whose copy-on-write uniqueness checks
///   cost more than the adds themselves.
struct PathHistograms: Sendable, Equatable, RandomAccessCollection {
  /// Paths staged before they are binned.
  static let batch = 256
  let lower: Double, upper: Double, binCount: Int
  private let binsPerUnit: Double
  /// Counts, `periods × binCount`, period-major.
  private var bins: [UInt64]
  /// Everything but the bins, per period.
  private var tallies: [Tally]
  /// Paths added but not yet binned, `batch × periods`, path-major; the first `staged` are in use.
  private var pending: [Double]
  private var staged = 0

  struct Tally: Sendable, Equatable {
    var count: UInt64 = 0, underflowCount: UInt64 = 0, overflowCount: UInt64 = 0
    var underflowSum = ExactSum(), overflowSum = ExactSum()
    var minimum = Double.infinity, maximum = -Double.infinity
  }

  init(periods: Int, lower: Double, upper: Double, binCount: Int) {
    let layout = BinnedQuantiles(lower: lower, upper: upper, binCount: binCount)  // checks the layout
    self.lower = lower; self.upper = upper; self.binCount = binCount
    binsPerUnit = layout.binsPerUnit
    bins = Array(repeating: 0, count: periods * binCount)
    tallies = Array(repeating: Tally(), count: periods)
    pending = Array(repeating: 0, count: Self.batch * periods)
  }

  static func == (a: PathHistograms, b: PathHistograms) -> Bool {
    var a = a, b = b
    a.binStaged(); b.binStaged()
    return a.lower == b.lower && a.upper == b.upper && a.binCount == b.binCount
      && a.bins == b.bins && a.tallies == b.tallies
  }

  var startIndex: Int { 0 }
  var endIndex: Int { tallies.count }

  /// Period `t`'s histogram, staged paths included (built on demand: O(`binCount`)).
  subscript(t: Int) -> BinnedQuantiles {
    let tally = tallies[t]
    var histogram = BinnedQuantiles(
      lower: lower, upper: upper, bins: Array(bins[(t * binCount)..<((t + 1) * binCount)]),
      count: tally.count, underflow: (tally.underflowCount, tally.underflowSum),
      overflow: (tally.overflowCount, tally.overflowSum), minimum: tally.minimum, maximum: tally.maximum)
    for k in 0..<staged { histogram.add(pending[k * count + t]) }
    return histogram
  }

  /// Adds one iteration's path: `path[t]` to period `t`'s histogram, for every period.
  ///
  /// The same state as `BinnedQuantiles.add` per period: finite values only (checked
  /// here), −0 counted as +0, values outside `[lower, upper)` in the exact underflow /
  /// overflow sums.
  mutating func add(path: UnsafePointer<Double>) {
    let periods = tallies.count
    pending.withUnsafeMutableBufferPointer { pending in
      for t in 0..<periods {
        precondition(path[t].isFinite, "PathHistograms: value must be finite")
        pending[staged * periods + t] = path[t]
      }
    }
    staged += 1
    if staged == Self.batch { binStaged() }
  }

  /// Bins the staged paths, period by period.
  private mutating func binStaged() {
    let (lower, upper, binsPerUnit, binCount) = (self.lower, self.upper, self.binsPerUnit, self.binCount)
    let (periods, staged) = (tallies.count, self.staged)
    self.staged = 0
    pending.withUnsafeBufferPointer { pending in
      bins.withUnsafeMutableBufferPointer { bins in
        for t in 0..<periods {
          var tally = tallies[t]
          let row = bins.baseAddress! + t * binCount
          for k in 0..<staged {
            let value = pending[k * periods + t]
            let x = value == 0 ? 0 : value  // −0 → +0, so that min/max do not depend on order
            tally.count &+= 1
            if x < tally.minimum { tally.minimum = x }
            if x > tally.maximum { tally.maximum = x }
            if x < lower {
              tally.underflowCount &+= 1
              tally.underflowSum.add(x)
            } else if x >= upper {
              tally.overflowCount &+= 1
              tally.overflowSum.add(x)
            } else {
              row[Swift.min(Int((x - lower) * binsPerUnit), binCount - 1)] &+= 1
            }
          }
          tallies[t] = tally
        }
      }
    }
  }

  /// Adds another path's histograms with the same layout and length, staged paths included.
  mutating func merge(_ other: PathHistograms) {
    precondition(
      lower == other.lower && upper == other.upper && binCount == other.binCount && count == other.count,
      "PathHistograms.merge: layouts differ")
    bins.withUnsafeMutableBufferPointer { mine in
      other.bins.withUnsafeBufferPointer { theirs in
        for i in mine.indices { mine[i] &+= theirs[i] }
      }
    }
    for t in tallies.indices {
      let o = other.tallies[t]
      tallies[t].count &+= o.count
      tallies[t].underflowCount &+= o.underflowCount
      tallies[t].overflowCount &+= o.overflowCount
      tallies[t].underflowSum.merge(o.underflowSum)
      tallies[t].overflowSum.merge(o.overflowSum)
      tallies[t].minimum = Swift.min(tallies[t].minimum, o.minimum)
      tallies[t].maximum = Swift.max(tallies[t].maximum, o.maximum)
    }
    other.pending.withUnsafeBufferPointer { theirs in
      for k in 0..<other.staged { add(path: theirs.baseAddress! + k * count) }
    }
  }
}
