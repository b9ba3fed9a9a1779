/// Escaping for text and attribute values in the HTML report and its inline SVG.
///
/// The report is written as polyglot markup (every element closed, every attribute quoted),
/// so it parses both as HTML and as XML; the tests read it with an XML parser.
enum HTMLText {
  /// Escapes `&`, `<`, `>`, `"` and `'`.
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for c in text {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(c)
      }
    }
    return out
  }

  /// A token safe in an `id` or `class`: letters and digits kept, everything else `-`.
  static func identifier(_ text: String) -> String {
    String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? Character($0.lowercased()) : "-" })
  }

  /// A coordinate in SVG: at most two decimals, no trailing zeros, no exponent.
  static func coordinate(_ x: Double) -> String {
    guard x.isFinite else { return "0" }
    let r = (x * 100).rounded() / 100
    if r == r.rounded() { return String(Int(r)) }
    var text = String(r)
    if text.contains("e") { text = String(Int(r.rounded())) }
    return text
  }
}
