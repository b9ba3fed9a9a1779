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

  /// The `designs` template's designs parse, and its edits by name did what they say.
  @Test func theDesignsTemplateHasThreeDesignsEditedByName() throws {
    let template = try #require(ScenarioTemplate.named("designs"))
    let (base, designs) = try ScenarioLoader.parseDesigns(yaml: template.text, path: "designs.yaml")
    #expect(designs.map(\.name) == ["with_coordination", "without_coordination", "separate_pools"])
    let without = designs[1].scenario
    #expect(base.scenario.interventions.count == 1 && without.interventions.isEmpty)
    #expect(without.factors.map(\.name) == base.scenario.factors.map(\.name).filter { $0 != "avoidance_effect" })
    #expect(designs[2].scenario.budget.pools.count > 1)
    #expect(designs[0].scenario.budget.pools.count == 1)
  }

  @Test func namesAreUniqueAndTheDefaultExists() {
    let names = ScenarioTemplate.all.map(\.name)
    #expect(Set(names).count == names.count)
    #expect(ScenarioTemplate.named(ScenarioTemplate.defaultName) != nil)
    #expect(ScenarioTemplate.named("nonsense") == nil)
  }
}
