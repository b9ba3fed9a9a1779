import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// `budget-risk init`: every starter scenario validates and runs unchanged.
@Suite struct ScenarioTemplateTests {
  @Test(arguments: ScenarioTemplate.all.map(\.name))
  func validatesAndRunsUnchanged(name: String) throws {
    let template = try #require(ScenarioTemplate.named(name))
    let scenario = try ScenarioLoader.parse(yaml: template.text, path: "\(name).yaml")
    let run = try Engine.run(scenario, options: RunOptions(iterations: 64, seed: scenario.defaults.seed, threads: 2))
    #expect(run.isComplete)
    let figures = RunFigures(run)
    #expect(!figures.budgets.isEmpty && !figures.recommendations.isEmpty)
    #expect(figures.budgets.allSatisfy { $0.scopes.allSatisfy { $0.costOfNeed.mean > 0 } })
    // It is a starter: commented, and says where the keys are documented.
    #expect(template.text.hasPrefix("# A starter scenario written by `budget-risk init`"))
    #expect(template.text.contains("docs/scenario-format.md"))
  }

  @Test func namesAreUniqueAndTheDefaultExists() {
    let names = ScenarioTemplate.all.map(\.name)
    #expect(Set(names).count == names.count)
    #expect(ScenarioTemplate.named(ScenarioTemplate.defaultName) != nil)
    #expect(ScenarioTemplate.named("nonsense") == nil)
  }
}
