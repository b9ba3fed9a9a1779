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

  /// What ``encode(_:)`` writes, by Foundation's `JSONEncoder` and the replacement of its
  /// non-finite marker (the writer before ``JSONText``: on server-scale's figures 1.6 G
  /// instructions in the encoder and 3.2 G in the marker search through `NSString`, against
  /// JSONText's 0.96 G): the reference ``JSONText`` is tested against byte for byte.
  static func referenceEncode<T: Encodable>(_ value: T) throws -> Data {
    let data = try encoder().encode(value)
    let text = String(decoding: data, as: UTF8.self)
    guard text.contains(undefinedMarker) else { return data }
    return Data(text.replacingOccurrences(of: "\"\(undefinedMarker)\"", with: "null").utf8)
  }

  /// How the encoder writes a non-finite number before ``referenceEncode(_:)`` turns it into `null`:
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
