import BudgetRiskModel
import BudgetRiskStudies

/// The formats of the figures themselves, on the one number formatter (``ReportFormat``,
/// in the model layer).
extension ReportFormat {
  /// A probability's interval without the unit: `[5.3–7.4]`, both ends to the same digits;
  /// an upper end too small to show is `<0.01` (no events in 100,000 still has an upper bound).
  package static func probabilityInterval(_ p: Probability) -> String {
    let digits = probabilityDigits(p.upper)
    let upper = p.upper > 0 && p.upper < 0.00005 ? "<0.01" : percentNumber(p.upper, digits: digits)
    return "[\(percentNumber(p.lower, digits: digits))–\(upper)]"
  }

  /// A probability with its interval: `6.2 % [5.3–7.4]`.
  package static func probability(_ p: Probability) -> String {
    "\(probabilityPercent(p.estimate)) \(probabilityInterval(p))"
  }
}
