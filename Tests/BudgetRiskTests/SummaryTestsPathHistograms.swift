import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// `PathHistograms` must hold exactly what one `LogLinearQuantiles` per period would, although
/// it stages paths in batches before it bins them.
@Suite struct PathHistogramsTests {
  static let periods = 7
  static let layout = LogLinearLayout.path

  /// `count` paths with values spread over and beyond the range (wide, −0).
  static func paths(_ count: Int, seed: UInt64) -> [[Double]] {
    var random = SummaryTestRandom(seed: seed)
    return (0..<count).map { k in
      (0..<periods).map { t in
        if k % 97 == 3 { return -0.0 }
        return 0.3 * Double(t + 1) * random.normal()  // later periods reach |x| > 0.5
      }
    }
  }

  static func reference(_ paths: [[Double]]) -> [LogLinearQuantiles] {
    var histograms = Array(
      repeating: LogLinearQuantiles(layout: layout), count: periods)
    for path in paths {
      for t in 0..<periods { histograms[t].add(path[t]) }
    }
    return histograms
  }

  static func flat(_ paths: [[Double]]) -> PathHistograms {
    var flat = PathHistograms(periods: periods, layout: layout)
    for path in paths { path.withUnsafeBufferPointer { flat.add(path: $0.baseAddress!) } }
    return flat
  }

  /// Counts that are a whole number of batches, fewer than one batch, and several plus a rest:
  /// every period's histogram equals the per-period reference bit for bit (and so every query).
  @Test(arguments: [0, 1, 5, PathHistograms.batch, 3 * PathHistograms.batch + 17])
  func equalsOneHistogramPerPeriod(count: Int) {
    let paths = Self.paths(count, seed: UInt64(100 + count))
    let flat = Self.flat(paths), reference = Self.reference(paths)
    #expect(flat.count == Self.periods)
    for t in 0..<Self.periods {
      #expect(flat[t] == reference[t])
      #expect(flat[t].count == UInt64(count))
    }
    if count > 10 {
      #expect(flat[Self.periods - 1].maximum > 0.5 && flat[Self.periods - 1].minimum < -0.5)
      #expect(flat[0].quantile(0.5) == reference[0].quantile(0.5))
    }
  }

  /// Merging splits with paths still staged on either side gives the whole run's state, and
  /// `==` does not depend on how many paths happen to be staged.
  @Test func mergeOfSplitsEqualsTheWhole() {
    let paths = Self.paths(2 * PathHistograms.batch + 40, seed: 7)
    let whole = Self.flat(paths), reference = Self.reference(paths)
    for cut in [0, 1, 33, PathHistograms.batch, PathHistograms.batch + 1, paths.count] {
      var left = Self.flat(Array(paths[..<cut]))
      left.merge(Self.flat(Array(paths[cut...])))
      #expect(left == whole)
      var right = Self.flat(Array(paths[cut...]))
      right.merge(Self.flat(Array(paths[..<cut])))
      #expect(right == whole)
      for t in 0..<Self.periods { #expect(right[t] == reference[t]) }
    }
    // A different path set must compare unequal, staged or binned.
    var other = Self.flat(Array(paths.dropLast()))
    #expect(other != whole)
    other.merge(Self.flat([paths[paths.count - 1].map { $0 + 0.1 }]))
    #expect(other != whole)
  }
  /// A fan that is normally read off another's starts with no window and no staging area, and
  /// still holds exactly what a pre-sized one holds once paths are added or merged in.
  @Test func unsizedHistogramsEqualPresizedOnes() throws {
    let paths = Self.paths(300, seed: 41)
    var unsized = PathHistograms(periods: Self.periods, layout: Self.layout, presized: false)
    #expect(unsized == PathHistograms(periods: Self.periods, layout: Self.layout))
    #expect(unsized.allSatisfy { $0.count == 0 })
    for path in paths { path.withUnsafeBufferPointer { unsized.add(path: $0.baseAddress!) } }
    #expect(unsized == Self.flat(paths))
    var merged = PathHistograms(periods: Self.periods, layout: Self.layout, presized: false)
    merged.merge(Self.flat(Array(paths[..<100])))
    merged.merge(Self.flat(Array(paths[100...])))
    #expect(merged == Self.flat(paths))
    for t in 0..<Self.periods { #expect(merged[t] == Self.reference(paths)[t]) }
  }
}
