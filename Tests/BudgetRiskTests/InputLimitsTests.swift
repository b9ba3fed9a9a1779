import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Every value that used to crash a run of a file `validate` accepted (a budget of 0, huge
/// margins, populations, costs and rates, extreme dispersions and spreads, horizons past the
/// random streams) is now refused by the loader at its key, and a file just inside each limit
/// runs.
@Suite struct InputLimitsTests {
  static func withBudget(_ lines: String) -> String { ScenarioBudgetTests.withBudget(lines) }

  @Test func budgetsOfZeroAreRefused() {
    let fixed = validationIssues(Self.withBudget(
      "  base: fixed\n  fixed: {health: [0, 1e6], social_care: [1e6, 1e6]}\n  margins: [0]"))
    expectIssue(fixed, path: "budget.fixed.health[0]", "expected a finite number > 0", "a budget of 0", "found 0")
    let proposal = validationIssues(Self.withBudget(
      "  proposals:\n    - {name: Nil, annual: {health: 0, social_care: 1e6}}"))
    expectIssue(proposal, path: "budget.proposals[0].annual.health", "expected a finite number > 0", "found 0")
    let capitation = validationIssues(Self.withBudget(
      "  base: capitation\n  capitation:\n    rates: {health: 0, social_care: 100}\n    segments: [general]\n  margins: [0]"))
    expectIssue(capitation, path: "budget.capitation.rates.health", "expected a finite number > 0", "found 0")
  }

  @Test func hugeMarginsAreRefusedAndTheirLabelsNeverTrap() {
    for margin in ["1e17", "1e13", "101"] {
      let issues = validationIssues(Self.withBudget("  margins: [0, \(margin)]"))
      expectIssue(issues, path: "budget.margins[1]", "expected a margin from 0 to 100", "found \(margin)", line: 61)
    }
    // The label of a margin past Int's range is written as a decimal, not converted.
    #expect(Proposal.margin(1e17).label == "margin 1e+19%")
    #expect(Proposal.margin(100).label == "margin 10000%")
  }

  @Test func numbersOutsideTheEnvelopeAreRefused() {
    let cases: [(String, String, String)] = [
      ("population: 12000", "population: 1e308", "segments[0].population"),
      ("unit_cost: 85", "unit_cost: 1e308", "services[0].unit_cost"),
      ("unit_cost: 85", "unit_cost: 5e-324", "services[0].unit_cost"),
      ("community_nursing: 24,", "community_nursing: 1e308,", "utilisation.frail_older.community_nursing"),
      ("multiplier: 1.25", "multiplier: 1e16", "shocks[0].multiplier"),
    ]
    for (old, new, path) in cases {
      let issues = validationIssues(ScenarioText.replacing((old, new)))
      expectIssue(issues, path: path, "every number in a scenario is 0 or of size from 1e-12 to 1e15")
    }
  }

  @Test func extremeDispersionsAndSpreadsAreRefused() {
    let dispersion = validationIssues(ScenarioText.replacing(
      ("unit_cost: 85\n", "unit_cost: 85\n    noise: {distribution: negative_binomial, dispersion: 5e-324}\n")))
    expectIssue(dispersion, path: "services[0].noise.dispersion", "expected a dispersion of at least 0.01")
    let severity = validationIssues(ScenarioText.replacing(
      ("unit_cost: 85\n", "unit_cost: 85\n    severity: {distribution: gamma, cv: 1000}\n")))
    expectIssue(severity, path: "services[0].severity.cv", "at most 100", "found 1000")
    let cv = validationIssues(ScenarioText.replacing(("{mean: 1.0, cv: 0.08}", "{mean: 1.0, cv: 1e200}")))
    expectIssue(
      cv, path: "uncertainty.factors[0].distribution.lognormal.cv", "at most 10", "found 1e200")
    let sigma = validationIssues(ScenarioText.replacing(("{mean: 1.0, cv: 0.08}", "{mu: 0, sigma: 7}")))
    expectIssue(sigma, path: "uncertainty.factors[0].distribution.lognormal.sigma", "at most 2.15", "found 7")
    let shape = validationIssues(ScenarioText.replacing(
      ("{lognormal: {mean: 1.0, cv: 0.08}}", "{gamma: {shape: 0.001, scale: 1}}")))
    expectIssue(shape, path: "uncertainty.factors[0].distribution.gamma.shape", "at least 0.01")
  }

  @Test func horizonsPastAHundredYearsAreRefused() {
    let years = validationIssues(ScenarioText.replacing(("years: 2", "years: 1e9")))
    expectIssue(years, path: "horizon.years", "expected a whole number from 1 to 100", "found 1e9", line: 3)
    let periods = validationIssues(ScenarioText.replacing(("years: 2", "periods: 10000\n  period: quarter")))
    expectIssue(periods, path: "horizon.periods", "expected a whole number from 1 to 400", "found 10000")
    let monthly = validationIssues(ScenarioText.replacing(("years: 2", "periods: 20004")))
    expectIssue(monthly, path: "horizon.periods", "from 1 to 1200", "found 20004")
  }

  /// Products of values inside the envelope, which only the compiled plan can see.
  @Test func productsPastTheEngineRangeAreRefusedAtTheirKey() {
    let money = validationIssues(ScenarioText.replacing(
      ("population: 250000", "population: 1e15"), ("unit_cost: 250", "unit_cost: 1e15")))
    expectIssue(money, path: "segments", "the expected cost of pool 'health' over the horizon is", "at most 1e+18")
    #expect(money.allSatisfy { $0.line != nil })
    let gammaMean = validationIssues(ScenarioText.replacing(
      ("{lognormal: {mean: 1.0, cv: 0.08}}", "{gamma: {mean: 1e15, cv: 0.1}}")))
    expectIssue(gammaMean, path: "segments", "the expected cost of pool 'health'")
    let tiny = validationIssues(Self.withBudget(
      "  base: fixed\n  fixed: {health: [1e-9, 1e-9], social_care: [1e6, 1e6]}\n  margins: [0]"))
    expectIssue(tiny, path: "budget", "the expected cost of pool 'health' is", "times its base budget")
    let proposal = validationIssues(Self.withBudget(
      "  margins: [0]\n  proposals:\n    - {name: Tiny, annual: {health: 1e-3, social_care: 1e6}}"))
    expectIssue(proposal, path: "budget.proposals[0].annual.health", "proposal 'Tiny'", "the ratio must lie within")
    // A budget year balances on its own: one year's amount far below its cost is refused too.
    let dip = validationIssues(Self.withBudget(
      "  margins: [0]\n  proposals:\n    - {name: Dip, annual: {health: [1e7, 1e-3], social_care: 1e6}}"))
    expectIssue(dip, path: "budget.proposals[0].annual.health", "proposal 'Dip'", "in budget year 2", "the ratio must lie within")
    #expect(!dip.contains { $0.message.contains("budget year 1 ") })
    // A growth of sd 50 can fall below -100 %: no finite expected cost.
    let growth = validationIssues(ScenarioText.replacing(
      ("{triangular: {min: 0.01, mode: 0.025, max: 0.05}}", "{normal: {mean: 0.02, sd: 50}}")))
    expectIssue(growth, path: "segments", "is not a finite number")
    // Two factors of cv 10 on one service: each is allowed, their joint extreme is not.
    let spread = validationIssues(ScenarioText.replacing(
      ("{lognormal: {mean: 1.0, cv: 0.08}}", "{lognormal: {mean: 1.0, cv: 10}}"),
      ("  correlation:", """
          - name: price
            distribution: {lognormal: {mean: 1.0, cv: 10}}
            role: unit_cost_multiplier
            services: [ae_attendance]
          - name: more
            distribution: {lognormal: {mean: 1.0, cv: 10}}
            role: unit_cost_multiplier
            services: [ae_attendance]
        correlation:
      """)))
    expectIssue(spread, path: "uncertainty.factors[0].distribution", "at its extreme (probability 1e-9)", "narrow this spread")
  }

  /// What Engine.run used to refuse with a usage error (exit 64) after `validate` said valid.
  @Test func theEngineStreamLimitsAreValidationErrors() {
    let threshold = validationIssues(ScenarioText.replacing(("name: Test pilot", "name: Test pilot\nexact_sum_threshold: 300000")))
    expectIssue(threshold, path: "exact_sum_threshold", "at most 200000", "found 300000", line: 2)
  }

  /// Files at the edge of each limit validate and run to finite figures.
  @Test func filesAtTheLimitsRun() throws {
    let yaml = ScenarioText.replacing(
      ("years: 2", "years: 100\n  period: quarter"), ("margins: [0, 0.05, 0.1]", "margins: [0, 100]"),
      ("{mean: 1.0, cv: 0.08}", "{mean: 1.0, cv: 10}"),
      ("unit_cost: 30\n", "unit_cost: 30\n    noise: {distribution: negative_binomial, dispersion: 0.01}\n"))
    let scenario = try #require(loadedScenario(yaml))
    let run = try Engine.run(scenario, options: RunOptions(iterations: 128, seed: 1, threads: 2))
    let figures = RunFigures(run)
    let data = try JSONReport.encode(manifest: RunManifest(run: run), figures: figures)
    let text = String(decoding: data, as: UTF8.self)
    #expect(!text.lowercased().contains("nan") && !text.contains("inf"))
    #expect(text.contains("margin 10000%"))
  }

  @Test func messagesEscapeControlCharacters() {
    let issues = validationIssues(ScenarioText.replacing(
      ("- name: community_nursing", "- name: \"c\\nx.yaml:1: forged\"")))
    let text = issues.map(\.description).joined(separator: "\n")
    #expect(text.contains("c\\nx.yaml:1: forged"))
    #expect(!text.contains("\nx.yaml:1: forged"))
    #expect(issues.allSatisfy { !$0.description.contains("\n") })
  }
}
