@_spi(HotPath) import BudgetRiskNumerics

/// A tile's values for the histograms whose buckets are scattered, held back so that each
/// histogram takes them all at once.
///
/// Added one walk at a time, the horizon drift, overspend and cost histograms and the per-year
/// cost and overspend histograms of every scope each missed the cache on nearly every add, one
/// miss after another with a walk's work between them (`perf`: 85 % of
/// `LogLinearQuantiles.add`'s samples on the bucket's load, 18 % of a server-scale run). Staged
/// per evaluation for a tile's rows and added in one loop per histogram
/// (``ScopeAccumulator/addStaged(_:count:step:)``, `LogLinearQuantiles.add(strided:…)`), the
/// misses overlap. A histogram's state does not depend on the order of its adds (integer
/// counts and position sums, the minimum and maximum), so the figures are the same to the bit.
///
/// Layout: row-major, `rows × scopes × width`, one row per walk; per scope the horizon drift,
/// overspend and cost of need, then the cost and the overspend of each budget year.
package final class HistogramStage {
  /// Offsets within a scope's values.
  static let drift = 0, overspend = 1, cost = 2, costByYear = 3
  @inline(__always)
  static func overspendByYear(years: Int) -> Int { costByYear + years }

  let scopes: Int, years: Int, width: Int, rows: Int
  private let storage: Buffer<Double>

  /// A stage for up to `rows` walks of a plan with `scopes` scopes and `years` budget years.
  package init(rows: Int, scopes: Int, years: Int) {
    self.rows = rows; self.scopes = scopes; self.years = years
    width = Self.costByYear + 2 * years
    storage = Buffer(rows * scopes * width)
  }

  /// Scope `s`'s values of walk `row`.
  @inline(__always)
  func values(row: Int, scope s: Int) -> Handle<Double> { storage.row(row * scopes + s, width: width) }

  /// Calls `body` with scope `s`'s first walk's values; the next walk's are `scopes × width` further on.
  @inline(__always)
  func withColumn<R>(scope s: Int, _ body: (UnsafePointer<Double>) -> R) -> R {
    storage.handle.slice(from: s * width, count: storage.count - s * width).withUnsafeBase(body)
  }
}

extension ScopeAccumulator {
  /// Adds `count` walks' staged values (``HistogramStage``), `step` apart, to the histograms
  /// ``record(_:scope:reference:gapThreshold:stage:)`` left them out of.
  mutating func addStaged(_ base: UnsafePointer<Double>, count n: Int, step: Int) {
    let years = overspentByYear.count
    driftDistribution.add(strided: base + HistogramStage.drift, count: n, step: step)
    overspendDistribution.add(strided: base + HistogramStage.overspend, count: n, step: step)
    if recordsCost {
      costDistribution.add(strided: base + HistogramStage.cost, count: n, step: step)
      for y in 0..<years {
        costDistributionByYear[y].add(strided: base + HistogramStage.costByYear + y, count: n, step: step)
      }
    }
    let overspend = base + HistogramStage.overspendByYear(years: years)
    for y in 0..<years { yearly.overspendDistribution[y].add(strided: overspend + y, count: n, step: step) }
  }
}

extension RunAccumulator {
  /// Adds the first `count` walks of `stage`, all recorded under evaluation `e`, to its histograms.
  package mutating func addStaged(_ stage: HistogramStage, count n: Int, evaluation e: Int) {
    evaluations[e].scopes.withUnsafeMutableBufferPointer { scopes in
      for s in scopes.indices {
        stage.withColumn(scope: s) { scopes[s].addStaged($0, count: n, step: stage.scopes * stage.width) }
      }
    }
  }
}
