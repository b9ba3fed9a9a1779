import Foundation
import Yams

/// One design of a pilot: a named variant of a scenario file's base document.
///
/// A design differs from its base only where it says so (pools, provider response and
/// reserve, review rules, interventions, segments, margins, …): see "Designs" in
/// `docs/scenario-format.md`.
public struct Design: Sendable {
  /// The design's name: `base` for the base document, else its `designs[i].name`.
  public var name: String
  public var description: String
  /// The design as a complete, validated scenario.
  public var scenario: Scenario

  public init(name: String, description: String, scenario: Scenario) {
    self.name = name; self.description = description; self.scenario = scenario
  }
}

extension ScenarioFile {
  /// The name of a file's base document as a design.
  package static let baseDesignName = "base"

  /// The designs of the scenario file at `path`.
  ///
  /// A file without a `designs:` list has one design, its base, named `base`. A file with a
  /// `designs:` list has exactly the designs it lists, each its overrides deep-merged onto the
  /// base document (the base itself is still reachable by name with ``loadDesign(path:named:)``).
  ///
  /// - Throws: ``ScenarioValidationError`` listing every problem in the base and in every
  ///   design; a design's problems name it, e.g. `designs[1].budget.provider.response`.
  package static func loadDesigns(path: String, limits: @escaping ScenarioLimitCheck) throws(ScenarioValidationError) -> [Design] {
    let file = try readDesignFile(path: path, limits: limits)
    return file.designs.isEmpty ? [file.base] : file.designs
  }

  /// One design of the file at `path` as a scenario: `name` nil or `base` is the base document.
  ///
  /// - Throws: ``ScenarioValidationError`` for any problem in the file (in any design), or an
  ///   unknown design name (with a did-you-mean).
  package static func loadDesign(path: String, named name: String?, limits: @escaping ScenarioLimitCheck) throws(ScenarioValidationError) -> Scenario {
    let file = try readDesignFile(path: path, limits: limits)
    guard let name, name != baseDesignName else { return file.base.scenario }
    if let design = file.designs.first(where: { $0.name == name }) { return design.scenario }
    let names = [baseDesignName] + file.designs.map(\.name)
    let message = "no design named '\(name)'\(DidYouMean.hint(for: name, among: names)) (designs: \(names.joined(separator: ", ")))"
    throw ScenarioValidationError(issues: [ScenarioIssue(file: path, line: nil, path: "designs", message: message)])
  }

  /// The base and the listed designs of a scenario given as YAML text.
  package static func parseDesigns(yaml: String, path: String, limits: @escaping ScenarioLimitCheck) throws(ScenarioValidationError) -> (base: Design, designs: [Design]) {
    let reader = YAMLReader(file: path)
    guard let root = reader.compose(yaml: yaml) else { throw ScenarioValidationError(issues: reader.sortedIssues) }
    let baseParser = ScenarioParser(path: path, limits: limits)
    let baseScenario = baseParser.parse(root: root)
    var issues = baseParser.reader.issues
    let reading = DesignReader(path: path, root: root, baseIssues: issues, limits: limits)
    let designs = reading.designs()
    issues += reading.reader.issues + reading.designIssues
    guard issues.isEmpty, var baseScenario else {
      throw ScenarioValidationError(issues: Self.sorted(issues))
    }
    // The text's bytes are the file's (it was read as UTF-8 and is re-encoded unchanged).
    let hash = SHA256.hex(Array(yaml.utf8))
    baseScenario.sourceSHA256 = hash
    let hashed = designs.map { d in
      var d = d
      d.scenario.sourceSHA256 = hash
      return d
    }
    return (Design(name: baseDesignName, description: baseScenario.description, scenario: baseScenario), hashed)
  }

  private static func readDesignFile(path: String, limits: @escaping ScenarioLimitCheck) throws(ScenarioValidationError) -> (base: Design, designs: [Design]) {
    try parseDesigns(yaml: try readText(path: path), path: path, limits: limits)
  }

  package static func sorted(_ issues: [ScenarioIssue]) -> [ScenarioIssue] {
    issues.enumerated()
      .sorted { ($0.element.line ?? .max, $0.offset) < ($1.element.line ?? .max, $1.offset) }
      .map(\.element)
  }
}

/// Reads a file's `designs:` list: checks each entry's keys, merges its overrides onto the
/// base document and parses the result with a fresh ``ScenarioParser``.
final class DesignReader {
  package let path: String
  package let root: YAMLValue
  /// Problems of the base document: a design that inherits them does not repeat them.
  let baseIssues: [ScenarioIssue]
  /// Problems with the list itself (keys, names); paths are `designs[i]…`.
  let reader: YAMLReader
  /// Problems of the merged designs, their paths prefixed with `designs[i].`.
  private(set) var designIssues: [ScenarioIssue] = []

  /// Keys of a design besides the scenario's own top-level keys (its overrides).
  static let ownKeys = ["name", "description", "segments_only"]
  package static var keys: [String] {
    ownKeys + ScenarioParser.topLevelKeys.filter { !["name", "description", "designs"].contains($0) }
  }

  /// The engine's limits, checked on every design (see ``ScenarioParser/limits``).
  package let limits: ScenarioLimitCheck

  package init(path: String, root: YAMLValue, baseIssues: [ScenarioIssue], limits: @escaping ScenarioLimitCheck) {
    self.path = path; self.root = root; self.baseIssues = baseIssues; self.limits = limits
    reader = YAMLReader(file: path)
  }

  package func designs() -> [Design] {
    guard case .mapping(let doc) = root.node,
      let listNode = doc.first(where: { $0.key.scalar?.string == "designs" })?.value
    else { return [] }
    let listValue = YAMLValue(node: listNode, path: "designs")
    guard !listValue.isNull, let items = reader.list(listValue, nonEmpty: true) else { return [] }
    let base = Self.removing(["designs"], from: root.node)
    var names = NameTable(kind: "design")
    var result: [Design] = []
    for (i, item) in items.enumerated() {
      guard let m = reader.mapping(item, keys: Self.keys) else { continue }
      let nameValue = m.required("name")
      var name = nameValue.flatMap { reader.identifier($0) }
      if let n = name, n == ScenarioFile.baseDesignName, let nameValue {
        reader.report(nameValue, "'base' names the file's base document; choose another design name")
        name = nil
      }
      names.add(name, at: nameValue, reader: reader)
      let description = m.string("description", default: "", nonEmpty: false)
      guard case .mapping(let entry) = item.node else { continue }
      let overrides = applyingListEdits(Self.removing(Self.ownKeys, from: .mapping(entry)), base: base, path: "designs[\(i)]")
      var merged = Self.merge(base, overrides)
      var complete = true
      if let only = m.optional("segments_only") {
        // A bad list is reported; the rest of the design is still checked, unrestricted.
        if let kept = segmentsOnly(only, in: merged) { merged = Self.keepingSegments(kept, in: merged) } else { complete = false }
      }
      let parser = ScenarioParser(path: path, limits: limits)
      let scenario = parser.parse(root: YAMLValue(node: merged, path: ""))
      let label = name.map { "design '\($0)': " } ?? ""
      for issue in parser.reader.issues where !baseIssues.contains(issue) {
        var shown = issue
        shown.path = issue.path.isEmpty ? "designs[\(i)]" : "designs[\(i)].\(issue.path)"
        shown.message = label + issue.message
        designIssues.append(shown)
      }
      if complete, let scenario, let name, let description, parser.reader.issues.isEmpty {
        result.append(Design(name: name, description: description, scenario: scenario))
      }
    }
    return result
  }

  // MARK: Merging

  /// `override` deep-merged onto `base`: mappings merge key by key (keys new to the base are
  /// added at the end), anything else — lists, scalars, `~` — replaces the base's value.
  package static func merge(_ base: Node, _ override: Node) -> Node {
    guard case .mapping(let b) = base, case .mapping(let o) = override else { return override }
    var pairs: [(Node, Node)] = []
    var used = Set<String>()
    for (key, value) in b {
      if let k = key.scalar?.string, let replacement = o.first(where: { $0.key.scalar?.string == k })?.value {
        pairs.append((key, merge(value, replacement)))
        used.insert(k)
      } else {
        pairs.append((key, value))
      }
    }
    for (key, value) in o where !(key.scalar.map { used.contains($0.string) } ?? false) {
      pairs.append((key, value))
    }
    return .mapping(Node.Mapping(pairs, b.tag, b.style, b.mark))
  }

  /// A mapping without the entries keyed `keys`.
  static func removing(_ keys: [String], from node: Node) -> Node {
    guard case .mapping(let m) = node else { return node }
    let pairs = m.filter { !keys.contains($0.key.scalar?.string ?? "") }.map { ($0.key, $0.value) }
    return .mapping(Node.Mapping(pairs, m.tag, m.style, m.mark))
  }

  // MARK: segments_only

  /// The segment names listed in `segments_only`, each checked against the merged document's
  /// segments (with a did-you-mean).
  private func segmentsOnly(_ value: YAMLValue, in merged: Node) -> Set<String>? {
    guard let items = reader.list(value, nonEmpty: true) else { return nil }
    let known = Self.segmentNames(in: merged)
    var kept = Set<String>()
    var failed = false
    for item in items {
      guard let name = reader.identifier(item) else { failed = true; continue }
      guard known.contains(name) else {
        reader.report(item, "unknown segment '\(name)'\(DidYouMean.hint(for: name, among: known))")
        failed = true
        continue
      }
      kept.insert(name)
    }
    return failed ? nil : kept
  }

  package static func segmentNames(in doc: Node) -> [String] {
    guard case .mapping(let m) = doc,
      case .sequence(let list)? = m.first(where: { $0.key.scalar?.string == "segments" })?.value
    else { return [] }
    return list.compactMap { item in
      guard case .mapping(let s) = item else { return nil }
      return s.first(where: { $0.key.scalar?.string == "name" })?.value.scalar?.string
    }
  }

  /// The document restricted to the segments `kept`: other segments leave the `segments`
  /// list, the `utilisation` mapping, and every nested `segments: [...]` list of names.
  static func keepingSegments(_ kept: Set<String>, in doc: Node) -> Node {
    let removed = Set(segmentNames(in: doc)).subtracting(kept)
    guard case .mapping(let m) = doc else { return doc }
    var pairs: [(Node, Node)] = []
    for (key, value) in m {
      switch (key.scalar?.string, value) {
      case ("segments", .sequence(let list)):
        let items = list.filter { item in
          guard case .mapping(let s) = item,
            let name = s.first(where: { $0.key.scalar?.string == "name" })?.value.scalar?.string
          else { return true }
          return !removed.contains(name)
        }
        pairs.append((key, .sequence(Node.Sequence(Array(items), list.tag, list.style, list.mark))))
      case ("utilisation", .mapping(let u)):
        let entries = u.filter { !removed.contains($0.key.scalar?.string ?? "") }.map { ($0.key, $0.value) }
        pairs.append((key, .mapping(Node.Mapping(entries, u.tag, u.style, u.mark))))
      default:
        pairs.append((key, droppingNestedSegments(removed, in: value)))
      }
    }
    return .mapping(Node.Mapping(pairs, m.tag, m.style, m.mark))
  }

  /// Removes the names in `removed` from every `segments: [name, …]` list below `node`.
  static func droppingNestedSegments(_ removed: Set<String>, in node: Node) -> Node {
    switch node {
    case .mapping(let m):
      let pairs = m.map { pair -> (Node, Node) in
        if pair.key.scalar?.string == "segments", case .sequence(let list) = pair.value {
          let items = list.filter { !removed.contains($0.scalar?.string ?? "") }
          return (pair.key, .sequence(Node.Sequence(Array(items), list.tag, list.style, list.mark)))
        }
        return (pair.key, droppingNestedSegments(removed, in: pair.value))
      }
      return .mapping(Node.Mapping(pairs, m.tag, m.style, m.mark))
    case .sequence(let s):
      return .sequence(Node.Sequence(Array(s.map { droppingNestedSegments(removed, in: $0) }), s.tag, s.style, s.mark))
    default:
      return node
    }
  }
}
