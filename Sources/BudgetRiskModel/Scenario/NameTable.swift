/// The names of one kind of item (segments, services, factors, …) and their positions in
/// the file, for resolving references with a did-you-mean.
struct NameTable {
  /// `segment`, `service`, … as used in messages.
  package let kind: String
  /// Known names in file order, for suggestions.
  private(set) var names: [String] = []
  private var positions: [String: (index: Int, path: String, line: Int?)] = [:]
  /// False when some item's name could not be read. Unknown references are then not
  /// reported: they may name that item, and its own problem has been reported already.
  private(set) var isComplete = true
  /// Number of items, named or not.
  private(set) var count = 0

  package init(kind: String) { self.kind = kind }

  /// Registers the item at the next position, reporting a duplicate name.
  package mutating func add(_ name: String?, at value: YAMLValue?, reader: YAMLReader) {
    defer { count += 1 }
    guard let name else {
      isComplete = false
      return
    }
    if let first = positions[name] {
      let at = first.line.map { "\(first.path), line \($0)" } ?? first.path
      if let value { reader.report(value, "duplicate \(kind) name '\(name)' (first used at \(at))") }
      return
    }
    positions[name] = (count, value?.path ?? "", value?.line)
    names.append(name)
  }

  /// Marks the table incomplete (e.g. a list that could not be read at all).
  mutating func markIncomplete() { isComplete = false }

  /// Index of a name, without reporting.
  package func index(of name: String) -> Int? { positions[name]?.index }

  /// Index of the name in `value`, reporting an unknown name with a did-you-mean.
  func resolve(_ value: YAMLValue, reader: YAMLReader) -> Int? {
    guard let name = reader.string(value) else { return nil }
    return resolve(name, at: value, reader: reader)
  }

  /// Index of `name`, reporting it at `value` when unknown.
  func resolve(_ name: String, at value: YAMLValue, reader: YAMLReader, path: String? = nil, line: Int? = nil)
    -> Int?
  {
    if let p = positions[name] { return p.index }
    if isComplete {
      reader.report(
        path: path ?? value.path, line: line ?? value.line,
        "unknown \(kind) '\(name)'\(DidYouMean.hint(for: name, among: names))")
    }
    return nil
  }

  /// Indices of a list of names; unknown and repeated names are reported.
  func resolveList(_ value: YAMLValue, reader: YAMLReader) -> [Int]? {
    guard let items = reader.list(value, nonEmpty: true) else { return nil }
    var result: [Int] = []
    var failed = false
    for item in items {
      guard let i = resolve(item, reader: reader) else {
        failed = true
        continue
      }
      if result.contains(i) {
        reader.report(item, "\(kind) '\(name(at: i))' is listed twice")
        failed = true
        continue
      }
      result.append(i)
    }
    return failed ? nil : result
  }

  /// Every index, for targets that default to all items.
  package var all: [Int] { Array(0..<count) }

  /// The name at an index (for messages).
  package func name(at index: Int) -> String {
    positions.first { $0.value.index == index }?.key ?? "#\(index)"
  }
}
