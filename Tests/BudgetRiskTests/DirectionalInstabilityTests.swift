import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies

/// Instability by direction on hand-worked paths (the ledger of ``BudgetLedgerTests``: one
/// pool, a budget of 100 a month for 12 months, no reserve, reviews every 3 months against a
/// ±5 % tolerance of the year-to-date drift of spend). Every figure is worked by hand; the
/// drifts at the reviews are at least 5 points from the tolerance, far beyond the profile's
/// rounding (a few ulps), so the counts are exact.
@Suite struct DirectionalInstabilityTests {
  /// Need per month: on budget for months 1–3, 80 in months 4–6, 200 in months 7–9, 20 in
  /// months 10–12. Under absorb the year-to-date spend at the reviews is 300 / 300 (0),
  /// 540 / 600 (−10 %: underspend), 1,140 / 900 (+26.7 %: overspend), 1,200 / 1,200 (0).
  static func swinging(_ t: Int) -> (Double, Double) {
    switch t {
    case 0..<3: (50, 50)
    case 3..<6: (50, 30)
    case 6..<9: (50, 150)
    default: (10, 10)
    }
  }

  static func walk(_ response: ProviderResponse, need: @escaping (Int) -> (Double, Double)) throws -> ScopeOutcome {
    let (ledger, plan, _) = try BudgetLedgerTests.ledger(order: .proRata, need: need)
    return BudgetLedgerTests.walk(ledger, plan, response).scopes[0]
  }

  @Test func anUnderspendAndAnOverspendReviewAreCountedApart() throws {
    let b = try Self.walk(.absorb, need: Self.swinging).breaches
    #expect(b.overspendReviews == 1 && b.underspendReviews == 1 && b.reviewsOutOfTolerance == 2)
    #expect(b.firstUnderspend == 5 && b.firstOverspend == 8 && b.firstAny == 5)
    #expect(b.overspend && b.underspend && b.any)
  }

  /// Rationing holds spend to the budget: months 7–9 may spend 160, 100 and 100 (the
  /// year-to-date budget less what is spent), so the month-9 review is on budget (900 / 900)
  /// and month 12 is 960 / 1,200 (−20 %). The overspend breach becomes a second underspend.
  @Test func rationingTurnsTheOverspendBreachIntoNone() throws {
    let x = try Self.walk(.ration, need: Self.swinging)
    #expect(abs(x.spend - 960) < 1e-9)
    #expect(x.breaches.overspendReviews == 0 && x.breaches.underspendReviews == 2)
    #expect(x.breaches.firstUnderspend == 5 && x.breaches.firstOverspend == -1 && x.breaches.firstAny == 5)
    #expect(x.toleranceBreached && !x.breaches.overspend)
  }

  /// A comfortable underspend all year (need 90 a month, −10 % at every review) is no
  /// overspend breach; before the split it counted as "tolerance breached".
  @Test func aComfortableUnderspendIsNotAnOverspendBreach() throws {
    let x = try Self.walk(.absorb, need: { _ in (45, 45) })
    #expect(x.breaches.underspendReviews == 4 && x.breaches.overspendReviews == 0)
    #expect(x.breaches.firstUnderspend == 2 && !x.breaches.overspend)
    #expect(x.toleranceBreached)
  }

  /// Within tolerance (need 103 a month, +3 %): no breach either way; the same path at 106
  /// (+6 %) breaches overspend at every review.
  @Test func theToleranceIsABandAroundTheBudget() throws {
    let inside = try Self.walk(.absorb, need: { _ in (50, 53) }).breaches
    #expect(!inside.any && inside.firstAny == -1 && inside.reviewsOutOfTolerance == 0)
    let outside = try Self.walk(.absorb, need: { _ in (50, 56) }).breaches
    #expect(outside.overspendReviews == 4 && outside.firstOverspend == 2 && !outside.underspend)
  }

  /// The accumulator and the figures: two paths (the swinging one and the default path of
  /// ``BudgetLedgerTests``, overspend at months 9 and 12) under absorb give P(overspend
  /// breach) 1, P(underspend breach) ½, 2 reviews out of tolerance each, and first breaches
  /// at month 6 (swinging) and month 9 (default) — each ½ of the paths.
  @Test func theFiguresReadTheDirectionalCounts() throws {
    var acc: BreachAccumulator?
    for need in [Self.swinging, { t in (50.0, t < 6 ? 50.0 : 150.0) }] {
      let x = try Self.walk(.absorb, need: need)
      if acc == nil { acc = BreachAccumulator(periods: 12) }
      acc!.add(x.breaches)
    }
    // Merging with an empty accumulator changes nothing.
    var merged = BreachAccumulator(periods: 12)
    merged.merge(acc!)
    #expect(merged == acc!)
    let f = Instability(
      toleranceBreached: Probability(ProportionCounter()), reserveExhausted: Probability(ProportionCounter()),
      breaches: merged, tolerance: 0.05, reviewEvery: 3)
    #expect(f.reviews == 4 && f.firstBreach.map(\.period) == [2, 5, 8, 11])
    #expect(f.overspendBeyondTolerance.estimate == 1 && f.underspendBeyondTolerance.estimate == 0.5)
    #expect(f.reviewsOutOfTolerance.mean == 2)
    #expect(f.firstBreach.map(\.any.estimate) == [0, 0.5, 0.5, 0])
    #expect(f.firstBreach.map(\.overspend.estimate) == [0, 0, 1, 0])
    #expect(f.firstBreach.map(\.underspend.estimate) == [0, 0.5, 0, 0])
    // Each direction's first-breach shares sum to its probability of a breach.
    #expect(f.firstBreach.map(\.overspend.estimate).reduce(0, +) == f.overspendBeyondTolerance.estimate)
  }
}
