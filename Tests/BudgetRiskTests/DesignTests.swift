import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Designs: overrides deep-merged onto the base document, each parsed into a full scenario.
@Suite struct DesignTests {
  /// The shared valid scenario with a `designs:` list appended.
  static func withDesigns(_ designs: String) -> String { ScenarioText.valid + "designs:\n" + designs }

  static func designs(_ text: String) throws(ScenarioValidationError) -> (base: Design, designs: [Design]) {
    try ScenarioLoader.parseDesigns(yaml: text, path: "test.yaml")
  }

  static func issues(_ text: String) -> [ScenarioIssue] {
    do { _ = try designs(text); return [] } catch { return error.issues }
  }

  @Test func mappingsMergeKeyByKeyAndListsReplace() throws {
    let text = Self.withDesigns("""
        - name: separate_rationing
          description: separate pools, rationing
          budget:
            pools: separate
            provider: {response: ration, reserve: 0.02}
        - name: one_margin
          budget:
            margins: [0.2]
      """)
    let (base, designs) = try Self.designs(text)
    #expect(base.name == "base")
    #expect(designs.map(\.name) == ["separate_rationing", "one_margin"])
    let a = designs[0].scenario, b = designs[1].scenario
    #expect(designs[0].description == "separate pools, rationing")
    // Merged: pools and provider changed, margins (a sibling key) kept from the base.
    #expect(a.budget.pools.map(\.name) == ["health", "social_care"])
    #expect(a.budget.responses == [.ration])
    #expect(a.budget.reserveShare == 0.02)
    #expect(a.budget.proposals == base.scenario.budget.proposals)
    // A list replaces the base's list.
    #expect(b.budget.proposals == [.margin(0.2)])
    #expect(b.budget.pools == base.scenario.budget.pools)
    #expect(b.services == base.scenario.services)
  }

  @Test func segmentsOnlyDropsTheOtherSegmentsEverywhere() throws {
    let text = Self.withDesigns("""
        - name: frail_only
          segments_only: [frail_older]
      """)
    let s = try Self.designs(text).designs[0].scenario
    #expect(s.segments.map(\.name) == ["frail_older"])
    #expect(s.utilisation.count == 1)
  }

  @Test func aNullOverrideRemovesAKey() throws {
    // `shocks: ~` leaves the design without the base's shocks.
    let s = try Self.designs(Self.withDesigns("  - name: calm\n    shocks: ~\n")).designs[0].scenario
    #expect(s.shocks.isEmpty)
  }

  @Test func errorsInADesignNameTheDesignKeyPathAndLine() {
    let text = Self.withDesigns("""
        - name: good
        - name: bad
          budget:
            provider: {response: rationn}
          bugdet: {}
          segments_only: [frial_older]
      """)
    let lines = text.components(separatedBy: "\n")
    let responseLine = lines.firstIndex { $0.contains("rationn") }! + 1
    let issues = Self.issues(text)
    expectIssue(issues, path: "designs[1].budget.provider.response", "design 'bad'", "rationn", "did you mean 'ration'", line: responseLine)
    expectIssue(issues, path: "designs[1].bugdet", "unknown key 'bugdet'", "did you mean 'budget'")
    expectIssue(issues, path: "designs[1].segments_only[0]", "unknown segment 'frial_older'", "frail_older")
    // The valid design adds nothing.
    #expect(!issues.contains { $0.path.hasPrefix("designs[0]") })
  }

  @Test func designNamesAreUniqueAndBaseIsReserved() {
    let issues = Self.issues(Self.withDesigns("  - name: base\n  - name: a\n  - name: a\n"))
    expectIssue(issues, path: "designs[0].name", "'base' names the file's base document")
    #expect(issues.contains { $0.path.hasPrefix("designs[2]") && $0.message.contains("a") })
  }

  @Test func aProblemOfTheBaseIsReportedOnceNotPerDesign() {
    let text = Self.replacing(("unit_cost: 85", "unit_cost: -85")) + "designs:\n  - name: a\n  - name: b\n"
    let issues = Self.issues(text)
    #expect(issues.filter { $0.message.contains("-85") || $0.message.contains("−85") }.count == 1)
  }

  @Test func theLoaderRejectsAFileWithABadDesign() {
    let issues = validationIssues(Self.withDesigns("  - name: a\n    budget: {margins: [-2]}\n"))
    #expect(issues.contains { $0.path.hasPrefix("designs[0].budget.margins") })
  }

  static func replacing(_ pairs: (String, String)...) -> String {
    var result = ScenarioText.valid
    for (old, new) in pairs { result = result.replacingOccurrences(of: old, with: new) }
    return result
  }
}
