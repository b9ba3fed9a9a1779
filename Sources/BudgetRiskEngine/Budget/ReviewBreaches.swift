/// One path's reviews out of tolerance, by direction: at each review the funder compares the
/// year-to-date spend with the year-to-date budget, and a drift above `+tolerance` is an
/// overspend breach, one below `−tolerance` an underspend breach.
///
/// Kept apart because the two mean opposite things: an overspend breach is the instability a
/// funder fears, an underspend breach is money held back (and the union of the two, the old
/// `toleranceBreached`, counted a comfortable underspend as instability).
package struct ReviewBreaches: Sendable, Equatable {
  /// Reviews whose year-to-date drift was above `+tolerance`, and below `−tolerance`.
  package var overspendReviews = 0
  package var underspendReviews = 0
  /// The period (0-based, the review's last period) of the first overspend breach and of the
  /// first underspend breach; −1 when there was none.
  package var firstOverspend = -1
  package var firstUnderspend = -1

  package init() {}

  /// Counts the review ending in period `t` with year-to-date `drift`. A drift of exactly
  /// ±tolerance is inside it (as before: `|drift| > tolerance` was a breach).
  @inline(__always)
  package mutating func review(drift: Double, tolerance: Double, period t: Int) {
    if drift > tolerance {
      overspendReviews += 1
      if firstOverspend < 0 { firstOverspend = t }
    } else if drift < -tolerance {
      underspendReviews += 1
      if firstUnderspend < 0 { firstUnderspend = t }
    }
  }

  package var overspend: Bool { overspendReviews > 0 }
  package var underspend: Bool { underspendReviews > 0 }
  /// Out of tolerance in either direction at some review.
  package var any: Bool { overspend || underspend }
  package var reviewsOutOfTolerance: Int { overspendReviews + underspendReviews }
  /// The period of the first review out of tolerance in either direction; −1 when none.
  package var firstAny: Int {
    firstOverspend < 0 ? firstUnderspend : (firstUnderspend < 0 ? firstOverspend : min(firstOverspend, firstUnderspend))
  }
}
