import Foundation

/// Standard normal critical values for the summaries' confidence intervals.
///
/// The common two-sided levels (0.90, 0.95, 0.99) are hard-coded to the correctly
/// rounded `Double` of `Φ⁻¹((1 + c) / 2)`, so the reported intervals do not depend on
/// an approximation; any other level goes through ``StandardNormal/quantile(_:)``
/// (Wichura's AS241, accurate to about 1 part in 10¹⁶), the one inverse normal of the code.
package enum CriticalValue {
  /// The 95 % two-sided value, 1.959963984540054: every 95 % interval of the reports.
  package static let z95 = twoSided(confidence: 0.95)

  /// `z` with `P(|Z| ≤ z) = confidence` for a standard normal `Z`.
  ///
  /// - Parameter confidence: a level in (0, 1).
  /// - Complexity: O(1).
  static func twoSided(confidence: Double) -> Double {
    precondition(confidence > 0 && confidence < 1, "confidence must lie in (0, 1)")
    switch confidence {
    case 0.95: return 1.959963984540054
    case 0.90: return 1.6448536269514722
    case 0.99: return 2.5758293035489004
    default: return -StandardNormal.quantile((1 - confidence) / 2)
    }
  }
}
