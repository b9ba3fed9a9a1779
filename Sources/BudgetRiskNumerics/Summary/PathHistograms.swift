/// One ``LogLinearQuantiles`` per period of a path (the fan chart's cumulative drift), with
/// whole paths added in one call.
///
/// The ledger adds every period of every scope under every evaluation of every iteration
/// (3,168 values an iteration in the server-scale benchmark, into ~10 MB of bins per
/// worker). Paths are staged, ``batch`` at a time, and binned together, one period's
/// histogram at a time through ``LogLinearQuantiles/add(strided:count:step:)``: its bins are then
/// reached once per batch instead of once per path. Binned one at a time, the increments
/// missed the cache so often that the one bumping a bin took two thirds of the ledger's
/// `record` samples (`perf annotate`), and reaching a histogram in a nested array cost a
/// copy-on-write uniqueness check per value.
///
/// Staged paths count as added: `==`, `merge` and `self[t]` include them, so `self[t]` is
/// bit for bit the histogram of every value added for period `t`. The staging costs
/// `batch × periods` doubles (74 KB at 36 periods).
package struct PathHistograms: Sendable, Equatable, RandomAccessCollection {
  /// Paths staged before they are binned.
  package static let batch = 256
  private var histograms: [LogLinearQuantiles]
  /// Paths added but not yet binned, `batch × periods`, path-major; the first `staged` are in use.
  private var pending: [Double]
  private var staged = 0

  /// `presized: false` for a fan that is normally not recorded (read off another's): no
  /// window and no staging area until a path is added (then allocated once, and grown).
  package init(periods: Int, layout: LogLinearLayout = .path, presized: Bool = true) {
    // Pre-sized to ±0.5 (4 kB a period on the `path` layout): drift beyond grows it.
    histograms = Array(
      repeating: LogLinearQuantiles(layout: layout, expected: presized ? -0.5...0.5 : nil), count: periods)
    pending = presized ? Array(repeating: 0, count: Self.batch * periods) : []
  }

  package static func == (a: PathHistograms, b: PathHistograms) -> Bool {
    var a = a, b = b
    a.binStaged(); b.binStaged()
    return a.histograms == b.histograms
  }

  package var startIndex: Int { 0 }
  package var endIndex: Int { histograms.count }

  /// Period `t`'s histogram, staged paths included.
  package subscript(t: Int) -> LogLinearQuantiles {
    var histogram = histograms[t]
    histogram.add(contentsOf: (0..<staged).lazy.map { pending[$0 * count + t] })
    return histogram
  }

  /// Adds one iteration's path: `path[t]` to period `t`'s histogram, for every period.
  /// A non-finite value is counted as such (see ``LogLinearQuantiles/nonFiniteCount``).
  package mutating func add(path: UnsafePointer<Double>) {
    let periods = histograms.count
    if pending.count < Self.batch * periods { pending = Array(repeating: 0, count: Self.batch * periods) }
    pending.withUnsafeMutableBufferPointer { pending in
      (pending.baseAddress! + staged * periods).update(from: path, count: periods)
    }
    staged += 1
    if staged == Self.batch { binStaged() }
  }

  /// Bins the staged paths, period by period.
  private mutating func binStaged() {
    let (periods, staged) = (histograms.count, self.staged)
    guard staged > 0 else { return }
    self.staged = 0
    pending.withUnsafeBufferPointer { pending in
      for t in 0..<periods {
        histograms[t].add(strided: pending.baseAddress! + t, count: staged, step: periods)
      }
    }
  }

  /// Adds another path's histograms with the same layout and length, staged paths included.
  package mutating func merge(_ other: PathHistograms) {
    precondition(count == other.count, "PathHistograms.merge: lengths differ")
    for t in histograms.indices { histograms[t].merge(other.histograms[t]) }
    other.pending.withUnsafeBufferPointer { theirs in
      for k in 0..<other.staged { add(path: theirs.baseAddress! + k * count) }
    }
  }
}

extension PathHistograms: Codable {
  /// Written as its period histograms with the staged paths binned (the staging area is
  /// scratch space, not state).
  package func encode(to encoder: any Encoder) throws {
    var binned = self
    binned.binStaged()
    var c = encoder.singleValueContainer()
    try c.encode(binned.histograms)
  }

  package init(from decoder: any Decoder) throws {
    histograms = try decoder.singleValueContainer().decode([LogLinearQuantiles].self)
    pending = Array(repeating: 0, count: Self.batch * histograms.count)
  }
}
