import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Risk share and rebasing in the outputs: present only when the scenario has them, under
/// the documented names (docs/output-format.md).
@Suite struct ArrangementReportTests {
  static let run: (SimulationRun, RunFigures) = {
    var s = ReportFixture.scenario
    s.budget.riskShare = RiskShare(
      overspend: [RiskShare.Band(upTo: 0.02, provider: 1), RiskShare.Band(upTo: nil, provider: 0.5)],
      providerLossCap: 0.03, lossThresholds: [0, 1_000])
    s.budget.rebaseFraction = 0.5
    return try! TestScenario.run(s, iterations: 128, seed: 11)
  }()

  @Test func jsonHasTheFiguresOnlyWhenTheScenarioHasTheArrangements() throws {
    let plain = String(decoding: try JSONReport.encode(figures: ReportFixture.figures), as: UTF8.self)
    #expect(!plain.contains("riskShare") && !plain.contains("rebasing"))
    let json = String(decoding: try JSONReport.encode(figures: Self.run.1), as: UTF8.self)
    for key in [
      "\"riskShare\"", "\"providerResult\"", "\"funderResult\"", "\"yearEndVariance\"", "\"providerLossProbabilities\"",
      "\"providerLossValueAtRisk\"", "\"providerLossTailValueAtRisk\"", "\"funderExtraValueAtRisk\"",
      "\"funderExtraTailValueAtRisk\"", "\"rebasing\"", "\"expectedCount\"", "\"expectedTotal\"",
    ] {
      #expect(json.contains(key), "missing \(key)")
    }
  }

  @Test func csvRowsUseTheDocumentedNames() throws {
    let files = Dictionary(uniqueKeysWithValues: CSVReport.files(for: Self.run.1).map { ($0.name, $0.data) })
    let rows = CSVReportTests.parse(try #require(files["figures.csv"]))
    let names = Set(rows.dropFirst().map { $0[4] })
    let added: Set<String> = [
      "year_end_variance", "provider_result", "funder_result", "provider_loss_probability", "provider_loss_var",
      "provider_loss_tvar", "funder_extra_var", "funder_extra_tvar", "rebasing_probability", "rebasings",
      "rebased_total",
    ]
    #expect(added.isSubset(of: names))
    #expect(rows.allSatisfy { $0.count == rows[0].count })
    // The thresholds are the level of provider_loss_probability.
    let levels = Set(rows.filter { $0[4] == "provider_loss_probability" }.map { $0[5] })
    #expect(levels == ["0.0", "1000.0"])
  }

  @Test func tableAndHTMLShowTheSectionsOnlyWhenPresent() throws {
    let table = TableReport.render(Self.run.1, manifest: nil)
    #expect(table.contains("risk share over the horizon") && table.contains("rebasing at reviews"))
    #expect(table.contains("P(loss > 1.0k)"))
    let plain = TableReport.render(ReportFixture.figures, manifest: nil)
    #expect(!plain.contains("risk share") && !plain.contains("rebasing"))
    let html = HTMLReport.render(figures: Self.run.1, manifest: ReportFixture.manifest, assumptions: ScenarioAssumptions(ReportFixture.scenario))
    #expect(MarkupElement.parse(html) != nil)
    #expect(html.contains("<section id=\"funding\"") && html.contains("provider loss VaR 95"))
    #expect(!ReportFixture.html.contains("id=\"funding\""))
  }
}
