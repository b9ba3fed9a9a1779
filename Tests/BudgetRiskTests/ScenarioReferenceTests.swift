import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Names and the references between sections; services, shocks and interventions.
@Suite struct ScenarioReferenceTests {
  @Test func unknownNamesAreReportedWithDidYouMean() {
    let yaml = ScenarioText.replacing(
      ("general: {ae_attendance: 0.35}", "general: {ae_atendance: 0.35}\n  frial_older: {home_care: 1}"),
      ("      services: [ae_attendance]", "      services: [ae_attendence]"),
      ("      segments: [frail_older]\n  correlation", "      segments: [frail_oldr]\n  correlation"),
      ("factors: [demand_level, older_growth]", "factors: [demand_levl, older_growth]"),
      ("    services: [ae_attendance]", "    services: [a_and_e]"),
      ("proactive: [community_nursing]", "proactive: [comunity_nursing]"),
      ("segments: [frail_older]\n      annual", "segments: [frail]\n      annual"))
    let issues = validationIssues(yaml)
    // The message in docs/scenario-format.md (with this file's path and line).
    expectIssue(issues, path: "utilisation.general.ae_atendance", line: 31)
    #expect(
      issues.contains {
        $0.description
          == "test.yaml:31: utilisation.general.ae_atendance: unknown service 'ae_atendance' (did you mean 'ae_attendance'?)"
      })
    expectIssue(
      issues, path: "utilisation.frial_older", "unknown segment 'frial_older' (did you mean 'frail_older'?)",
      line: 32)
    expectIssue(
      issues, path: "uncertainty.factors[0].services[0]",
      "unknown service 'ae_attendence' (did you mean 'ae_attendance'?)")
    expectIssue(
      issues, path: "uncertainty.factors[1].segments[0]",
      "unknown segment 'frail_oldr' (did you mean 'frail_older'?)")
    expectIssue(
      issues, path: "uncertainty.correlation.factors[0]",
      "unknown factor 'demand_levl' (did you mean 'demand_level'?)")
    expectIssue(issues, path: "shocks[0].services[0]", "unknown service 'a_and_e'")
    expectIssue(issues, path: "interventions[0].proactive[0]", "did you mean 'community_nursing'?")
    expectIssue(issues, path: "services[3].per_person.segments[0]", "unknown segment 'frail'")
    #expect(!issues.contains { $0.path == "shocks[0].services[0]" && $0.message.contains("did you mean") })
  }

  @Test func unknownInterventionNameInAFactor() {
    let yaml = ScenarioText.replacing(
      (
        "  correlation:",
        """
            - name: coordination_effect
              distribution: 0.1
              role: intervention_effect
              interventions: [coordnation]
          correlation:
        """
      ))
    expectIssue(
      validationIssues(yaml), path: "uncertainty.factors[2].interventions[0]",
      "unknown intervention 'coordnation' (did you mean 'coordination'?)")
  }

  @Test func duplicateNames() {
    let yaml = ScenarioText.replacing(
      ("  - name: general", "  - name: frail_older"),
      ("  - name: home_care", "  - name: ae_attendance"),
      ("    - name: older_growth", "    - name: demand_level"),
      (
        "  - name: winter_surge",
        "  - name: winter_surge\n    probability: 0.1\n    duration: 1\n    multiplier: 2\n  - name: winter_surge"
      ))
    let issues = validationIssues(yaml)
    expectIssue(
      issues, path: "segments[1].name",
      "duplicate segment name 'frail_older' (first used at segments[0].name, line 5)")
    expectIssue(issues, path: "services[2].name", "duplicate service name 'ae_attendance'")
    expectIssue(issues, path: "uncertainty.factors[1].name", "duplicate factor name 'demand_level'")
    expectIssue(issues, path: "shocks[1].name", "duplicate shock name 'winter_surge'")
  }

  @Test func namesAreLettersDigitsUnderscoresAndHyphens() {
    let issues = validationIssues(ScenarioText.replacing(("  - name: general", "  - name: general population")))
    expectIssue(
      issues, path: "segments[1].name", "expected a name of letters, digits, _ and -, found 'general population'")
    // The unreadable name may be the one utilisation's 'general' meant: no second issue for it.
    #expect(issues.count == 1, "\(issues)")
  }

  @Test func aNameListedTwiceInOneListIsReported() {
    expectIssue(
      validationIssues(
        ScenarioText.replacing(
          (
            "    services: [ae_attendance]\ninterventions",
            "    services: [ae_attendance, ae_attendance]\ninterventions"
          ))),
      path: "shocks[0].services[1]", "service 'ae_attendance' is listed twice")
  }

  @Test func perPersonServicesMayNotAppearInUtilisation() {
    let issues = validationIssues(
      ScenarioText.replacing(("home_care: 50}", "home_care: 50, residential_care: 1}")))
    expectIssue(
      issues, path: "utilisation.frail_older.residential_care", "'residential_care' is a per_person service",
      line: 30)
  }

  @Test func serviceNeedsUnitCostOrPerPersonNotBoth() {
    let issues = validationIssues(
      ScenarioText.replacing(
        (
          "      annual_cost: 2400",
          "      annual_cost: 2400\n    unit_cost: 5\n    noise: {distribution: poisson}"
        )))
    expectIssue(issues, path: "services[3].per_person", "give either unit_cost or per_person, not both")
    let perPersonNoise = validationIssues(
      ScenarioText.replacing(
        (
          "      annual_cost: 2400",
          "      annual_cost: 2400\n    noise: {distribution: poisson}\n    severity: {distribution: fixed}"
        )))
    expectIssue(perPersonNoise, path: "services[3].noise", "a per_person service has none")
    expectIssue(perPersonNoise, path: "services[3].severity", "inside per_person")
  }

  @Test func severityAndNoiseChecks() {
    let yaml = ScenarioText.replacing(
      (
        "unit_cost: 85",
        "unit_cost: 85\n    severity: {distribution: gama, cv: 0.5}\n    noise: {distribution: negative_binomial}"
      ),
      (
        "unit_cost: 250",
        "unit_cost: 250\n    severity: {distribution: fixed, cv: 0.5}\n    noise: {distribution: poisson, dispersion: 3}"
      ),
      (
        "unit_cost: 30",
        "unit_cost: 30\n    severity: {distribution: lognormal, cv: 0}\n    noise: {distribution: negative_binomial, dispersion: -2}"
      ))
    let issues = validationIssues(yaml)
    expectIssue(issues, path: "services[0].severity.distribution", "found 'gama' (did you mean 'gamma'?)")
    expectIssue(issues, path: "services[0].noise.dispersion", "missing required key 'dispersion'")
    expectIssue(issues, path: "services[1].severity.cv", "a fixed severity takes no cv")
    expectIssue(issues, path: "services[1].noise.dispersion", "poisson noise takes no dispersion")
    expectIssue(issues, path: "services[2].severity.cv", "expected a coefficient of variation > 0 and at most 100, found 0")
    expectIssue(issues, path: "services[2].noise.dispersion", "expected a dispersion of at least 0.01, found -2")
  }

  @Test func seasonalityOfTheWrongLengthOrNegative() {
    let yaml = ScenarioText.replacing(
      ("unit_cost: 85", "unit_cost: 85\n    seasonality: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"),
      ("unit_cost: 250", "unit_cost: 250\n    seasonality: [1, 1, -0.5, 1]"),
      ("unit_cost: 30", "unit_cost: 30\n    seasonality: [0, 0, 0, 0]"))
    let issues = validationIssues(yaml)
    expectIssue(
      issues, path: "services[0].seasonality",
      "expected 12 monthly (January to December) or 4 quarterly factors, found 11")
    expectIssue(issues, path: "services[1].seasonality[2]", "expected a finite number >= 0, found -0.5")
    expectIssue(issues, path: "services[2].seasonality", "at least one positive factor")
  }

  @Test func interventionListsMustHaveTheRightCategories() {
    let yaml = ScenarioText.replacing(
      ("proactive: [community_nursing]", "proactive: [community_nursing, home_care]"),
      ("targets: [ae_attendance]", "targets: [community_nursing]"))
    let issues = validationIssues(yaml)
    expectIssue(
      issues, path: "interventions[0].proactive[1]", "service 'home_care' is reactive",
      "proactive list takes proactive services")
    expectIssue(
      issues, path: "interventions[0].targets[0]", "service 'community_nursing' is proactive",
      "targets must be reactive")
  }

  @Test func interventionLagRampAndStart() {
    let yaml = ScenarioText.replacing(("lag: 6", "lag: -1"), ("ramp: 12", "ramp: 0\n    start: 24"))
    let issues = validationIssues(yaml)
    expectIssue(issues, path: "interventions[0].lag", "expected a whole number >= 1", "found -1")
    // A same-period effect would be circular under rationing: lag 0 is refused with the reason.
    expectIssue(
      validationIssues(ScenarioText.replacing(("lag: 6", "lag: 0"))), path: "interventions[0].lag",
      "expected a whole number >= 1 (activity delivered in a period changes demand from a later period), found 0")
    expectIssue(issues, path: "interventions[0].ramp", "expected a whole number >= 1, found 0")
    expectIssue(
      issues, path: "interventions[0].start", "expected a period within the horizon (0 to 23), found 24")
    let fine = loadedScenario(ScenarioText.replacing(("ramp: 12", "ramp: 12\n    start: 23")))
    #expect(fine?.interventions[0].start == 23)
  }

  @Test func interventionEffectIsRequiredUnlessAFactorSetsIt() {
    let issues = validationIssues(ScenarioText.replacing(("    effect: 0.08\n", "")))
    expectIssue(
      issues, path: "interventions[0].effect", "missing required key 'effect'", "intervention_effect factor")
    expectIssue(
      validationIssues(ScenarioText.replacing(("effect: 0.08", "effect: 1.5"))),
      path: "interventions[0].effect", "expected a finite number <= 1, found 1.5")
    #expect(
      loadedScenario(ScenarioText.replacing(("effect: 0.08", "effect: -0.1")))?.interventions[0].effect
        == -0.1)
  }

  @Test func shockDurationMultiplierAndDefaultServices() {
    let issues = validationIssues(ScenarioText.replacing(("duration: 3", "duration: 0")))
    expectIssue(issues, path: "shocks[0].duration", "expected a whole number >= 1, found 0")
    let s = loadedScenario(
      ScenarioText.replacing(("    services: [ae_attendance]\ninterventions", "interventions")))
    #expect(s?.shocks[0].services == [0, 1, 2, 3])
  }
}
