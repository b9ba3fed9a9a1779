import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// `budget:` keys for the funding arrangements: what loads, and the errors for bad input.
/// The valid scenario has two pools by stream (health, social_care).
@Suite struct ScenarioArrangementTests {
  static func withBudget(_ lines: String) -> String { ScenarioBudgetTests.withBudget("  margins: [0]\n" + lines) }

  static func expectError(_ lines: String, at path: String, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    expectIssue(validationIssues(withBudget(lines)), path: path, message, sourceLocation: sourceLocation)
  }

  @Test func everyKeyLoads() throws {
    let s = try #require(loadedScenario(Self.withBudget("""
        arrangement: aligned
        aligned_transfer_limit: 0.05
        risk_share:
          overspend: [{up_to: 0.02, provider: 1.0}, {up_to: 0.05, provider: 0.5}, {provider: 0}]
          underspend: [{up_to: 0.01, provider: 0.5}, {provider: 0}]
          provider_loss_cap: 0.03
          provider_gain_cap: 0.01
          loss_thresholds: [100000, 500000]
        rebase_fraction: 0.5
        rebase_underspend: false
        carry_forward: true
      """)))
    let b = s.budget
    #expect(b.arrangement == .aligned(transferLimit: 0.05))
    #expect(b.rebaseFraction == 0.5 && !b.rebaseUnderspend)
    #expect(b.carryForward)
    let r = try #require(b.riskShare)
    #expect(r.overspend == [.init(upTo: 0.02, provider: 1), .init(upTo: 0.05, provider: 0.5), .init(upTo: nil, provider: 0)])
    #expect(r.underspend == [.init(upTo: 0.01, provider: 0.5), .init(upTo: nil, provider: 0)])
    #expect(r.providerLossCap == 0.03 && r.providerGainCap == 0.01)
    #expect(r.lossThresholds == [100_000, 500_000])
  }

  @Test func defaultsLeaveTheArrangementsOff() throws {
    let b = try #require(loadedScenario(Self.withBudget(""))).budget
    #expect(b.arrangement == .separate && b.riskShare == nil && b.rebaseFraction == nil && !b.carryForward)
    let r = try #require(loadedScenario(Self.withBudget("  risk_share: {overspend: [{provider: 0.5}]}"))?.budget.riskShare)
    #expect(r.underspend == r.overspend)
    #expect(r.lossThresholds == [0])
    #expect(r.providerLossCap == nil)
  }

  @Test func alignedNeedsTwoPoolsAndALimit() {
    Self.expectError("  pools: pooled\n  arrangement: aligned\n  aligned_transfer_limit: 0.05", at: "budget.arrangement", "needs at least two pools, found 1")
    Self.expectError("  arrangement: aligned", at: "budget.aligned_transfer_limit", "missing required key 'aligned_transfer_limit'")
    Self.expectError("  aligned_transfer_limit: 0.05", at: "budget.aligned_transfer_limit", "only used with arrangement: aligned")
    Self.expectError("  arrangement: alligned", at: "budget.arrangement", "expected separate or aligned, found 'alligned'")
    Self.expectError("  pools: aligned", at: "budget.pools", "found 'aligned' (for aligned pools keep pools separate or a mapping and add arrangement: aligned)")
    Self.expectError("  arrangement: aligned\n  aligned_transfer_limit: -1", at: "budget.aligned_transfer_limit", "expected a finite number >= 0")
  }

  @Test func badBandsAreNamed() {
    func issues(_ bands: String) -> [ScenarioIssue] {
      validationIssues(Self.withBudget("  risk_share:\n    overspend: \(bands)"))
    }
    expectIssue(issues("[{up_to: 0.02, provider: 1}, {up_to: 0.05, provider: 0.5}]"), path: "budget.risk_share.overspend[1].up_to", "the last band runs on without limit")
    expectIssue(issues("[{up_to: 0.05, provider: 1}, {up_to: 0.02, provider: 0.5}, {provider: 0}]"), path: "budget.risk_share.overspend[1].up_to", "expected up_to above the previous band's 0.05, found 0.02")
    expectIssue(issues("[{provider: 1}, {provider: 0}]"), path: "budget.risk_share.overspend[0].up_to", "missing required key 'up_to'")
    expectIssue(issues("[{up_to: 0.02, provider: 1.5}, {provider: 0}]"), path: "budget.risk_share.overspend[0].provider", "expected a probability in [0, 1]")
    expectIssue(issues("[]"), path: "budget.risk_share.overspend", "expected at least one entry")
    expectIssue(issues("[{up_to: 0.02, providr: 1}, {provider: 0}]"), path: "budget.risk_share.overspend[0].providr", "unknown key 'providr' (did you mean 'provider'?)")
    Self.expectError("  risk_share: {underspend: [{provider: 0}]}", at: "budget.risk_share.overspend", "missing required key 'overspend'")
    Self.expectError("  risk_share: {overspend: [{provider: 0}], provider_loss_cap: -0.1, loss_thresholds: [-5]}", at: "budget.risk_share.provider_loss_cap", "expected a finite number >= 0")
    Self.expectError("  risk_share: {overspend: [{provider: 0}], loss_thresholds: [-5]}", at: "budget.risk_share.loss_thresholds[0]", "expected a finite number >= 0")
  }

  @Test func rebaseFractionAndCarryForwardAreChecked() {
    Self.expectError("  rebase_fraction: 0", at: "budget.rebase_fraction", "expected a fraction in (0, 1], found 0")
    Self.expectError("  rebase_fraction: 1.5", at: "budget.rebase_fraction", "expected a fraction in (0, 1]")
    Self.expectError("  rebase_underspend: false", at: "budget.rebase_underspend", "only used with rebase_fraction")
    Self.expectError("  carry_forward: maybe", at: "budget.carry_forward", "expected true or false")
  }
}
