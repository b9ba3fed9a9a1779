import Yams

/// List edits in a design: where the base has a list, a design may write a mapping of
/// `remove`, `replace` and `add` instead of the whole list, editing the base's entries by
/// name, so a design that drops one intervention does not copy (and quietly drift from)
/// every other entry:
///
/// ```yaml
/// interventions: {remove: [coordination]}
/// uncertainty: {factors: {replace: [{name: acute_demand, distribution: …}]}}
/// budget: {proposals: {add: [0.15]}}
/// ```
///
/// An entry's name is its `name` key (a mapping) or its text (a scalar, such as a margin).
/// `remove` (names) and `replace` (entries, each taking the place of the entry of its name)
/// must name existing entries, and `add` (entries, appended) new ones; each is checked with
/// a did-you-mean. They apply in that order: remove, replace, add.
extension DesignReader {
  static let editKeys = ["remove", "replace", "add"]

  /// `override` with every list edit replaced by the base's list so edited.
  func applyingListEdits(_ override: Node, base: Node?, path: String) -> Node {
    switch (override, base) {
    case (.mapping(let o), .sequence(let list)?) where Self.isEdit(o):
      return edited(list, by: o, path: path)
    case (.mapping(let o), .mapping(let b)?):
      let pairs = o.map { pair -> (Node, Node) in
        let key = pair.key.scalar?.string ?? ""
        let below = b.first { $0.key.scalar?.string == key }?.value
        return (pair.key, applyingListEdits(pair.value, base: below, path: "\(path).\(key)"))
      }
      return .mapping(Node.Mapping(pairs, o.tag, o.style, o.mark))
    default:
      return override
    }
  }

  /// A non-empty mapping whose keys are all edit keys.
  static func isEdit(_ m: Node.Mapping) -> Bool {
    !m.isEmpty && m.allSatisfy { editKeys.contains($0.key.scalar?.string ?? "") }
  }

  /// An entry's name: its `name` key, or a scalar's text.
  static func entryName(_ node: Node) -> String? {
    if case .mapping(let m) = node { return m.first { $0.key.scalar?.string == "name" }?.value.scalar?.string }
    return node.scalar?.string
  }

  private func edited(_ list: Node.Sequence, by edits: Node.Mapping, path: String) -> Node {
    var items = Array(list)
    func entries(_ key: String) -> [(Node, YAMLValue)] {
      guard let node = edits.first(where: { $0.key.scalar?.string == key })?.value else { return [] }
      let value = YAMLValue(node: node, path: "\(path).\(key)")
      guard case .sequence(let s) = node else {
        reader.report(value, "expected a list of entries to \(key)")
        return []
      }
      return s.enumerated().map { ($1, YAMLValue(node: $1, path: "\(path).\(key)[\($0)]")) }
    }
    func names() -> [String] { items.compactMap(Self.entryName) }
    func index(of node: Node, at value: YAMLValue, verb: String) -> Int? {
      guard let name = Self.entryName(node) else {
        reader.report(value, "expected an entry with a name to \(verb)")
        return nil
      }
      guard let i = items.firstIndex(where: { Self.entryName($0) == name }) else {
        reader.report(value, "no entry '\(name)' to \(verb) in the base's list\(DidYouMean.hint(for: name, among: names()))")
        return nil
      }
      return i
    }
    for (node, value) in entries("remove") {
      if let i = index(of: node, at: value, verb: "remove") { items.remove(at: i) }
    }
    for (node, value) in entries("replace") {
      if let i = index(of: node, at: value, verb: "replace") { items[i] = node }
    }
    for (node, value) in entries("add") {
      if let name = Self.entryName(node), names().contains(name) {
        reader.report(value, "an entry '\(name)' is already in the list: replace it instead of adding it")
        continue
      }
      items.append(node)
    }
    return .sequence(Node.Sequence(items, list.tag, list.style, list.mark))
  }
}
