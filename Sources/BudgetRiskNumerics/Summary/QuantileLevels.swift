/// The probability levels at which distributions are reported.
///
/// The design standard (docs/output-format.md): drift quantiles at 1, 5, 10, 25, 50, 75, 90, 95 and
/// 99 %; VaR and TVaR of the overspend at 90, 95 and 99 %.
public enum QuantileLevels {
  /// Levels of the reported quantiles (drift, fan chart), ascending.
  public static let reported: [Double] = [0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99]

  /// Levels of the reported tail measures (VaR and TVaR), ascending.
  public static let tail: [Double] = [0.90, 0.95, 0.99]
}
