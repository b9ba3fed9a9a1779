import Foundation
import BudgetRiskStudies

extension JSONReport {
  struct MarginDocument: Encodable {
    var manifest: RunManifest
    var figures: MarginFigures
  }

  /// The `budget-risk margin --json` output: `{"manifest": …, "figures": …}` with the
  /// ``MarginFigures`` layout (see `docs/output-format.md`).
  public static func encode(manifest: RunManifest, margin: MarginFigures) throws -> Data {
    try encode(MarginDocument(manifest: manifest, figures: margin))
  }
}
