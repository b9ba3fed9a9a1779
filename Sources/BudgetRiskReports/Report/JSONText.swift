import Foundation
import BudgetRiskNumerics

/// Writes an `Encodable` value as JSON text: the bytes `JSONEncoder` writes with
/// `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]`, except that a non-finite number
/// is written `null` (what ``JSONReport`` made of the encoder's marker string).
///
/// Why not `JSONEncoder`: a run's JSON is megabytes of small structs of numbers (server-scale:
/// 13 MB, 22 budgets × 4 scopes × a 36-period drift fan of 9 quantiles), and the old writer
/// spent 4.9 G instructions on it (`JSONEncoder` 1.6 G, then 3.2 G finding its non-finite
/// marker through `NSString`) — the largest fixed cost of a short run. This writer keeps a
/// plain tree (numbers kept as `Double`, objects as key lists), writes `null` for a
/// non-finite number at once and formats the tree in one pass: 0.96 G. Since then the pass
/// formats numbers straight into its buffer, sorts each distinct key list once
/// (``KeyOrders``) and hands its one buffer to `Data` uncopied (``TextBytes``): the writing
/// itself costs about half of what it did (`docs/performance.md`, "The run's fixed cost").
/// `JSONTextTests` checks it byte for byte against `JSONEncoder`
/// (``JSONReport/referenceEncode(_:)``) on whole run, margin, comparison and outcome documents
/// and on edge cases (escapes, empty containers, integers, nested and repeated keys, key
/// lists that look alike).
///
/// The format, as `JSONEncoder` writes it: two spaces per level; `"key" : value`; keys sorted
/// by their UTF-8 bytes; an empty array or object is `[`, two newlines, the indent and `]`;
/// a `Double` is its shortest round-trip `description` with a trailing `.0` dropped; strings
/// escape `"`, `\`, `\b \f \n \r \t` and other control characters as `\u00XX`, nothing else.
/// Not copied: `JSONEncoder`'s own forms for `Date`, `Data`, `URL` and `Decimal` (the tool's
/// documents hold none; one added would take its `Codable` form here, and the byte-for-byte
/// test of the documents would fail).
enum JSONText {
  static func encode<T: Encodable>(_ value: T) throws -> Data {
    let root = JSONTextEncoder(parent: nil, key: nil)
    // The encoders put by for reuse hold the pool that holds them: let go with the document.
    defer { root.pool.free.removeAll() }
    let node = try root.node(for: value)
    var writer = Writer()
    writer.write(node, indent: 0)
    return writer.bytes.data()
  }

  /// A value of the tree. Containers are classes: a nested container is written into after
  /// it was attached to its parent.
  enum Node {
    case null, bool(Bool), double(Double), float(Float), int(Int64), uint(UInt64), string(String)
    case container(Container)
  }

  final class Container {
    let isObject: Bool
    /// An array's values. Unchecked: a tree is built and written by one thread.
    @exclusivity(unchecked) var items: [Node] = []
    /// An object's keys and values, in the order encoded (a key encoded twice keeps its last
    /// value, as in `JSONEncoder`'s dictionary: resolved when written). One array, not a
    /// list of keys beside one of values: one allocation an object.
    @exclusivity(unchecked) var entries: [Entry] = []
    struct Entry { var key: String; var node: Node }
    init(isObject: Bool) {
      self.isObject = isObject
      // Most containers of a run's figures hold a handful of values: one allocation, not four.
      if isObject { entries.reserveCapacity(8) } else { items.reserveCapacity(8) }
    }

    func append(_ node: Node, key: String) {
      entries.append(Entry(key: key, node: node))
    }
  }

  struct Writer {
    var bytes = TextBytes()
    /// The written order of each object key list met so far (see ``object(_:indent:)``).
    private var orders = KeyOrders()

    mutating func write(_ node: Node, indent: Int) {
      switch node {
      case .null: append("null")
      case .bool(let b): append(b ? "true" : "false")
      case .double(let x): if x.isFinite { x.write(to: &bytes); bytes.dropTrailingPointZero() } else { append("null") }
      case .float(let x): if x.isFinite { x.write(to: &bytes); bytes.dropTrailingPointZero() } else { append("null") }
      case .int(let i): append(String(i))
      case .uint(let u): append(String(u))
      case .string(let s): string(s)
      case .container(let c): c.isObject ? object(c, indent: indent) : array(c, indent: indent)
      }
    }

    private mutating func append(_ text: String) {
      var text = text
      text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// A newline and the indent of `level`, in one append.
    private mutating func newline(_ level: Int) {
      if level < Self.blank.count / 2 {
        bytes.append(contentsOf: Self.blank[0...(2 * level)])
      } else {
        bytes.append(0x0A)
        for _ in 0..<(2 * level) { bytes.append(0x20) }
      }
    }

    private static let blank = [UInt8(0x0A)] + [UInt8](repeating: 0x20, count: 64)

    private mutating func array(_ c: Container, indent: Int) {
      bytes.append(UInt8(ascii: "["))
      if c.items.isEmpty { bytes.append(0x0A) }
      for (i, item) in c.items.enumerated() {
        if i > 0 { bytes.append(UInt8(ascii: ",")) }
        newline(indent + 1)
        write(item, indent: indent + 1)
      }
      newline(indent)
      bytes.append(UInt8(ascii: "]"))
    }

    private mutating func object(_ c: Container, indent: Int) {
      bytes.append(UInt8(ascii: "{"))
      if c.entries.isEmpty { bytes.append(0x0A) }
      var first = true
      for i in orders.order(of: c.entries) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        newline(indent + 1)
        string(c.entries[i].key)
        bytes.append(contentsOf: Self.colon)
        write(c.entries[i].node, indent: indent + 1)
      }
      newline(indent)
      bytes.append(UInt8(ascii: "}"))
    }

    private static let colon: [UInt8] = [0x20, UInt8(ascii: ":"), 0x20]

    private static let hex = Array("0123456789abcdef".utf8)

    private mutating func string(_ s: String) {
      bytes.append(UInt8(ascii: "\""))
      var s = s
      s.withUTF8 { utf8 in
        var mark = 0
        for (i, b) in utf8.enumerated() where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
          bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[mark..<i]))
          mark = i + 1
          switch b {
          case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, UInt8(ascii: "\"")])
          case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
          case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
          case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
          case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
          case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
          case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
          default:
            bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            bytes.append(Self.hex[Int(b >> 4)]); bytes.append(Self.hex[Int(b & 0xF)])
          }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[mark...]))
      }
      bytes.append(UInt8(ascii: "\""))
    }
  }
}

extension JSONText {
  /// The written order of an object's keys: sorted by their UTF-8 bytes, a repeated key by
  /// the order encoded and only its last value written. A document holds a few dozen key
  /// lists (one per encoded type) but tens of thousands of objects (server-scale: ≈ 90,000),
  /// so each list is sorted once and found again by its count and its first and last keys'
  /// lengths (O(1) for native strings), then compared whole (a literal key compares by
  /// identity).
  struct KeyOrders {
    private var known: [Int: [(keys: [String], order: [Int])]] = [:]

    mutating func order(of entries: [Container.Entry]) -> [Int] {
      guard let first = entries.first?.key, let last = entries.last?.key else { return [] }
      let print = (entries.count &* 1_000_003) &+ (first.utf8.count &* 1_009) &+ last.utf8.count
      if let list = known[print], let hit = list.first(where: { known in
        known.keys.count == entries.count && entries.indices.allSatisfy { known.keys[$0] == entries[$0].key }
      }) { return hit.order }
      let keys = entries.map(\.key)
      let sorted = keys.indices.sorted { a, b in
        keys[a] == keys[b] ? a < b : keys[a].utf8.lexicographicallyPrecedes(keys[b].utf8)
      }
      let order = sorted.indices.filter { n in n + 1 == sorted.count || keys[sorted[n + 1]] != keys[sorted[n]] }.map { sorted[$0] }
      known[print, default: []].append((keys, order))
      return order
    }
  }
}

/// The `Encoder` that builds ``JSONText``'s tree. The coding path is kept as a parent chain
/// and built only when asked for (an error, a type that reads it).
final class JSONTextEncoder: Encoder {
  @exclusivity(unchecked) private(set) var parent: JSONTextEncoder?
  @exclusivity(unchecked) private(set) var key: (any CodingKey)?
  @exclusivity(unchecked) var value: JSONText.Node?
  /// The document's child encoders done with and held by nothing else, taken by the next
  /// values (``node(for:key:)``): one allocation fewer for each struct of a document. They
  /// wait there without parent or key; ``JSONText/encode(_:)`` empties the pool at the end.
  let pool: Pool
  final class Pool { @exclusivity(unchecked) var free: [JSONTextEncoder] = [] }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  init(parent: JSONTextEncoder?, key: (any CodingKey)?) {
    self.parent = parent; self.key = key
    pool = parent?.pool ?? Pool()
  }

  var codingPath: [any CodingKey] {
    var path = [any CodingKey]()
    var at: JSONTextEncoder? = self
    while let e = at {
      if let k = e.key { path.append(k) }
      at = e.parent
    }
    return path.reversed()
  }

  /// The node of `value`: scalars directly, anything else through its `encode(to:)` (an
  /// empty object if it encodes nothing, as `JSONEncoder` writes it).
  func node<T: Encodable>(for value: T, key: (any CodingKey)? = nil) throws -> JSONText.Node {
    // Compared by metatype first: a dynamic cast per value would cost more than the value.
    if T.self == Double.self { return .double(unsafeBitCast(value, to: Double.self)) }
    if T.self == String.self { return .string(unsafeBitCast(value, to: String.self)) }
    if T.self == Int.self { return .int(Int64(unsafeBitCast(value, to: Int.self))) }
    if T.self == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
    var child: JSONTextEncoder
    if let reused = pool.free.popLast() {
      child = reused
      child.parent = self
      child.key = key
    } else {
      child = JSONTextEncoder(parent: self, key: key)
    }
    try value.encode(to: child)
    let node = child.value ?? .container(JSONText.Container(isObject: true))
    // Reused only when nothing (a container or encoder the value kept) can still reach it.
    if isKnownUniquelyReferenced(&child) {
      child.value = nil
      child.parent = nil
      child.key = nil
      pool.free.append(child)
    }
    return node
  }

  private func container(isObject: Bool) -> JSONText.Container {
    if case .container(let c)? = value, c.isObject == isObject { return c }
    let c = JSONText.Container(isObject: isObject)
    value = .container(c)
    return c
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    KeyedEncodingContainer(Keyed<Key>(encoder: self, object: container(isObject: true)))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    Unkeyed(encoder: self, array: container(isObject: false))
  }

  func singleValueContainer() -> any SingleValueEncodingContainer { Single(encoder: self) }

  struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: JSONTextEncoder
    let object: JSONText.Container
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil(forKey key: Key) throws { object.append(.null, key: key.stringValue) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { object.append(.bool(value), key: key.stringValue) }
    mutating func encode(_ value: String, forKey key: Key) throws { object.append(.string(value), key: key.stringValue) }
    mutating func encode(_ value: Double, forKey key: Key) throws { object.append(.double(value), key: key.stringValue) }
    mutating func encode(_ value: Float, forKey key: Key) throws { object.append(.float(value), key: key.stringValue) }
    mutating func encode(_ value: Int, forKey key: Key) throws { object.append(.int(Int64(value)), key: key.stringValue) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { object.append(.int(Int64(value)), key: key.stringValue) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { object.append(.int(Int64(value)), key: key.stringValue) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { object.append(.int(Int64(value)), key: key.stringValue) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { object.append(.int(value), key: key.stringValue) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { object.append(.uint(UInt64(value)), key: key.stringValue) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { object.append(.uint(UInt64(value)), key: key.stringValue) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { object.append(.uint(UInt64(value)), key: key.stringValue) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { object.append(.uint(UInt64(value)), key: key.stringValue) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { object.append(.uint(value), key: key.stringValue) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
      object.append(try encoder.node(for: value, key: key), key: key.stringValue)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
      let c = JSONText.Container(isObject: true)
      object.append(.container(c), key: key.stringValue)
      return KeyedEncodingContainer(Keyed<NestedKey>(encoder: JSONTextEncoder(parent: encoder, key: key), object: c))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
      let c = JSONText.Container(isObject: false)
      object.append(.container(c), key: key.stringValue)
      return Unkeyed(encoder: JSONTextEncoder(parent: encoder, key: key), array: c)
    }

    mutating func superEncoder() -> any Encoder { SuperEncoder(parent: encoder, key: JSONTextKey("super"), object: object) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { SuperEncoder(parent: encoder, key: key, object: object) }
  }

  struct Unkeyed: UnkeyedEncodingContainer {
    let encoder: JSONTextEncoder
    let array: JSONText.Container
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { array.items.count }

    mutating func encodeNil() throws { array.items.append(.null) }
    mutating func encode(_ value: Bool) throws { array.items.append(.bool(value)) }
    mutating func encode(_ value: String) throws { array.items.append(.string(value)) }
    mutating func encode(_ value: Double) throws { array.items.append(.double(value)) }
    mutating func encode(_ value: Float) throws { array.items.append(.float(value)) }
    mutating func encode(_ value: Int) throws { array.items.append(.int(Int64(value))) }
    mutating func encode(_ value: Int8) throws { array.items.append(.int(Int64(value))) }
    mutating func encode(_ value: Int16) throws { array.items.append(.int(Int64(value))) }
    mutating func encode(_ value: Int32) throws { array.items.append(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { array.items.append(.int(value)) }
    mutating func encode(_ value: UInt) throws { array.items.append(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { array.items.append(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { array.items.append(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { array.items.append(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { array.items.append(.uint(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
      array.items.append(try encoder.node(for: value, key: JSONTextKey(index: array.items.count)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
      let c = JSONText.Container(isObject: true)
      let key = JSONTextKey(index: array.items.count)
      array.items.append(.container(c))
      return KeyedEncodingContainer(Keyed<NestedKey>(encoder: JSONTextEncoder(parent: encoder, key: key), object: c))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
      let c = JSONText.Container(isObject: false)
      let key = JSONTextKey(index: array.items.count)
      array.items.append(.container(c))
      return Unkeyed(encoder: JSONTextEncoder(parent: encoder, key: key), array: c)
    }

    mutating func superEncoder() -> any Encoder {
      let key = JSONTextKey(index: array.items.count)
      array.items.append(.null)
      return SuperEncoder(parent: encoder, key: key, array: array, slot: array.items.count - 1)
    }
  }

  struct Single: SingleValueEncodingContainer {
    let encoder: JSONTextEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    mutating func encodeNil() throws { encoder.value = .null }
    mutating func encode(_ value: Bool) throws { encoder.value = .bool(value) }
    mutating func encode(_ value: String) throws { encoder.value = .string(value) }
    mutating func encode(_ value: Double) throws { encoder.value = .double(value) }
    mutating func encode(_ value: Float) throws { encoder.value = .float(value) }
    mutating func encode(_ value: Int) throws { encoder.value = .int(Int64(value)) }
    mutating func encode(_ value: Int8) throws { encoder.value = .int(Int64(value)) }
    mutating func encode(_ value: Int16) throws { encoder.value = .int(Int64(value)) }
    mutating func encode(_ value: Int32) throws { encoder.value = .int(Int64(value)) }
    mutating func encode(_ value: Int64) throws { encoder.value = .int(value) }
    mutating func encode(_ value: UInt) throws { encoder.value = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { encoder.value = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { encoder.value = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { encoder.value = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { encoder.value = .uint(value) }
    mutating func encode<T: Encodable>(_ value: T) throws {
      encoder.value = try encoder.node(for: value)
    }
  }
}

/// An encoder whose value lands in a slot of its parent's container when it is released
/// (`superEncoder`: the value is written after the call returns).
private final class SuperEncoder: Encoder {
  let inner: JSONTextEncoder
  let store: (JSONText.Node) -> Void
  var codingPath: [any CodingKey] { inner.codingPath }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  init(parent: JSONTextEncoder, key: any CodingKey, object: JSONText.Container) {
    inner = JSONTextEncoder(parent: parent, key: key)
    let name = key.stringValue
    store = { object.append($0, key: name) }
  }

  init(parent: JSONTextEncoder, key: any CodingKey, array: JSONText.Container, slot: Int) {
    inner = JSONTextEncoder(parent: parent, key: key)
    store = { array.items[slot] = $0 }
  }

  deinit { store(inner.value ?? .container(JSONText.Container(isObject: true))) }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> { inner.container(keyedBy: type) }
  func unkeyedContainer() -> any UnkeyedEncodingContainer { inner.unkeyedContainer() }
  func singleValueContainer() -> any SingleValueEncodingContainer { inner.singleValueContainer() }
}

/// A coding key for array positions and `super`. An array position's name is made only when
/// asked for (a coding path, an error): every element of every array takes a key, and
/// formatting "Index n" for each cost more than writing the element.
struct JSONTextKey: CodingKey {
  /// nil: the array position `index`.
  private let name: String?
  private let index: Int
  var stringValue: String { name ?? "Index \(index)" }
  var intValue: Int? { name == nil ? index : nil }
  init(_ string: String) { name = string; index = 0 }
  init(index: Int) { name = nil; self.index = index }
  init?(stringValue: String) { self.init(stringValue) }
  init?(intValue: Int) { self.init(index: intValue) }
}
