import BudgetRiskNumerics

/// Instability by direction for one scope, accumulated exactly and mergeably: how often a
/// review finds the year-to-date drift above `+tolerance` (overspend) or below `−tolerance`
/// (underspend), how many reviews a path has out of tolerance, and in which period the
/// first breach falls.
///
/// The first-breach distribution is kept as integer counts per period (`T` each), so it
/// merges exactly in any order and costs one increment per breaching path; the paths with no
/// breach are the trials (`overspend.trials`) less the counts.
package struct BreachAccumulator: Sendable, Equatable {
  package var overspend = ProportionCounter()
  package var underspend = ProportionCounter()
  /// Reviews out of tolerance (either direction) per path.
  package var reviewsOutOfTolerance = MeanAccumulator()
  /// Per period: paths whose first breach in either direction, first overspend breach and
  /// first underspend breach fell at the review ending in that period.
  package var firstAny: [UInt64]
  package var firstOverspend: [UInt64]
  package var firstUnderspend: [UInt64]

  package init(periods: Int) {
    // Three buffers made apart (not copies of one), so that no first write in a worker's
    // run copies one: nothing is allocated once the run has started.
    firstAny = Array(repeating: 0, count: periods)
    firstOverspend = Array(repeating: 0, count: periods)
    firstUnderspend = Array(repeating: 0, count: periods)
  }

  @inline(__always)
  package mutating func add(_ b: ReviewBreaches) {
    overspend.add(b.overspend); underspend.add(b.underspend)
    reviewsOutOfTolerance.addCountingZero(Double(b.reviewsOutOfTolerance))
    let first = b.firstAny
    if first >= 0 { firstAny[first] &+= 1 }
    if b.firstOverspend >= 0 { firstOverspend[b.firstOverspend] &+= 1 }
    if b.firstUnderspend >= 0 { firstUnderspend[b.firstUnderspend] &+= 1 }
  }

  package mutating func merge(_ o: BreachAccumulator) {
    overspend.merge(o.overspend); underspend.merge(o.underspend)
    reviewsOutOfTolerance.merge(o.reviewsOutOfTolerance)
    for t in firstAny.indices {
      firstAny[t] &+= o.firstAny[t]; firstOverspend[t] &+= o.firstOverspend[t]; firstUnderspend[t] &+= o.firstUnderspend[t]
    }
  }

  /// Paths counted.
  package var trials: UInt64 { overspend.trials }
}

// Saved state (`run --state`, `merge`): exact integer counts and exact sums, so the
// compiler's conformance round-trips them.
extension BreachAccumulator: Codable {}

extension BreachAccumulator {
  /// Whether `self` and `o` were made for the same number of periods (see `RunAccumulator.hasShape`).
  func hasShape(of o: BreachAccumulator) -> Bool {
    firstAny.count == o.firstAny.count && firstOverspend.count == o.firstOverspend.count
      && firstUnderspend.count == o.firstUnderspend.count
  }
}
