import Foundation
import Yams

/// A YAML node with the key path that leads to it, for messages.
struct YAMLValue {
  let node: Node
  /// `services[3].unit_cost`; empty for the document root.
  package let path: String

  /// 1-based line of the node in the file.
  package var line: Int? { node.mark?.line }

  /// An empty value, `~` or `null` written without quotes.
  var isNull: Bool {
    guard case .scalar(let s) = node, s.style == .plain || s.style == .any else { return false }
    return ["", "~", "null", "Null", "NULL"].contains(s.string)
  }

  /// The scalar's text, if the node is a scalar.
  package var text: String? {
    if case .scalar(let s) = node { return s.string }
    return nil
  }

  /// What the node is, for "expected …, found …" messages: plain scalars as written,
  /// quoted ones in quotes, collections by kind.
  package var found: String {
    switch node {
    case .scalar(let s):
      if isNull { return "nothing" }
      let text = YAMLValue.escaped(s.string.count > 40 ? String(s.string.prefix(40)) + "…" : s.string)
      return s.style == .plain || s.style == .any ? text : "'\(text)'"
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    }
  }

  /// `text` with control characters written as escapes (`\\n`, `\\t`, `\\u{…}`), so that a
  /// value echoed in a message stays on its line and cannot forge another `file:line:` line.
  static func escaped(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" })
    else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}":
        out += "\\u{\(String(scalar.value, radix: 16))}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// The line of the value at key path `path` (`a.b[2].c`) below this node, or of the
  /// deepest node on the way that exists.
  package func line(atPath path: String) -> Int? {
    var node = self.node
    var line = self.line
    for component in path.split(separator: ".") {
      var key = Substring(component)
      var indices: [Int] = []
      while key.hasSuffix("]"), let open = key.lastIndex(of: "[") {
        guard let i = Int(key[key.index(after: open)..<key.index(before: key.endIndex)]) else { break }
        indices.insert(i, at: 0)
        key = key[..<open]
      }
      guard let child = node.mapping?[String(key)] else { return line }
      node = child
      line = child.mark?.line ?? line
      for i in indices {
        guard let items = node.sequence, i >= 0, i < items.count else { return line }
        node = items[i]
        line = node.mark?.line ?? line
      }
    }
    return line
  }

  package func path(key: String) -> String { path.isEmpty ? key : path + "." + key }
  package func path(index: Int) -> String { path + "[\(index)]" }
}

/// One `key: value` pair of a mapping, with the key's line.
struct YAMLEntry {
  package let key: String
  let keyLine: Int?
  package let value: YAMLValue
}

/// What a number must satisfy, and how to say so.
struct NumberRule: Sendable {
  /// Completes "expected …", e.g. `a finite number >= 0`.
  let expectation: String
  let accepts: @Sendable (Double) -> Bool

  package static let finite = NumberRule(expectation: "a finite number") { $0.isFinite }
  static let nonNegative = NumberRule(expectation: "a finite number >= 0") { $0.isFinite && $0 >= 0 }
  package static let positive = NumberRule(expectation: "a finite number > 0") { $0.isFinite && $0 > 0 }
  static let aboveMinusOne = NumberRule(expectation: "a finite number > -1") { $0.isFinite && $0 > -1 }
  static let atMostOne = NumberRule(expectation: "a finite number <= 1") { $0.isFinite && $0 <= 1 }
  package static let probability = NumberRule(expectation: "a probability in [0, 1]") { $0 >= 0 && $0 <= 1 }
  package static let correlation = NumberRule(expectation: "a correlation in [-1, 1]") { $0 >= -1 && $0 <= 1 }

  /// Every number of a scenario lies in this envelope, whatever its rule: the engine
  /// multiplies a handful of them (people × rate × unit cost × factors) and sums the
  /// products exactly in fixed point, so a value near the ends of the `Double` range
  /// (1e308, 5e-324) could only overflow, underflow to 0 or trap. No real budget needs
  /// more than 15 orders of magnitude either way.
  static let envelopeMaximum = 1e15
  static let envelopeMinimum = 1e-12
  static let envelopeText = "(every number in a scenario is 0 or of size from 1e-12 to 1e15)"
  static func withinEnvelope(_ x: Double) -> Bool {
    x == 0 || (abs(x) >= envelopeMinimum && abs(x) <= envelopeMaximum)
  }
}

/// Reads a composed YAML tree and records every problem it meets as a ``ScenarioIssue``.
///
/// Each accessor returns `nil` after recording an issue (or, for optional keys, when the key
/// is absent), so callers can read every field of an item, report all problems, and only
/// then give up on the item.
final class YAMLReader {
  package let file: String
  private(set) var issues: [ScenarioIssue] = []
  /// The issues already recorded, so that a repeat is dropped in O(1), not O(issues).
  private var recorded: Set<ScenarioIssue> = []

  package init(file: String) { self.file = file }

  // MARK: Reporting

  package func report(path: String, line: Int?, _ message: String) {
    let issue = ScenarioIssue(file: file, line: line, path: path, message: message)
    if recorded.insert(issue).inserted { issues.append(issue) }
  }

  package func report(_ value: YAMLValue, _ message: String) {
    report(path: value.path, line: value.line, message)
  }

  /// The issues in file order; issues without a line keep their relative order at the end.
  var sortedIssues: [ScenarioIssue] {
    issues.enumerated()
      .sorted { ($0.element.line ?? .max, $0.offset) < ($1.element.line ?? .max, $1.offset) }
      .map(\.element)
  }

  // MARK: Document

  /// Composes the document, turning a YAML syntax error into an issue with its line.
  func compose(yaml: String) -> YAMLValue? {
    do {
      guard let node = try Yams.compose(yaml: yaml) else {
        report(
          path: "", line: nil,
          "the file is empty; expected a mapping with name, horizon, segments, services and budget")
        return nil
      }
      return YAMLValue(node: node, path: "")
    } catch let error as YamlError {
      reportSyntax(error, yaml: yaml)
    } catch {
      report(path: "", line: nil, "invalid YAML: \(error)")
    }
    return nil
  }

  private func reportSyntax(_ error: YamlError, yaml: String) {
    let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
    func at(_ mark: Mark) -> String { "invalid YAML at column \(mark.column)" }
    func explained(_ context: YamlError.Context?, _ problem: String, _ mark: Mark) -> String {
      let line = mark.line >= 1 && mark.line <= lines.count ? lines[mark.line - 1] : ""
      let column = max(mark.column - 1, 0)
      let character = line.count > column ? line[line.index(line.startIndex, offsetBy: column)] : nil
      let opened = context.map { " (opened at line \($0.mark.line))" } ?? ""
      switch problem {
      case "found character that cannot start any token":
        if character == "\t" || line.prefix(column + 1).contains("\t") {
          return "\(at(mark)): a tab; YAML indents with spaces only"
        }
        return "\(at(mark)): \(character.map { "'\(YAMLValue.escaped(String($0)))'" } ?? "this character") cannot start a value (quote the value)"
      case "mapping values are not allowed in this context":
        return "\(at(mark)): an unexpected ':' (quote a value that contains ': ', or check this line's indentation)"
      case "found unexpected end of stream":
        return "\(at(mark)): the file ends inside a value\(opened) (a quote or bracket is not closed)"
      case "did not find expected ',' or ']'":
        return "\(at(mark)): expected ',' or ']' in the list\(opened)"
      case "did not find expected ',' or '}'":
        return "\(at(mark)): expected ',' or '}' in the mapping\(opened)"
      case "did not find expected key":
        return "\(at(mark)): expected a key at this indentation\(opened) (check the indentation)"
      case "did not find expected '-' indicator":
        return "\(at(mark)): expected a list entry '- …' at this indentation\(opened) (a list and a mapping cannot share a level)"
      case "found undefined alias":
        return "\(at(mark)): an alias '*…' to an anchor '&…' that is not defined above"
      default:
        return "\(at(mark)): \(problem)\(opened)"
      }
    }
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      report(path: "", line: mark.line, explained(context, problem, mark))
    case .reader(let problem, let offset, _, _):
      let line = offset.map { o in yaml.utf8.prefix(o).reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 } }
      report(path: "", line: line, "not readable as YAML text: \(problem) (is it UTF-8 text?)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      let keys = duplicates.map { "'\(YAMLValue.escaped("\($0)"))'" }.joined(separator: ", ")
      report(path: "", line: context.mark.line, "invalid YAML: the key \(keys) appears twice in one mapping")
    default:
      report(path: "", line: nil, "invalid YAML: \(error)")
    }
  }

  // MARK: Collections

  /// The mapping's entries after checking every key against `keys`; unknown keys are
  /// reported with a did-you-mean (or the list of allowed keys).
  func mapping(_ value: YAMLValue, keys: [String]) -> YAMLMapping? {
    guard let entries = entries(value) else { return nil }
    var known: [YAMLEntry] = []
    var suggested: Set<String> = []
    for entry in entries {
      if keys.contains(entry.key) {
        known.append(entry)
        continue
      }
      let suggestion = DidYouMean.suggestion(for: entry.key, among: keys)
      if let suggestion { suggested.insert(suggestion) }
      let hint =
        suggestion.map { " (did you mean '\($0)'?)" } ?? " (expected one of: \(keys.joined(separator: ", ")))"
      report(path: entry.value.path, line: entry.keyLine, "unknown key '\(YAMLValue.escaped(entry.key))'\(hint)")
    }
    return YAMLMapping(value: value, entries: known, suggested: suggested, reader: self)
  }

  /// The entries of a mapping whose keys are names (segments, pools, …), not fixed keys.
  package func entries(_ value: YAMLValue) -> [YAMLEntry]? {
    guard case .mapping(let mapping) = value.node else {
      report(value, "expected a mapping, found \(value.found)")
      return nil
    }
    var result: [YAMLEntry] = []
    for (keyNode, valueNode) in mapping {
      guard case .scalar(let key) = keyNode else {
        report(
          path: value.path, line: keyNode.mark?.line,
          "expected a plain key, found a \(keyNode.mapping != nil ? "mapping" : "list")")
        continue
      }
      result.append(
        YAMLEntry(
          key: key.string, keyLine: keyNode.mark?.line,
          value: YAMLValue(node: valueNode, path: value.path(key: key.string))))
    }
    return result
  }

  /// The items of a list, with `path[i]` key paths.
  package func list(_ value: YAMLValue, nonEmpty: Bool = false) -> [YAMLValue]? {
    guard case .sequence(let sequence) = value.node else {
      report(value, "expected a list, found \(value.found)")
      return nil
    }
    if nonEmpty && sequence.isEmpty {
      report(value, "expected at least one entry, found an empty list")
      return nil
    }
    return sequence.enumerated().map { YAMLValue(node: $1, path: value.path(index: $0)) }
  }

  // MARK: Scalars

  /// Any non-null scalar, as text.
  package func string(_ value: YAMLValue, nonEmpty: Bool = true) -> String? {
    guard let text = value.text, !value.isNull else {
      report(value, "expected a text value, found \(value.found)")
      return nil
    }
    // Control characters (other than tab and line breaks) have no place in a name or a
    // description, and would be invisible or garble a terminal in the reports.
    if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !"\t\n\r".unicodeScalars.contains($0) }) {
      report(value, "expected text without control characters, found \(value.found)")
      return nil
    }
    if nonEmpty && text.trimmingCharacters(in: .whitespaces).isEmpty {
      report(value, "expected a non-empty text value")
      return nil
    }
    return text
  }

  /// A name of letters, digits, `_` and `-`.
  package func identifier(_ value: YAMLValue) -> String? {
    guard let text = string(value) else { return nil }
    let valid = text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    guard valid else {
      report(value, "expected a name of letters, digits, _ and -, found '\(YAMLValue.escaped(text))'")
      return nil
    }
    return text
  }

  /// A number written without quotes (`.inf` and `.nan` are read, then rejected by most rules).
  package func number(_ value: YAMLValue, _ rule: NumberRule) -> Double? {
    guard case .scalar(let s) = value.node, !value.isNull, let x = Double.construct(from: s) else {
      report(value, "expected \(rule.expectation), found \(value.found)")
      return nil
    }
    guard rule.accepts(x) else {
      report(value, "expected \(rule.expectation), found \(value.found)")
      return nil
    }
    guard NumberRule.withinEnvelope(x) else {
      report(value, "expected \(rule.expectation) \(NumberRule.envelopeText), found \(value.found)")
      return nil
    }
    return x
  }

  /// A whole number in `minimum...maximum`.
  func integer(_ value: YAMLValue, minimum: Int, maximum: Int? = nil) -> Int? {
    let expectation =
      maximum.map { "a whole number from \(minimum) to \($0)" } ?? "a whole number >= \(minimum)"
    guard case .scalar(let s) = value.node, !value.isNull, let x = Double.construct(from: s),
      x.isFinite, x == x.rounded(), abs(x) < 9.0e15
    else {
      report(value, "expected \(expectation), found \(value.found)")
      return nil
    }
    let n = Int(x)
    guard n >= minimum, n <= (maximum ?? .max) else {
      report(value, "expected \(expectation), found \(value.found)")
      return nil
    }
    return n
  }

  /// `true` or `false` (also `yes`/`no`, `on`/`off`).
  func bool(_ value: YAMLValue) -> Bool? {
    guard case .scalar(let s) = value.node, s.style == .plain || s.style == .any,
      let b = Bool.construct(from: s)
    else {
      report(value, "expected true or false, found \(value.found)")
      return nil
    }
    return b
  }

  /// One of `options`, with a did-you-mean when the text is close to one.
  package func choice(_ value: YAMLValue, among options: [String]) -> String? {
    guard let text = value.text, !value.isNull else {
      report(value, "expected \(Self.alternatives(options)), found \(value.found)")
      return nil
    }
    guard options.contains(text) else {
      report(
        value,
        "expected \(Self.alternatives(options)), found '\(YAMLValue.escaped(text))'\(DidYouMean.hint(for: text, among: options))"
      )
      return nil
    }
    return text
  }

  /// A case of a string-backed enum, by raw value.
  package func choice<E: RawRepresentable & CaseIterable>(_ value: YAMLValue, as type: E.Type) -> E?
  where E.RawValue == String {
    choice(value, among: E.allCases.map(\.rawValue)).flatMap(E.init(rawValue:))
  }

  /// A list of numbers, each checked against `rule`; every bad entry is reported.
  package func numbers(_ value: YAMLValue, _ rule: NumberRule, nonEmpty: Bool = true) -> [Double]? {
    guard let items = list(value, nonEmpty: nonEmpty) else { return nil }
    let parsed = items.map { number($0, rule) }
    return parsed.contains { $0 == nil } ? nil : parsed.compactMap { $0 }
  }

  /// `a, b or c`.
  static func alternatives(_ options: [String]) -> String {
    guard options.count > 1 else { return options.first ?? "" }
    return options.dropLast().joined(separator: ", ") + " or " + options[options.count - 1]
  }
}

/// A mapping whose keys have been checked, with accessors that record problems.
struct YAMLMapping {
  package let value: YAMLValue
  package let entries: [YAMLEntry]
  /// Keys suggested for misspelt ones: a missing required key among them is not reported
  /// again (the did-you-mean already says it).
  let suggested: Set<String>
  let reader: YAMLReader

  package var path: String { value.path }

  /// The value for `key`, or nil when the key is absent or has no value (`key:` or `key: ~`).
  func optional(_ key: String) -> YAMLValue? {
    guard let entry = entries.first(where: { $0.key == key }), !entry.value.isNull else { return nil }
    return entry.value
  }

  /// Whether `key` is given with a value.
  package func has(_ key: String) -> Bool { optional(key) != nil }

  /// The value for `key`, reporting it as missing when absent or empty.
  func required(_ key: String, _ note: String = "") -> YAMLValue? {
    if let v = optional(key) { return v }
    let present = entries.contains { $0.key == key }
    if !present && suggested.contains(key) { return nil }
    let message = present ? "'\(key)' has no value" : "missing required key '\(key)'"
    // An empty value is reported at its key's line; a missing key at its mapping's.
    reader.report(path: value.path(key: key), line: present ? keyLine(key) : value.line, message + note)
    return nil
  }

  /// The line of the key itself (for messages about the entry as a whole).
  func keyLine(_ key: String) -> Int? { entries.first { $0.key == key }?.keyLine }

  // Shorthands: absent → `default`; present → parsed, or nil after an issue.

  package func number(_ key: String, _ rule: NumberRule, default fallback: Double) -> Double? {
    guard let v = optional(key) else { return fallback }
    return reader.number(v, rule)
  }

  package func number(_ key: String, _ rule: NumberRule) -> Double? {
    required(key).flatMap { reader.number($0, rule) }
  }

  func integer(_ key: String, minimum: Int, maximum: Int? = nil, default fallback: Int) -> Int? {
    guard let v = optional(key) else { return fallback }
    return reader.integer(v, minimum: minimum, maximum: maximum)
  }

  package func string(_ key: String, default fallback: String, nonEmpty: Bool = true) -> String? {
    guard let v = optional(key) else { return fallback }
    return reader.string(v, nonEmpty: nonEmpty)
  }

  func bool(_ key: String, default fallback: Bool) -> Bool? {
    guard let v = optional(key) else { return fallback }
    return reader.bool(v)
  }

  package func choice<E: RawRepresentable & CaseIterable>(_ key: String, as type: E.Type, default fallback: E) -> E?
  where E.RawValue == String {
    guard let v = optional(key) else { return fallback }
    return reader.choice(v, as: type)
  }
}
