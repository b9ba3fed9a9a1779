import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Factors, their distributions and roles, and the correlation matrix.
@Suite struct ScenarioUncertaintyTests {
  static let firstFactor =
    "      distribution: {lognormal: {mean: 1.0, cv: 0.08}}\n      role: rate_multiplier\n      services: [ae_attendance]"

  /// The test scenario with factor 0 replaced by `distribution` in `role` (default targets).
  static func withFirstFactor(_ distribution: String, role: String) -> String {
    ScenarioText.replacing((firstFactor, "      distribution: \(distribution)\n      role: \(role)"))
  }

  static let negativeMultipliers: [(String, String, String)] = [
    ("{normal: {mean: 1, sd: 0.1}}", "rate_multiplier", "but a normal distribution can"),
    ("{uniform: {min: -0.1, max: 2}}", "unit_cost_multiplier", "but this uniform distribution reaches -0.1"),
    (
      "{triangular: {min: -1, mode: 1, max: 2}}", "rate_multiplier",
      "this triangular distribution reaches -1.0"
    ),
    ("{pert: {min: -0.2, mode: 1, max: 2}}", "population_multiplier", "this pert distribution reaches -0.2"),
    (
      "{beta: {alpha: 2, beta: 2, min: -0.5, max: 1.5}}", "unit_cost_multiplier",
      "this beta distribution reaches -0.5"
    ),
    (
      "{discrete: {values: [-1, 1], weights: [1, 1]}}", "population_multiplier",
      "this discrete distribution reaches -1.0"
    ),
    ("-0.5", "rate_multiplier", "this fixed distribution reaches -0.5"),
  ]

  @Test(arguments: negativeMultipliers)
  func multiplierFactorsThatCanBeNegativeAreRejected(distribution: String, role: String, fragment: String) {
    let issues = validationIssues(Self.withFirstFactor(distribution, role: role))
    expectIssue(
      issues, path: "uncertainty.factors[0].distribution", "a \(role) factor must not take negative values",
      fragment)
  }

  @Test(arguments: [
    "{lognormal: {mean: 1, cv: 0.2}}", "{gamma: {shape: 2, scale: 0.5}}", "{uniform: {min: 0, max: 2}}",
    "{discrete: {values: [-1, 1], weights: [0, 1]}}",
  ])
  func multiplierFactorsOnZeroToInfinityAreAccepted(distribution: String) {
    #expect(loadedScenario(Self.withFirstFactor(distribution, role: "rate_multiplier")) != nil)
  }

  /// A multiplier fixed at 0 on every service leaves an expected cost, hence a base budget
  /// (base: expected), of 0: overspend against it is undefined, so the file is refused.
  @Test func aMultiplierOfZeroEverywhereLeavesNoBudget() {
    let issues = validationIssues(Self.withFirstFactor("0", role: "rate_multiplier"))
    expectIssue(issues, path: "budget.base", "the base budget of pool 'health' is 0 in budget year 1")
  }

  @Test func growthAndEffectBounds() {
    let issues = validationIssues(
      Self.withFirstFactor("{uniform: {min: -1.5, max: 0.1}}", role: "growth\n      segments: [general]"))
    expectIssue(
      issues, path: "uncertainty.factors[0].distribution", "a growth rate must stay above -1", "reaches -1.5")
    let effect = validationIssues(
      Self.withFirstFactor("{uniform: {min: 0, max: 1.2}}", role: "intervention_effect"))
    expectIssue(
      effect, path: "uncertainty.factors[0].distribution", "an intervention effect must not exceed 1",
      "reaches 1.2")
  }

  static let badDistributions: [(String, String, String)] = [
    ("{normal: {mean: 1, sd: 0}}", ".normal.sd", "expected a finite number > 0, found 0"),
    (
      "{lognormal: {mean: 1, cv: 0.1, sigma: 0.2}}", ".lognormal",
      "give mean and cv, or mu and sigma, not both"
    ),
    ("{lognormal: {mean: -1, cv: 0.1}}", ".lognormal.mean", "expected a finite number > 0, found -1"),
    ("{gamma: {mean: 1, cv: 0}}", ".gamma.cv", "expected a coefficient of variation > 0 and at most 10, found 0"),
    ("{gamma: {shape: 2}}", ".gamma.scale", "missing required key 'scale'"),
    (
      "{triangular: {min: 0, mode: 3, max: 2}}", ".triangular.mode",
      "expected a mode between min (0.0) and max (2.0), found 3.0"
    ),
    ("{uniform: {min: 2, max: 1}}", ".uniform.max", "max (1.0) must be greater than min (2.0)"),
    ("{pert: {min: 1, mode: 1, max: 1}}", ".pert.max", "must be greater than min"),
    ("{beta: {alpha: -1, beta: 2}}", ".beta.alpha", "expected a finite number > 0, found -1"),
    ("{beta: {alpha: 1, beta: 2, min: 3}}", ".beta.min", "max (1.0) must be greater than min (3.0)"),
    (
      "{discrete: {values: [1, 2], weights: [1]}}", ".discrete.weights",
      "expected 2 weights (one per value), found 1"
    ),
    ("{discrete: {values: [1, 2], weights: [0, 0]}}", ".discrete.weights", "positive sum"),
    (
      "{discrete: {values: [1, .nan], weights: [1, 1]}}", ".discrete.values[1]",
      "expected a finite number, found .nan"
    ),
    (
      "{lognormla: {mean: 1, cv: 0.1}}", ".lognormla",
      "unknown distribution 'lognormla' (did you mean 'lognormal'?)"
    ),
    ("{lognormal: {mean: 1, cv: 0.1}, gamma: {mean: 1, cv: 0.1}}", "", "expected exactly one distribution"),
    (
      "lognormal", "",
      "expected a number or a distribution such as {lognormal: {mean: 1.0, cv: 0.1}}, found lognormal"
    ),
    (".nan", "", "expected a finite number, found .nan"),
    ("{fixed: {value: .inf}}", ".fixed.value", "found .inf"),
    ("{normal: {mean: 1, sd: 1, sdd: 2}}", ".normal.sdd", "did you mean 'sd'?"),
  ]

  @Test(arguments: badDistributions)
  func distributionParametersAreChecked(distribution: String, pathSuffix: String, fragment: String) {
    let issues = validationIssues(Self.withFirstFactor(distribution, role: "rate_multiplier"))
    expectIssue(issues, path: "uncertainty.factors[0].distribution" + pathSuffix, fragment)
  }

  @Test func replacingRoleTargetsEachItemOnce() {
    let yaml = ScenarioText.replacing(
      (
        "  correlation:",
        """
            - name: general_inflation
              distribution: 0.03
              role: inflation
            - name: acute_inflation
              distribution: 0.05
              role: inflation
              services: [ae_attendance]
            - name: more_growth
              distribution: 0.01
              role: growth
              segments: [general, frail_older]
          correlation:
        """
      ))
    let issues = validationIssues(yaml)
    expectIssue(
      issues, path: "uncertainty.factors[3].services",
      "service 'ae_attendance' is already targeted by inflation factor 'general_inflation'")
    expectIssue(
      issues, path: "uncertainty.factors[4].segments",
      "segment 'frail_older' is already targeted by growth factor 'older_growth'")
    #expect(!issues.contains { $0.message.contains("'general' is already") })
  }

  @Test func multipliersCompose() {
    let yaml = ScenarioText.replacing(
      (
        "  correlation:",
        """
            - name: acute_pressure
              distribution: {gamma: {mean: 1, cv: 0.1}}
              role: rate_multiplier
              services: [ae_attendance]
          correlation:
        """
      ))
    #expect(loadedScenario(yaml)?.factors.count == 3)
  }

  @Test func targetsMustMatchTheRole() {
    let both = validationIssues(
      ScenarioText.replacing(
        ("      services: [ae_attendance]", "      services: [ae_attendance]\n      segments: [general]")))
    expectIssue(both, path: "uncertainty.factors[0].segments", "give services or segments, not both")
    let growth = validationIssues(
      ScenarioText.replacing(
        ("      segments: [frail_older]\n  correlation", "      services: [home_care]\n  correlation")))
    expectIssue(
      growth, path: "uncertainty.factors[1].services", "a growth factor targets segments, not services")
    let empty = validationIssues(
      ScenarioText.replacing(("      services: [ae_attendance]", "      services: []")))
    expectIssue(empty, path: "uncertainty.factors[0].services", "expected at least one entry")
  }

  @Test func unknownRoleHasDidYouMean() {
    expectIssue(
      validationIssues(ScenarioText.replacing(("role: rate_multiplier", "role: rate_multipler"))),
      path: "uncertainty.factors[0].role", "found 'rate_multipler' (did you mean 'rate_multiplier'?)")
  }

  // MARK: Correlation

  static func withMatrix(_ rows: String) -> String {
    ScenarioText.replacing(("      - [1.0, 0.3]\n      - [0.3, 1.0]", rows))
  }

  @Test func correlationMatrixNotSquare() {
    expectIssue(
      validationIssues(Self.withMatrix("      - [1.0, 0.3]\n      - [0.3]")),
      path: "uncertainty.correlation.matrix[1]", "expected 2 entries (a square matrix with 2 rows), found 1")
  }

  @Test func correlationMatrixOfTheWrongSizeForItsFactors() {
    let issues = validationIssues(Self.withMatrix("      - [1, 0, 0]\n      - [0, 1, 0]\n      - [0, 0, 1]"))
    expectIssue(
      issues, path: "uncertainty.correlation.matrix",
      "expected a 2×2 matrix (one row and column per name in correlation.factors), found 3×3", line: 44)
  }

  @Test func correlationMatrixNotSymmetric() {
    expectIssue(
      validationIssues(Self.withMatrix("      - [1.0, 0.3]\n      - [0.4, 1.0]")),
      path: "uncertainty.correlation.matrix[1][0]", "not symmetric: [1][0] is 0.4 but [0][1] is 0.3", line: 46
    )
  }

  @Test func correlationMatrixWithoutUnitDiagonal() {
    expectIssue(
      validationIssues(Self.withMatrix("      - [0.9, 0.3]\n      - [0.3, 1.0]")),
      path: "uncertainty.correlation.matrix[0][0]", "expected 1 on the diagonal, found 0.9")
  }

  @Test func correlationEntriesOutsideMinusOneToOne() {
    let issues = validationIssues(Self.withMatrix("      - [1.0, 1.2]\n      - [.nan, 1.0]"))
    expectIssue(
      issues, path: "uncertainty.correlation.matrix[0][1]", "expected a correlation in [-1, 1], found 1.2")
    expectIssue(issues, path: "uncertainty.correlation.matrix[1][0]", "found .nan")
  }

  @Test func correlationFactorsListedTwice() {
    expectIssue(
      validationIssues(
        ScenarioText.replacing(
          ("factors: [demand_level, older_growth]", "factors: [demand_level, demand_level]"))),
      path: "uncertainty.correlation.factors[1]", "factor 'demand_level' is listed twice")
  }

  /// Three factors with the rank correlation [[1, .9, .2], [.9, 1, .9], [.2, .9, 1]], whose
  /// smallest eigenvalue is −0.1767145334803706 (numpy.linalg.eigvalsh).
  static func nonPSD(repair: Bool?) -> String {
    ScenarioText.replacing(
      (
        "  correlation:",
        """
            - name: cost_level
              distribution: {lognormal: {mean: 1, cv: 0.05}}
              role: unit_cost_multiplier
          correlation:
        """
      ),
      ("factors: [demand_level, older_growth]", "factors: [cost_level, demand_level, older_growth]"),
      (
        "      - [1.0, 0.3]\n      - [0.3, 1.0]",
        "      - [1.0, 0.9, 0.2]\n      - [0.9, 1.0, 0.9]\n      - [0.2, 0.9, 1.0]"
          + (repair.map { "\n    repair: \($0)" } ?? "")
      ))
  }

  @Test func correlationNotPositiveSemidefiniteIsRejected() {
    for repair in [nil, false] {
      let issues = validationIssues(Self.nonPSD(repair: repair))
      #expect(issues.count == 1)
      // The message in docs/scenario-format.md, word for word.
      expectIssue(
        issues, path: "uncertainty.correlation.matrix",
        "not positive semi-definite (smallest eigenvalue -0.177); set repair: true to use the nearest correlation matrix",
        line: 47)
    }
  }

  @Test func correlationRepairedOnRequestAndRecorded() throws {
    let s = try #require(loadedScenario(Self.nonPSD(repair: true)))
    let c = try #require(s.correlation)
    let repair = try #require(c.repair)
    // References from the numpy implementation quoted in CorrelationTests.
    #expect(abs(repair.smallestEigenvalue - -0.1767145334803706) < 1e-12)
    #expect(abs(repair.largestChange - 0.10448935016317007) < 1e-8)
    #expect(c.count == 3)
    // Factor order in the model: demand_level, older_growth, cost_level; matrix order: cost, demand, growth.
    func rho(_ a: Int, _ b: Int) -> Double { c.spearman[a * 3 + b] }
    #expect(abs(rho(2, 0) - 0.7955106498368303) < 1e-8)  // cost–demand
    #expect(abs(rho(0, 1) - 0.79551064983683) < 1e-8)  // demand–growth
    #expect(abs(rho(2, 1) - 0.2656743880076294) < 1e-8)  // cost–growth
    #expect(rho(0, 0) == 1 && rho(1, 1) == 1 && rho(2, 2) == 1)
    #expect(CorrelationMatrix.isPositiveSemidefinite(c.spearman, count: 3))
  }
}
