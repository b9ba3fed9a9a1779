import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Syntax, keys, types and value ranges.
@Suite struct ScenarioStructureTests {
  @Test func yamlSyntaxErrorNamesTheLine() {
    let yaml = ScenarioText.replacing(
      ("frail_older: {community_nursing: 24,", "frail_older: {community_nursing: [24,"))
    let issues = validationIssues(yaml)
    #expect(issues.count == 1)
    #expect(issues.first?.message.hasPrefix("invalid YAML at column") == true)
    #expect(issues.first?.line == 30, "\(issues)")
    #expect(issues.first?.description.hasPrefix("test.yaml:30: invalid YAML") == true)
  }

  @Test func badIndentationIsASyntaxErrorWithItsLine() {
    let yaml = ScenarioText.replacing(
      ("    stream: health\n    unit_cost: 85", "    stream: health\n   unit_cost: 85"))
    let issues = validationIssues(yaml)
    #expect(
      issues.count == 1 && issues[0].message.hasPrefix("invalid YAML") && issues[0].line == 14, "\(issues)")
  }

  @Test func duplicateKeyInAMappingIsReported() {
    let issues = validationIssues(
      ScenarioText.replacing(("unit_cost: 85", "unit_cost: 85\n    unit_cost: 86")))
    #expect(issues.count == 1 && issues[0].message.contains("the key 'unit_cost' appears twice"), "\(issues)")
  }

  @Test func emptyFileIsReported() {
    let issues = validationIssues("# nothing here\n")
    #expect(issues.count == 1 && issues[0].message.contains("the file is empty"))
  }

  @Test func rootMustBeAMapping() {
    expectIssue(validationIssues("- a\n- b\n"), path: "", "expected a mapping, found a list")
  }

  @Test func unknownKeysAtEveryLevelAreAllReportedWithDidYouMean() {
    let yaml = ScenarioText.replacing(
      ("name: Test pilot", "name: Test pilot\ncurency: GBP"),
      ("  years: 2", "  years: 2\n  start_mnth: 4"),
      ("    population: 12000", "    populaton: 12000\n    population: 12000"),
      ("    unit_cost: 85", "    unit_cots: 85\n    unit_cost: 85"),
      ("      annual_cost: 2400", "      annual_cost: 2400\n      severty: {distribution: fixed}"),
      ("{lognormal: {mean: 1.0, cv: 0.08}}", "{lognormal: {mean: 1.0, cvv: 0.08}}"),
      ("      role: growth", "      role: growth\n      rol: growth"),
      ("    duration: 3", "    duration: 3\n    durations: 3"),
      ("    ramp: 12", "    ramp: 12\n    rmap: 12"),
      ("  margins:", "  margin: [0.2]\n  margins:"),
      ("  base: expected", "  base: expected\n  provider: {reserv: 0.01}"),
      ("    matrix:", "    matrx: []\n    matrix:"))
    let issues = validationIssues(yaml)
    expectIssue(issues, path: "curency", "unknown key 'curency'", "did you mean 'currency'?", line: 2)
    expectIssue(issues, path: "horizon.start_mnth", "did you mean 'start_month'?")
    expectIssue(issues, path: "segments[0].populaton", "did you mean 'population'?")
    expectIssue(issues, path: "services[0].unit_cots", "did you mean 'unit_cost'?")
    expectIssue(issues, path: "services[3].per_person.severty", "did you mean 'severity'?")
    expectIssue(issues, path: "uncertainty.factors[0].distribution.lognormal.cvv", "did you mean 'cv'?")
    expectIssue(issues, path: "uncertainty.factors[1].rol", "did you mean 'role'?")
    expectIssue(issues, path: "uncertainty.correlation.matrx", "did you mean 'matrix'?")
    expectIssue(issues, path: "shocks[0].durations", "did you mean 'duration'?")
    expectIssue(issues, path: "interventions[0].rmap", "did you mean 'ramp'?")
    expectIssue(issues, path: "budget.margin", "did you mean 'margins'?")
    expectIssue(issues, path: "budget.provider.reserv", "did you mean 'reserve'?")
    #expect(issues.filter { $0.message.hasPrefix("unknown key") }.count == 12, "\(issues)")
  }

  @Test func unknownKeyWithoutACloseMatchListsTheKeys() {
    let issues = validationIssues(
      ScenarioText.replacing(("    growth: 0.02", "    growth: 0.02\n    colour: blue")))
    expectIssue(
      issues, path: "segments[0].colour", "unknown key 'colour'", "expected one of: name, population, growth")
  }

  @Test func missingRequiredKeys() {
    let yaml = ScenarioText.replacing(
      ("name: Test pilot\n", ""),
      ("    stream: health\n    unit_cost: 85", "    unit_cost: 85"),
      ("    population: 250000", "    growth: 0"),
      ("    unit_cost: 30", "    inflation: 0.01"),
      ("      role: growth\n", ""),
      ("    probability: 0.05\n", ""))
    let issues = validationIssues(yaml)
    expectIssue(issues, path: "name", "missing required key 'name'")
    expectIssue(issues, path: "services[0].stream", "missing required key 'stream'")
    expectIssue(issues, path: "segments[1].population", "missing required key 'population'")
    expectIssue(issues, path: "services[2].unit_cost", "missing required key 'unit_cost'", "per_person")
    expectIssue(issues, path: "uncertainty.factors[1].role", "missing required key 'role'")
    expectIssue(issues, path: "shocks[0].probability", "missing required key 'probability'")
  }

  @Test func missingSections() {
    let issues = validationIssues("name: x\n")
    for key in ["horizon", "segments", "services", "budget"] {
      expectIssue(issues, path: key, "missing required key '\(key)'")
    }
  }

  @Test func keyWithoutAValueIsReported() {
    expectIssue(
      validationIssues(ScenarioText.replacing(("unit_cost: 85", "unit_cost:"))),
      path: "services[0].unit_cost", "'unit_cost' has no value")
  }

  @Test func wrongTypes() {
    let yaml = ScenarioText.replacing(
      ("population: 12000", "population: many"),
      ("unit_cost: 85", "unit_cost: \"85\""),
      ("segments: [frail_older]\n      annual", "segments: frail_older\n      annual"),
      ("    matrix:", "    repair: maybe\n    matrix:"),
      ("  years: 2", "  years: [2]"),
      ("    duration: 3", "    duration: 2.5"),
      ("category: proactive", "category: preventive"))
    let issues = validationIssues(yaml)
    expectIssue(issues, path: "segments[0].population", "expected a finite number > 0, found many")
    expectIssue(issues, path: "services[0].unit_cost", "expected a finite number >= 0, found '85'")
    expectIssue(issues, path: "services[3].per_person.segments", "expected a list, found frail_older")
    expectIssue(issues, path: "uncertainty.correlation.repair", "expected true or false, found maybe")
    expectIssue(issues, path: "horizon.years", "expected a whole number from 1 to 100, found a list")
    expectIssue(issues, path: "shocks[0].duration", "expected a whole number >= 1, found 2.5")
    expectIssue(issues, path: "services[0].category", "expected proactive or reactive, found 'preventive'")
  }

  @Test func sectionOfTheWrongKind() {
    let issues = validationIssues(
      ScenarioText.replacing(("segments:\n", "segments: everyone\nx_segments:\n")))
    expectIssue(issues, path: "segments", "expected a list, found everyone")
  }

  @Test func negativeAndNonFiniteValues() {
    let yaml = ScenarioText.replacing(
      ("unit_cost: 85", "unit_cost: -85"),
      ("population: 250000", "population: .nan"),
      ("home_care: 50", "home_care: .inf"),
      ("annual_cost: 2400", "annual_cost: -5"),
      ("growth: 0.02", "growth: -1"),
      ("multiplier: 1.25", "multiplier: -0.5"),
      ("cv: 0.08", "cv: .inf"))
    let issues = validationIssues(yaml)
    // The message in docs/scenario-format.md, word for word.
    #expect(
      issues.contains {
        $0.description == "test.yaml:14: services[0].unit_cost: expected a finite number >= 0, found -85"
      },
      "\(issues)")
    expectIssue(issues, path: "segments[1].population", "expected a finite number > 0, found .nan")
    expectIssue(
      issues, path: "utilisation.frail_older.home_care", "expected a finite number >= 0, found .inf")
    expectIssue(issues, path: "services[3].per_person.annual_cost", "found -5")
    expectIssue(issues, path: "segments[0].growth", "expected a finite number > -1, found -1")
    expectIssue(issues, path: "shocks[0].multiplier", "expected a finite number >= 0, found -0.5")
    expectIssue(
      issues, path: "uncertainty.factors[0].distribution.lognormal.cv",
      "expected a coefficient of variation > 0 and at most 10, found .inf")
  }

  @Test func probabilitiesOutsideTheUnitInterval() {
    let yaml = ScenarioText.replacing(
      ("probability: 0.05", "probability: 1.5"),
      (
        "  base: expected",
        "  base: expected\n  service_gap_threshold: -0.1\n  overspend_target: 2\n  service_gap_target: .nan"
      ))
    let issues = validationIssues(yaml)
    expectIssue(issues, path: "shocks[0].probability", "expected a probability in [0, 1], found 1.5")
    expectIssue(issues, path: "budget.service_gap_threshold", "expected a probability in [0, 1], found -0.1")
    expectIssue(issues, path: "budget.overspend_target", "found 2")
    expectIssue(issues, path: "budget.service_gap_target", "found .nan")
  }

  @Test func otherBudgetScalars() {
    let yaml = ScenarioText.replacing(
      (
        "  base: expected",
        "  base: expected\n  drift_tolerance: 0\n  review_every: 0\n  provider: {reserve: -0.01, rationing_order: pro-rata, response: [absorb, absorb]}"
      ))
    let issues = validationIssues(yaml)
    expectIssue(issues, path: "budget.drift_tolerance", "expected a finite number > 0, found 0")
    expectIssue(issues, path: "budget.review_every", "expected a whole number >= 1, found 0")
    expectIssue(issues, path: "budget.provider.reserve", "expected a finite number >= 0")
    expectIssue(issues, path: "budget.provider.rationing_order", "did you mean 'pro_rata'?")
    expectIssue(issues, path: "budget.provider.response", "each response may be listed once")
  }

  @Test func horizonNotWholeBudgetYears() {
    expectIssue(
      validationIssues(ScenarioText.replacing(("years: 2", "periods: 30"))),
      path: "horizon.periods", "expected a whole number of budget years", "found 30")
    expectIssue(
      validationIssues(ScenarioText.replacing(("years: 2", "periods: 6\n  period: quarter"))),
      path: "horizon.periods", "multiple of 4 quarterly periods")
    expectIssue(
      validationIssues(ScenarioText.replacing(("years: 2", "years: 1.5"))),
      path: "horizon.years", "expected a whole number from 1 to 100, found 1.5")
  }

  @Test func horizonYearsAndPeriodsDisagree() {
    expectIssue(
      validationIssues(ScenarioText.replacing(("years: 2", "years: 2\n  periods: 36"))),
      path: "horizon.periods", "periods (36) and years (2 × 12 = 24) disagree")
    #expect(loadedScenario(ScenarioText.replacing(("years: 2", "years: 2\n  periods: 24"))) != nil)
  }

  @Test func horizonNeedsYearsOrPeriodsAndAValidStartMonth() {
    let issues = validationIssues(ScenarioText.replacing(("years: 2", "start_month: 13\n  period: week")))
    expectIssue(issues, path: "horizon.years", "missing required key 'years'", "or 'periods'")
    expectIssue(issues, path: "horizon.start_month", "expected a whole number from 1 to 12, found 13")
    expectIssue(issues, path: "horizon.period", "expected month or quarter, found 'week'")
  }

  @Test func iterationsAtLeastOneAndSeedInRange() {
    let issues = validationIssues(
      ScenarioText.replacing(
        ("name: Test pilot", "name: Test pilot\nrun: {iterations: 0, seed: -3}\nexact_sum_threshold: -1")))
    expectIssue(issues, path: "run.iterations", "expected a whole number >= 1, found 0")
    expectIssue(issues, path: "run.seed", "expected a whole number from 0 to 18446744073709551615, found -3")
    expectIssue(issues, path: "exact_sum_threshold", "expected a whole number >= 0, found -1")
    let s = loadedScenario(
      ScenarioText.replacing(("name: Test pilot", "name: Test pilot\nrun: {seed: 18446744073709551615}")))
    #expect(s?.defaults.seed == .max)
  }

  @Test func issuesComeInFileOrderAndPrintAsFileLinePathMessage() {
    let yaml = ScenarioText.replacing(
      ("margins: [0, 0.05, 0.1]", "margins: [-1]"), ("population: 12000", "population: 0"))
    let issues = validationIssues(yaml)
    #expect(issues.map(\.line) == [6, 62])
    #expect(
      issues[0].description == "test.yaml:6: segments[0].population: expected a finite number > 0, found 0")
    let error = ScenarioValidationError(issues: issues)
    #expect(error.description.split(separator: "\n").count == 2)
    #expect(ScenarioIssue(file: "f.yaml", line: nil, path: "", message: "m").description == "f.yaml: m")
  }

  @Test func unreadableFileIsAnErrorNamingIt() {
    let path = "/nonexistent/budget-risk/scenario.yaml"
    let error = #expect(throws: ScenarioValidationError.self) { try ScenarioLoader.load(path: path) }
    #expect(error?.issues.count == 1)
    #expect(error?.issues.first?.file == path)
    #expect(error?.issues.first?.description == path + ": cannot read the scenario file: no such file")
  }

  @Test func nonUTF8FileIsAnErrorNamingIt() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "budget-risk-latin1-\(UUID()).yaml")
    try Data([0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0xE9, 0xFF, 0xFE]).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    do {
      _ = try ScenarioLoader.load(path: url.path)
      Issue.record("expected an error")
    } catch {
      #expect(error.issues.first?.description == url.path + ": the scenario file is not UTF-8 text")
    }
  }
}
