import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// The margin command's outputs: table, JSON and HTML report.
@Suite struct MarginReportTests {
  static func figures() throws -> (MarginFigures, RunManifest, Scenario) {
    let s = MarginSolverTests.uncertain(responses: [.absorb, .ration])
    let options = RunOptions(iterations: 2_000, seed: 5, threads: 2)
    let f = try MarginSolver.solve(s, request: MarginRequest(overspendTarget: 0.1, serviceGapTarget: 0.05), options: options)
    return (f, RunManifest(plan: try SimulationPlan(s), options: options, elapsedSeconds: 1), s)
  }

  @Test func jsonRoundTripsWithTheManifest() throws {
    let (f, manifest, _) = try Self.figures()
    let data = try JSONReport.encode(manifest: manifest, margin: f)
    struct Document: Decodable { var manifest: RunManifest; var figures: MarginFigures }
    let back = try JSONDecoder().decode(Document.self, from: data)
    #expect(back.figures == f && back.manifest == manifest)
    let text = String(decoding: data, as: UTF8.self)
    for key in ["\"margin\"", "\"lower\"", "\"upper\"", "\"annualContingency\"", "\"method\" : \"order-statistic\"", "\"method\" : \"test-inversion\""] {
      #expect(text.contains(key), "\(key)")
    }
  }

  @Test func tableShowsEachSolveWithItsInterval() throws {
    let (f, manifest, _) = try Self.figures()
    let table = MarginTableReport.render(f, manifest: manifest)
    let m = f.results[0].margin!, lo = f.results[0].lower!, hi = f.results[0].upper!
    #expect(table.contains(String(format: "%.2f%% [%.2f%%–%.2f%%]", m * 100, lo * 100, hi * 100)))
    #expect(table.contains("absorb") && table.contains("ration") && table.contains("test-inversion"))
  }

  @Test func htmlReportIsSelfContainedWithAChartPerSolve() throws {
    let (f, manifest, s) = try Self.figures()
    let html = MarginHTMLReport.render(figures: f, manifest: manifest, assumptions: ScenarioAssumptions(s))
    #expect(html.components(separatedBy: "<svg").count - 1 == f.results.count)
    #expect(!html.contains("<script"))
    #expect(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").range(of: "http") == nil)
    #expect(html.contains("data-label=\"solved "))
    #expect(html.contains("margin interval"))
  }
}
