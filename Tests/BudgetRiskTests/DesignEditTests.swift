import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Designs that edit the base's lists by name (`remove`, `replace`, `add`) instead of
/// copying them whole.
@Suite struct DesignEditTests {
  @Test func removeReplaceAndAddEditTheBasesListsByName() throws {
    let text = DesignTests.withDesigns("""
        - name: without_prevention
          interventions: {remove: [coordination]}
        - name: dearer_demand
          uncertainty:
            factors:
              replace:
                - name: demand_level
                  distribution: {lognormal: {mean: 1.1, cv: 0.08}}
                  role: rate_multiplier
                  services: [ae_attendance]
        - name: wider_margins
          budget: {margins: {remove: [0], add: [0.15]}}
        - name: no_surge_one_more
          shocks:
            remove: [winter_surge]
            add:
              - name: flu
                probability: 0.1
                duration: 2
                multiplier: 1.1
                services: [ae_attendance]
      """)
    let (base, designs) = try DesignTests.designs(text)
    #expect(designs.map(\.name) == ["without_prevention", "dearer_demand", "wider_margins", "no_surge_one_more"])
    let b = base.scenario
    let (a, d, w, s) = (designs[0].scenario, designs[1].scenario, designs[2].scenario, designs[3].scenario)
    #expect(b.interventions.count == 1 && a.interventions.isEmpty)
    #expect(a.services == b.services && a.factors == b.factors)
    // The replaced factor keeps its place; the other factor and the correlation are the base's.
    #expect(d.factors.map(\.name) == ["demand_level", "older_growth"])
    #expect(d.factors[0] != b.factors[0] && d.factors[1] == b.factors[1])
    #expect(d.interventions == b.interventions)
    #expect(w.budget.proposals == [.margin(0.05), .margin(0.1), .margin(0.15)])
    #expect(s.shocks.map(\.name) == ["flu"])
  }

  @Test func anEditNamingNoEntryIsAnErrorWithADidYouMean() {
    let issues = DesignTests.issues(DesignTests.withDesigns("""
        - name: typo
          interventions: {remove: [coordinaton]}
        - name: twice
          shocks: {add: [{name: winter_surge, probability: 0.1, duration: 1, multiplier: 1.1, services: [ae_attendance]}]}
      """))
    let messages = issues.map { "\($0.path): \($0.message)" }
    #expect(messages.contains { $0.hasPrefix("designs[0].interventions.remove[0]: no entry 'coordinaton'") && $0.contains("did you mean 'coordination'") }, "\(messages)")
    #expect(messages.contains { $0.hasPrefix("designs[1].shocks.add[0]: an entry 'winter_surge' is already in the list") }, "\(messages)")
    #expect(issues.allSatisfy { $0.line != nil })
  }

  /// A mapping that is not an edit still replaces the list (and the parser says it wants a list).
  @Test func aMappingWithOtherKeysIsNotAnEdit() {
    let issues = DesignTests.issues(DesignTests.withDesigns("""
        - name: odd
          interventions: {delete: [coordination]}
      """))
    #expect(issues.contains { $0.path.hasPrefix("designs[0].interventions") }, "\(issues)")
  }
}

/// Where no listed margin meets the target, the console and the HTML headline point to the
/// `margin` command that solves for it (with the run's file and design).
@Suite struct NoMarginPointerTests {
  @Test func theNoMarginHeadlinePointsToTheMarginCommand() throws {
    var scenario = TestScenario.make(
      services: [TestScenario.service("a")], rates: [2],
      factors: [Factor(name: "demand", distribution: .lognormal(mean: 1, cv: 0.3), role: .serviceRateMultiplier(services: [0]))],
      proposals: [.margin(0), .margin(0.01)])
    scenario.budget.overspendTarget = 0.01
    let (run, figures) = try TestScenario.run(scenario, iterations: 256)
    #expect(figures.recommendations.allSatisfy { $0.margin == nil })
    var manifest = RunManifest(run: run)
    manifest.design = "lean"
    let table = TableReport.render(figures, manifest: manifest)
    #expect(table.contains("no listed margin meets P(overspend) ≤ 1.0%; budget-risk margin test.yaml --design lean --overspend-at-most 0.01 --response absorb solves for the smallest margin that does"), "\(table)")
    let html = HTMLReport.render(figures: figures, manifest: manifest, assumptions: run.plan.assumptions)
    #expect(html.contains("<code>budget-risk margin FILE --overspend-at-most 0.01 --response absorb</code>"))
  }
}
