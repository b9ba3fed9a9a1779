import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// ``JSONText`` writes the bytes Foundation's `JSONEncoder` wrote (with ``JSONReport``'s
/// options and its non-finite numbers as `null`): the JSON outputs did not change when the
/// writer did.
@Suite struct JSONTextTests {
  static func expectSameBytes<T: Encodable>(_ value: T, _ label: String) throws {
    let fast = try JSONText.encode(value), reference = try JSONReport.referenceEncode(value)
    guard fast != reference else { return }
    let a = Array(fast), b = Array(reference)
    let at = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
    let context = { (x: [UInt8]) in String(decoding: x[max(0, at - 80)..<min(x.count, at + 80)], as: UTF8.self) }
    Issue.record("\(label): differs at byte \(at) of \(a.count) / \(b.count):\n\(context(a))\n--- JSONEncoder:\n\(context(b))")
  }

  /// A whole run's document (every figure type of `run --json`), a comparison's and a margin
  /// solve's.
  @Test func documentsMatchJSONEncoder() throws {
    try Self.expectSameBytes(
      JSONReport.Document(manifest: ReportFixture.manifest, figures: ReportFixture.figures, tornado: nil), "run")
    let (margin, manifest, _) = try MarginReportTests.figures()
    try Self.expectSameBytes(JSONReport.MarginDocument(manifest: manifest, figures: margin), "margin")
    let run = try DesignComparison.run(
      ComparisonReportTests.designs, baseline: 1, options: RunOptions(iterations: 128, seed: 4, threads: 2))
    try Self.expectSameBytes(ComparisonFigures(run, rankBy: .tvar95), "comparison")
  }

  struct Edge: Encodable {
    var text = "quote \" backslash \\ slash / tab \t newline \n return \r bell \u{7} \u{8} \u{c} \u{1f} del \u{7f} é 中 🙂"
    var empty: [Double] = []
    var emptyObject: [String: Int] = [:]
    var nested: [[Int]] = [[], [1, -2], [Int.max, Int.min]]
    var numbers: [Double] = [0, -0.0, 1, -1, 0.1, 1e16, 1e-7, 123456789012345680000, 5e-324, .greatestFiniteMagnitude, 2.5e-5, 12.0]
    var undefined: [Double] = [.nan, .infinity, -.infinity]
    var floats: [Float] = [1, 0.1, 3.5e-8]
    var flags = [true, false]
    var optional: Double? = nil
    var present: Double? = 2
    var optionals: [Double?] = [nil, 1.5]
    var small: [UInt8] = [0, 255]
    var wide: [UInt64] = [UInt64.max]
    var map = ["b": 2, "a": 1, "B": 3, "é": 4, "a b": 5, "": 6]
    var unicodeKeys = ["z": "last", "ä": "after z by bytes", "Z": "first"]
  }

  /// A key encoded twice (the last value counts), a keyed container asked for twice (one
  /// object), nested containers and a value that encodes nothing (an empty object).
  struct Repeated: Encodable {
    enum Key: String, CodingKey { case a, b, c, d, e }
    struct Nothing: Encodable { func encode(to encoder: any Encoder) throws {} }
    func encode(to encoder: any Encoder) throws {
      var first = encoder.container(keyedBy: Key.self)
      try first.encode(1, forKey: .a)
      try first.encode("two", forKey: .b)
      var again = encoder.container(keyedBy: Key.self)
      try again.encode(3.5, forKey: .a)
      var list = again.nestedUnkeyedContainer(forKey: .c)
      try list.encode(1)
      var inner = list.nestedContainer(keyedBy: Key.self)
      try inner.encodeNil(forKey: .e)
      try again.encode(Nothing(), forKey: .d)
    }
  }

  /// Escapes, empty containers, integer widths, signed zero, extremes, optionals, key order
  /// by UTF-8 bytes, and a top-level scalar, array and string.
  @Test func edgeCasesMatchJSONEncoder() throws {
    try Self.expectSameBytes(Edge(), "edge cases")
    try Self.expectSameBytes(1.5, "top-level number")
    try Self.expectSameBytes([Double.nan, 3], "top-level array")
    try Self.expectSameBytes("a\"b", "top-level string")
    try Self.expectSameBytes([Edge(), Edge()], "array of objects")
    try Self.expectSameBytes(Repeated(), "repeated keys and nested containers")
  }

  /// Objects whose keys come in a given order (keys may repeat: the last value counts).
  struct Listed: Encodable {
    struct Key: CodingKey {
      var stringValue: String
      var intValue: Int? { nil }
      init(stringValue: String) { self.stringValue = stringValue }
      init?(intValue: Int) { nil }
    }
    var keys: [String]
    func encode(to encoder: any Encoder) throws {
      var object = encoder.container(keyedBy: Key.self)
      for (i, key) in keys.enumerated() { try object.encode(i, forKey: Key(stringValue: key)) }
    }
  }

  /// Records the encoders it is encoded with, weakly.
  final class Witness: @unchecked Sendable { var encoders: [() -> AnyObject?] = [] }
  struct Watched: Encodable {
    let witness: Witness
    var inner: [Double] = [1, 2]
    enum Key: String, CodingKey { case inner }
    func encode(to encoder: any Encoder) throws {
      weak var seen = encoder as AnyObject
      witness.encoders.append { seen }
      var c = encoder.container(keyedBy: Key.self)
      var nested = c.nestedContainer(keyedBy: Key.self, forKey: .inner)
      try nested.encode(inner, forKey: .inner)
    }
  }

  /// The writer reuses finished child encoders (through a pool that holds them): none may
  /// outlive the document (a parent and its kept child holding each other would).
  @Test func encodersDoNotOutliveTheDocument() throws {
    let witness = Witness()
    let data = try JSONText.encode([[Watched(witness: witness)], [Watched(witness: witness), Watched(witness: witness)]])
    #expect(!data.isEmpty)
    #expect(witness.encoders.count == 3)
    #expect(witness.encoders.allSatisfy { $0() == nil })
  }

  /// The writer sorts each key list once and finds it again by its count and its first and
  /// last keys' lengths: lists that share those (another middle key, the ends swapped, a
  /// repeated key) must each keep their own order, met first or again.
  @Test func keyListsSharingAFingerprintKeepTheirOwnOrder() throws {
    let lists = [["ab", "x", "cd"], ["ab", "y", "cd"], ["cd", "x", "ab"], ["ab", "x", "ab"], ["ab", "cd", "x", "ab"]]
    let objects = (lists + lists.reversed() + lists).map { Listed(keys: $0) }
    try Self.expectSameBytes(objects, "key lists sharing a fingerprint")
  }
}
