import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// The budget section: pools, base budgets, proposals.
@Suite struct ScenarioBudgetTests {
  static func withBudget(_ lines: String) -> String {
    ScenarioText.replacing(("  base: expected\n  margins: [0, 0.05, 0.1]\n", lines + "\n"))
  }

  static let pools =
    "  pools: {acute: [ae_attendance, community_nursing], care: [home_care, residential_care]}"

  @Test func serviceInTwoPoolsOrInNone() {
    let issues = validationIssues(
      Self.withBudget(
        """
          margins: [0]
          pools:
            acute: [ae_attendance, community_nursing]
            care: [home_care, ae_attendance]
        """))
    expectIssue(
      issues, path: "budget.pools.care[1]", "service 'ae_attendance' is in pools 'acute' and 'care'", line: 64
    )
    let none = validationIssues(
      Self.withBudget(
        "  margins: [0]\n  pools: {acute: [ae_attendance, community_nursing], care: [home_care]}"))
    expectIssue(none, path: "budget.pools", "service 'residential_care' is in no pool")
  }

  @Test func poolMappingNamesMustExist() {
    let issues = validationIssues(
      Self.withBudget(
        "  margins: [0]\n  pools: {acute: [ae_attendence, community_nursing], care: [home_care, residential_care]}"
      ))
    expectIssue(
      issues, path: "budget.pools.acute[0]", "unknown service 'ae_attendence' (did you mean 'ae_attendance'?)"
    )
  }

  @Test func unknownPoolArrangement() {
    expectIssue(
      validationIssues(Self.withBudget("  margins: [0]\n  pools: aligned")),
      path: "budget.pools", "expected separate or pooled, found 'aligned'")
    expectIssue(
      validationIssues(Self.withBudget("  margins: [0]\n  pools: [health]")),
      path: "budget.pools",
      "expected separate, pooled or a mapping of pool names to lists of services, found a list")
  }

  @Test func fixedBaseNeedsOneAmountPerBudgetYearForEveryPool() {
    let issues = validationIssues(
      Self.withBudget(
        "  base: fixed\n  margins: [0]\n  fixed: {health: [5.1e7, 5.3e7, 5.5e7], heath: [1, 2]}"))
    expectIssue(issues, path: "budget.fixed.health", "expected 2 amounts (one per budget year), found 3")
    expectIssue(issues, path: "budget.fixed.heath", "unknown pool 'heath' (did you mean 'health'?)")
    expectIssue(issues, path: "budget.fixed.social_care", "missing amounts for pool 'social_care'")
    let negative = validationIssues(
      Self.withBudget("  base: fixed\n  margins: [0]\n  fixed: {health: [1, -2], social_care: [1, 2]}"))
    expectIssue(negative, path: "budget.fixed.health[1]", "expected a finite number > 0 (a budget of 0 leaves nothing to measure overspend against), found -2")
    let absent = validationIssues(Self.withBudget("  base: fixed\n  margins: [0]"))
    expectIssue(
      absent, path: "budget.fixed", "missing required key 'fixed'",
      "one amount per budget year for every pool")
  }

  @Test func fixedAmountsKeyedByMappedPools() throws {
    let s = try #require(
      loadedScenario(
        Self.withBudget(
          "  base: fixed\n  margins: [0]\n\(Self.pools)\n  fixed: {care: [3, 4], acute: [1, 2]}")))
    #expect(s.budget.base == .fixed(amounts: [[1, 2], [3, 4]]))
    #expect(
      s.budget.pools == [Pool(name: "acute", services: [1, 0]), Pool(name: "care", services: [2, 3])])
  }

  @Test func capitationNeedsARatePerPool() {
    let issues = validationIssues(
      Self.withBudget(
        "  base: capitation\n  margins: [0]\n  capitation: {rates: {health: 1450}, segments: [general, frail]}"
      ))
    expectIssue(
      issues, path: "budget.capitation.rates.social_care", "missing a capitation rate for pool 'social_care'")
    expectIssue(issues, path: "budget.capitation.segments[1]", "unknown segment 'frail'")
    let absent = validationIssues(Self.withBudget("  base: capitation\n  margins: [0]"))
    expectIssue(absent, path: "budget.capitation", "missing required key 'capitation'")
    let ok = loadedScenario(
      Self.withBudget(
        "  base: capitation\n  margins: [0]\n  capitation: {rates: {social_care: 9, health: 1450}}"))
    #expect(ok?.budget.base == .capitation(rates: [1450, 9], segments: [0, 1]))
  }

  @Test func baseSpecificKeysOnlyWithTheirBase() {
    let issues = validationIssues(
      Self.withBudget("  base: expected\n  margins: [0]\n  fixed: {health: [1, 2], social_care: [1, 2]}"))
    expectIssue(issues, path: "budget.fixed", "only used with base: fixed (base is expected)")
    expectIssue(
      validationIssues(Self.withBudget("  base: expcted\n  margins: [0]")),
      path: "budget.base", "did you mean 'expected'?")
  }

  @Test func proposalsNamingUnknownOrMissingPools() {
    let issues = validationIssues(
      Self.withBudget(
        """
          margins: []
          proposals:
            - name: Board offer
              annual: {health: 5.2e7, socail_care: 1}
        """))
    expectIssue(
      issues, path: "budget.proposals[0].annual.socail_care",
      "unknown pool 'socail_care' (did you mean 'social_care'?)")
    expectIssue(
      issues, path: "budget.proposals[0].annual.social_care",
      "missing an annual amount for pool 'social_care'")
  }

  @Test func proposalNamesAreUniqueAndAmountsNonNegative() {
    let issues = validationIssues(
      Self.withBudget(
        """
          proposals:
            - {name: Offer, annual: {health: 1, social_care: -1}}
            - {name: Offer, annual: {health: 1, social_care: 1}}
        """))
    expectIssue(
      issues, path: "budget.proposals[0].annual.social_care", "expected a finite number > 0 (a budget of 0 leaves nothing to measure overspend against), found -1")
    expectIssue(issues, path: "budget.proposals[1].name", "duplicate proposal name 'Offer'")
  }

  @Test func marginsAreNonNegativeAndThereIsAtLeastOneProposal() {
    let negative = validationIssues(Self.withBudget("  margins: [0, -0.05, 0.1, 0.1]"))
    expectIssue(negative, path: "budget.margins[1]", "expected a margin from 0 to 100 (+10,000 %), found -0.05")
    let repeated = validationIssues(Self.withBudget("  margins: [0, 0.1, 0.1]"))
    expectIssue(repeated, path: "budget.margins[2]", "margin 0.1 is listed twice")
    let none = validationIssues(Self.withBudget("  base: expected"))
    expectIssue(none, path: "budget.margins", "no proposed budget")
    let empty = validationIssues(Self.withBudget("  margins: []"))
    expectIssue(empty, path: "budget.margins", "no proposed budget")
    let onlyProposals = loadedScenario(
      Self.withBudget("  proposals: [{name: Offer, annual: {health: 2, social_care: 1}}]"))
    #expect(onlyProposals?.budget.proposals == [.amounts(name: "Offer", annual: [[2, 2], [1, 1]])])
  }

  /// A proposal can give a pool one amount per budget year (two here), or a margin per year.
  @Test func proposalsByYear() {
    let s = loadedScenario(
      Self.withBudget(
        """
          proposals:
            - {name: Rising, annual: {health: [2, 2.5], social_care: 1}}
            - {name: Stepped, margin: [0.05, 0.1]}
        """))
    #expect(
      s?.budget.proposals == [
        .amounts(name: "Rising", annual: [[2, 2.5], [1, 1]]), .yearlyMargins(name: "Stepped", margins: [0.05, 0.1]),
      ])
    #expect(s?.budget.proposals.map(\.label) == ["Rising", "Stepped"])
  }

  @Test func proposalsByYearNeedOneValuePerBudgetYear() {
    let issues = validationIssues(
      Self.withBudget(
        """
          proposals:
            - {name: Short, annual: {health: [2, 2.5, 3], social_care: [1, 0]}}
            - {name: Stepped, margin: [0.05]}
            - {name: Both, margin: [0.05, 0.1], annual: {health: 1, social_care: 1}}
            - {name: Odd, annual: {health: {a: 1}, social_care: 1}}
            - {name: Negative, margin: [0.05, -0.1]}
        """))
    expectIssue(issues, path: "budget.proposals[0].annual.health", "expected 2 amounts (one per budget year), found 3")
    expectIssue(
      issues, path: "budget.proposals[0].annual.social_care[1]",
      "expected a finite number > 0 (a budget of 0 leaves nothing to measure overspend against), found 0")
    expectIssue(issues, path: "budget.proposals[1].margin", "expected 2 margins (one per budget year), found 1")
    expectIssue(issues, path: "budget.proposals[2].margin", "expected either annual (amounts per pool) or margin (one per budget year), found both")
    expectIssue(issues, path: "budget.proposals[3].annual.health", "or a list of one per budget year, found a mapping")
    expectIssue(issues, path: "budget.proposals[4].margin[1]", "expected a margin from 0 to 100 (+10,000 %), found -0.1")
  }
}
