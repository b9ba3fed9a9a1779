import Foundation
import BudgetRiskStudies

/// The `--json` output: `{"manifest": …, "figures": …}` (layout in `docs/output-format.md`).
///
/// Keys are sorted and numbers printed by `JSONEncoder`, so the `figures` object is
/// byte-identical for the same scenario, seed and iterations whatever the thread count.
public enum JSONReport {
  struct Document: Encodable {
    var manifest: RunManifest
    var figures: RunFigures
    /// `run --tornado` only (absent otherwise).
    var tornado: TornadoFigures?
  }

  public static func encode(manifest: RunManifest, figures: RunFigures, tornado: TornadoFigures? = nil) throws -> Data {
    try encode(Document(manifest: manifest, figures: figures, tornado: tornado))
  }

  public static func encode(figures: RunFigures) throws -> Data {
    try encode(figures)
  }

  /// Encodes `value` with every undefined number (NaN, ±∞) written as `null`: no NaN or
  /// infinity reaches a JSON file. Estimates say why in their `undefined` key; any other
  /// `null` number means "not defined for this run" (see docs/output-format.md).
  static func encode<T: Encodable>(_ value: T) throws -> Data {
    try JSONText.encode(value)
  }

  /// What ``encode(_:)`` writes, by Foundation's `JSONEncoder` (five times slower on a run's
  /// figures): the reference ``JSONText`` is tested against byte for byte.
  static func referenceEncode<T: Encodable>(_ value: T) throws -> Data {
    nullingUndefined(try encoder().encode(value))
  }

  /// `data` with every `"\u0001undefined"` (the marker with its quotes) replaced by `null`,
  /// left to right, as `String.replacingOccurrences` did — on the bytes: a run's JSON is
  /// megabytes, and Foundation's string search over its UTF-16 view took more instructions
  /// than the encoder (3.2 G for server-scale's 13 MB). The bytes are found by their
  /// backslash, rare in JSON (only in escaped strings).
  static func nullingUndefined(_ data: Data) -> Data {
    let pattern = Array("\"\(undefinedMarker)\"".utf8), null = Array("null".utf8)
    return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Data in
      let bytes = raw.bindMemory(to: UInt8.self)
      let n = bytes.count, m = pattern.count
      var out: [UInt8] = []
      var copied = 0  // bytes of `data` already in `out`
      var i = 1  // a candidate backslash, pattern[1]
      while i + m - 1 <= n, let at = memchr(raw.baseAddress! + i, 0x5C, n - i) {
        i = raw.baseAddress!.distance(to: UnsafeRawPointer(at))
        let start = i - 1
        guard start + m <= n, (0..<m).allSatisfy({ bytes[start + $0] == pattern[$0] }) else { i += 1; continue }
        if out.isEmpty { out.reserveCapacity(n) }
        out.append(contentsOf: bytes[copied..<start])
        out.append(contentsOf: null)
        copied = start + m
        i = copied + 1
      }
      guard copied > 0 else { return data }
      out.append(contentsOf: bytes[copied..<n])
      return Data(out)
    }
  }

  /// How the encoder writes a non-finite number before ``encode(_:)`` turns it into `null`:
  /// a string no scenario text can produce (the encoder escapes U+0001 in strings as
  /// `\\u0001`, and this marker is matched with that escape).
  private static let undefinedMarker = "\\u0001undefined"

  static func encoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "\u{1}undefined", negativeInfinity: "\u{1}undefined", nan: "\u{1}undefined")
    return encoder
  }
}
