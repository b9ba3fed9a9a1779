import Foundation

/// Number formats shared by every text the tool writes (tables, the HTML report, `explain`,
/// the scenario's assumptions in words): percentages, compact money and whole numbers with
/// thousands separators. Locale-independent, so output is reproducible.
///
/// In the model layer, the lowest that writes text for people, so that the scenario's own
/// words (``ScenarioAssumptions``) and the reports share one formatter; the reports add the
/// formats of their figures (a probability with its interval) in an extension.
package enum ReportFormat {
  /// `0.0625` → `6.3 %` (two decimals below 0.1 %, none for whole percentages).
  package static func percent(_ x: Double, digits: Int? = nil) -> String {
    guard x.isFinite else { return x.isNaN ? "–" : (x > 0 ? "∞" : "−∞") }
    return percentNumber(x, digits: digits) + " %"
  }

  /// The number of a percentage without its sign: `0.0625` → `6.3`.
  package static func percentNumber(_ x: Double, digits: Int? = nil) -> String {
    guard x.isFinite else { return x.isNaN ? "–" : (x > 0 ? "∞" : "−∞") }
    // Rounded to 1e−9 first, so that 0.15 × 100 = 15.000000000000002 counts as whole.
    let p = (x * 100 * 1e9).rounded() / 1e9
    let d = digits ?? (p == p.rounded() ? 0 : (abs(p) < 0.1 ? 2 : 1))
    return minus(String(format: "%.\(d)f", p == 0 ? 0 : p))
  }

  /// A margin such as `0.025` → `2.5 %`, without trailing zeros.
  package static func margin(_ m: Double) -> String {
    let p = (m * 100 * 1e6).rounded() / 1e6
    return (p == p.rounded() && abs(p) < 1e15 ? "\(Int(p))" : "\(p)") + " %"
  }

  /// Signed percentage for drift: `+1.4 %`, `−11.8 %`.
  package static func signedPercent(_ x: Double, digits: Int = 1) -> String {
    signedPercentNumber(x, digits: digits) + " %"
  }

  /// A probability as a percentage with one decimal (two below 0.1 %), so that a column of
  /// them lines up: `47.3 %`, `0.0 %`, `0.05 %`.
  package static func probabilityPercent(_ x: Double) -> String {
    percent(x, digits: probabilityDigits(x))
  }

  package static func probabilityDigits(_ x: Double) -> Int {
    let p = abs(x * 100)
    return p > 0 && p < 0.095 ? 2 : 1
  }

  /// A signed percentage number without the unit: `+1.42`, `−11.80`.
  package static func signedPercentNumber(_ x: Double, digits: Int = 2) -> String {
    guard x.isFinite else { return percentNumber(x) }
    let text = String(format: "%.\(digits)f", abs(x * 100))
    // No sign on a value that rounds to zero: `0.00`, not `−0.00`.
    if Double(text) == 0 { return text }
    return (x < 0 ? "−" : "+") + text
  }

  /// A typographic minus sign for negative numbers.
  package static func minus(_ text: String) -> String {
    text.replacingOccurrences(of: "-", with: "−")
  }

  /// Compact money in the scenario's currency: `GBP 12.34m`, `GBP 845.2k`, `GBP 90`.
  package static func money(_ x: Double, _ currency: String) -> String {
    guard x.isFinite else { return "\(currency) \(percentNumber(x))" }
    let a = abs(x)
    let text: String
    switch a {
    // Past a thousand billion, powers of ten: never a 300-digit number.
    case 1e15...: text = String(format: "%.2fe%d", x / pow(10, floor(log10(a))), Int(floor(log10(a))))
    case 1e12...: text = String(format: "%.2ftn", x / 1e12)
    case 1e9...: text = String(format: "%.2fbn", x / 1e9)
    case 1e6...: text = String(format: "%.2fm", x / 1e6)
    case 1e3...: text = String(format: "%.1fk", x / 1e3)
    default: text = String(format: "%.0f", x)
    }
    return "\(currency) \(minus(text))"
  }

  /// Compact money without the currency: `12.34m`, `845.2k`.
  package static func compactMoney(_ x: Double) -> String {
    String(money(x, "").dropFirst())
  }

  /// A whole number with thousands separators: `20000` → `20,000`.
  package static func grouped(_ x: Double) -> String {
    guard x.isFinite else { return "–" }  // undefined: never "nan" in a report
    let negative = x < 0
    var digits = String(format: "%.0f", abs(x))
    var out = ""
    while digits.count > 3 {
      out = "," + digits.suffix(3) + out
      digits.removeLast(3)
    }
    return (negative ? "−" : "") + digits + out
  }

  package static func grouped(_ n: Int) -> String { grouped(Double(n)) }

  /// A plain number with up to `digits` significant decimals and no trailing zeros: 0.035, 1.2, 150.
  package static func plain(_ x: Double, significant digits: Int = 4) -> String {
    guard x.isFinite else { return "–" }  // undefined: never "nan" in a report
    let x = abs(x) < 1e6 ? (x * 1e9).rounded() / 1e9 : x
    if x == x.rounded() && abs(x) < 1e15 { return abs(x) >= 10_000 ? grouped(x) : String(Int(x)) }
    var text = String(format: "%.\(digits)g", x)
    if text.contains("e") { return text }
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return minus(text)
  }

  /// The unit a money axis is labelled in: the divisor and its suffix (`m` for millions).
  package static func moneyUnit(forMagnitude a: Double) -> (divisor: Double, suffix: String, words: String) {
    switch abs(a) {
    case 1e9...: return (1e9, "bn", "billions")
    case 1e6...: return (1e6, "m", "millions")
    case 1e3...: return (1e3, "k", "thousands")
    default: return (1, "", "")
    }
  }

  /// Elapsed or remaining time: `0:07`, `12:05`, `1:02:03`.
  package static func duration(_ seconds: Double, rounding: FloatingPointRoundingRule = .toNearestOrAwayFromZero) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "–:––" }
    let s = Int(seconds.rounded(rounding))
    let (h, m, r) = (s / 3600, (s / 60) % 60, s % 60)
    return h > 0 ? String(format: "%d:%02d:%02d", h, m, r) : String(format: "%d:%02d", m, r)
  }
}
