import Foundation
import Testing
#if canImport(FoundationXML)
  import FoundationXML
#endif

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// The comparison's outputs: identical at any thread count, and well-formed JSON, CSV and HTML.
@Suite struct ComparisonReportTests {
  static let designs = [
    Design(name: "absorbing", description: "", scenario: ReportFixture.scenario),
    Design(name: "lean", description: "", scenario: {
      var s = ReportFixture.scenario
      s.budget.reserveShare = 0
      s.interventions = []
      return s
    }()),
  ]

  static func figures(threads: Int, blockSize: Int = 256) throws -> ComparisonFigures {
    let run = try DesignComparison.run(
      designs, baseline: 0, options: RunOptions(iterations: 320, seed: 4, threads: threads, blockSize: blockSize))
    return ComparisonFigures(run, rankBy: .gap)
  }

  @Test func figuresAreIdenticalAtAnyThreadCountAndBlockSize() throws {
    let one = try Self.figures(threads: 1)
    #expect(try Self.figures(threads: 3, blockSize: 64) == one)
    #expect(one.budgets.count == 8)  // 4 proposals × 2 responses, shared by both
    // Ranks 1 and 2, or 1 and 1 where the two designs tie on the measure.
    #expect(one.budgets.allSatisfy { [[1, 2], [1, 1]].contains($0.rows.map(\.rank).sorted()) })
  }

  @Test func jsonCSVAndHTMLAreWellFormed() throws {
    let run = try DesignComparison.run(Self.designs, baseline: 1, options: RunOptions(iterations: 256, seed: 4, threads: 2))
    let c = ComparisonFigures(run, rankBy: .tvar95)
    #expect(c.baseline == "lean")
    let figures = run.runs.map(RunFigures.init)
    let json = try ComparisonReport.json(c, designs: [("absorbing", figures[0]), ("lean", figures[1])])
    let object = try JSONSerialization.jsonObject(with: json) as? [String: Any]
    #expect(object?["comparison"] != nil && (object?["designs"] as? [Any])?.count == 2)
    let csv = ComparisonReport.csvFiles(c)
    #expect(csv.map(\.name) == ["comparison.csv", "cost_less.csv", "partners.csv", "value_of_information.csv"])
    let rows = String(decoding: csv[0].data, as: UTF8.self).split(separator: "\r\n")
    // Header + 8 budgets × 2 designs × 6 figures, each row as wide as the header.
    #expect(rows.count == 1 + 8 * 2 * 6)
    #expect(Set(rows.map { $0.split(separator: ",", omittingEmptySubsequences: false).count }).count == 1)
    let html = HTMLReport.render(
      figures: figures[1], manifest: RunManifest(run: run.runs[1]), assumptions: run.runs[1].plan.assumptions,
      sections: [ComparisonSection(c, designs: [("absorbing", figures[0]), ("lean", figures[1])]), DriversSection(label: nil)])
    let doc = try #require(MarkupElement.parse(html))
    let ids = doc.all("section").compactMap { $0.attributes["id"] }
    #expect(ids.contains("design-comparison") && ids.contains("drivers"))
    let charts = Set(doc.all("svg").compactMap { $0.attributes["id"] })
    // P(overspend) per response, P(service gap) where the provider rations, the overlaid costs.
    #expect(charts.isSuperset(of: ["compare-absorb", "compare-ration", "compare-gap-ration", "compare-distributions"]), "\(charts)")
    #expect(!charts.contains("compare-gap-absorb"))
    // The basis at the top, the money columns and the P(cheaper) table with its ties.
    #expect(html.contains("Basis (own): each design is held to its own proposed budgets"))
    #expect(html.contains("budget a year") && html.contains("cost of need a year"))
    #expect(html.contains("cost of need &lt; other"))
    #expect(html.contains("Value of information for the choice of design") == !c.valueOfInformation.inputs.isEmpty)
    #expect(ComparisonReport.table(c).contains("baseline"))
  }
}
