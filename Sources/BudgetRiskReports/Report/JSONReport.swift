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
  }

  public static func encode(manifest: RunManifest, figures: RunFigures) throws -> Data {
    try encoder().encode(Document(manifest: manifest, figures: figures))
  }

  public static func encode(figures: RunFigures) throws -> Data {
    try encoder().encode(figures)
  }

  static func encoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return encoder
  }
}
