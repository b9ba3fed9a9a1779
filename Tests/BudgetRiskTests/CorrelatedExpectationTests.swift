import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// The expected cost includes the factors' dependence: E[XY] = E[X]E[Y] + Cov(X, Y).
@Suite struct CorrelatedExpectationTests {
  static func yaml(spearman: Double, secondDistribution: String = "{lognormal: {mean: 1.0, cv: 0.3}}") -> String {
    """
    name: Correlated multipliers
    horizon: {years: 1}
    segments: [{name: area, population: 1000}]
    services:
      - {name: visits, category: reactive, stream: health, unit_cost: 100}
    utilisation: {area: {visits: 2}}
    uncertainty:
      factors:
        - {name: demand, distribution: {lognormal: {mean: 1.0, cv: 0.4}}, role: rate_multiplier, services: [visits]}
        - {name: price, distribution: \(secondDistribution), role: unit_cost_multiplier, services: [visits]}
      correlation:
        factors: [demand, price]
        matrix: [[1.0, \(spearman)], [\(spearman), 1.0]]
    budget: {margins: [0]}
    """
  }

  /// Two lognormal multipliers with mean 1, log-sds σᵢ = √ln(1 + cvᵢ²), whose copula normals
  /// have Pearson ρ = 2·sin(π·ρ_S/6): E[XY] = exp(ρ·σ₁·σ₂). The year's expected cost is
  /// 1000 · 2 · 100 · E[XY]; the quadrature must match it to 1e−9 relative.
  @Test(arguments: [0.0, 0.5, 0.9, -0.6])
  func twoCorrelatedLognormalsHaveTheClosedFormExpectation(spearman: Double) throws {
    let scenario = try #require(loadedScenario(Self.yaml(spearman: spearman)))
    let plan = try SimulationPlan(scenario)
    let rho = 2 * sin(Double.pi * spearman / 6)
    let s1 = log(1 + 0.4 * 0.4).squareRoot(), s2 = log(1 + 0.3 * 0.3).squareRoot()
    let exact = 200_000 * exp(rho * s1 * s2)
    let analytic = plan.expected.poolCost.reduce(0, +)
    #expect(abs(analytic / exact - 1) < 1e-9, "ρ_S = \(spearman): \(analytic) vs \(exact)")
  }

  /// The engine's simulated mean agrees with the expected base within 4 SE of the mean, and
  /// the product of the means (the former base) does not: the covariance term is ~10 %.
  @Test func simulatedMeanMatchesTheExpectedBase() throws {
    let scenario = try #require(loadedScenario(Self.yaml(spearman: 0.9)))
    let n = 20_000
    let (run, figures) = try TestScenario.run(scenario, iterations: n, seed: 9)
    let cost = figures.budgets[0].scopes[0].costOfNeed
    let expected = run.plan.expected.poolCost.reduce(0, +)
    // 4 SE of the simulated mean cost of need.
    #expect(abs(cost.mean - expected) < 4 * cost.standardError)
    // The product of the means, 200,000, is off by the covariance, exp(ρσ₁σ₂) − 1 ≈ 10 %.
    #expect(abs(cost.mean - 200_000) > 10 * cost.standardError)
  }

  @Test func gaussHermiteIntegratesPolynomialsExactly() {
    // E[ξ²ᵏ] = (2k − 1)!! for ξ ~ N(0, 1); an n-point rule is exact to degree 2n − 1.
    let rule = GaussHermite.rule(points: 8)
    for (k, moment) in [(0, 1.0), (2, 1.0), (4, 3.0), (6, 15.0), (8, 105.0), (14, 135_135.0)] {
      let sum = zip(rule.nodes, rule.weights).reduce(0.0) { $0 + $1.1 * pow($1.0, Double(k)) }
      #expect(abs(sum - moment) < 1e-9 * moment, "E[ξ^\(k)]")
    }
  }

  /// The groups come in a fixed order (by smallest factor, whatever order the factors are
  /// listed in), so the product of the groups' expectations is formed in the same order in
  /// every process: a `Set`'s iteration order is seeded per process, and following it
  /// changed the expected cost's last bits between two runs of one command.
  @Test func correlationGroupsComeInAFixedOrder() {
    let factors = (0..<6).map {
      Factor(name: "f\($0)", distribution: .lognormal(mu: 0, sigma: 0.2), role: .serviceRateMultiplier(services: [0]))
    }
    var correlation = [Double](repeating: 0, count: 36)
    for i in 0..<6 { correlation[i * 6 + i] = 1 }
    for (i, j) in [(1, 4), (4, 2)] { correlation[i * 6 + j] = 0.5; correlation[j * 6 + i] = 0.5 }
    let copula = CopulaQuadrature(factors: factors, correlation: correlation)
    let expected: [Set<Int>] = [[0], [1, 2, 4], [3], [5]]
    #expect(copula.groups([5, 4, 3, 2, 1, 0]) == expected)
    #expect(copula.groups([3, 0, 2, 5, 1, 4]) == expected)
  }
}
