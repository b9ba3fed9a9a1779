import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// The engine against closed forms. Every tolerance is a multiple of the Monte Carlo
/// standard error of the figure compared (stated at each check); 4 SE gives a false-alarm
/// rate of about 6e−5 per check with the fixed seeds used.
@Suite struct EngineReferenceTests {
  /// Exact CDF of a compound Poisson sum with gamma severities: given N = n the sum is
  /// Gamma(n·shape, scale), so F(x) = P(N = 0) + Σₙ P(N = n)·GammaCDF(x; n·shape, scale).
  static func compoundPoissonGammaCDF(_ x: Double, lambda: Double, meanCost: Double, cv: Double) -> Double {
    let shape = 1 / (cv * cv), scale = meanCost * cv * cv
    var total = exp(-lambda)
    for n in 1...Int(lambda + 12 * lambda.squareRoot() + 30) {
      let pmf = exp(Double(n) * log(lambda) - lambda - SpecialFunctions.logGamma(Double(n) + 1))
      total += pmf * Gamma.cdf(x, shape: Double(n) * shape, scale: scale)
    }
    return total
  }

  @Test func compoundPoissonGammaMatchesTheExactDistribution() throws {
    // 10 people × 1.5 events a year: the year's cost is compound Poisson(15) with gamma costs
    // (monthly compound Poisson sums with one severity add up to one compound Poisson).
    let scenario = TestScenario.make(
      population: 10, services: [TestScenario.service("visits", unitCost: 100, severity: .gamma(cv: 0.8))],
      rates: [1.5], proposals: [.margin(-0.0), .margin(0.25), .margin(0.5), .margin(1.0)])
    let n = 20_000
    let (_, figures) = try TestScenario.run(scenario, iterations: n)
    for budget in figures.budgets {
      let b = 1_500 * (1 + budget.margin!)
      let exact = 1 - Self.compoundPoissonGammaCDF(b, lambda: 15, meanCost: 100, cv: 0.8)
      let se = (exact * (1 - exact) / Double(n)).squareRoot()  // binomial SE of a proportion
      #expect(abs(budget.scopes[0].overspendProbability.estimate - exact) < 4 * se, "margin \(budget.margin!)")
    }
  }

  @Test func cellCostsFollowTheCompoundPoissonGammaLaw() {
    // Kolmogorov–Smirnov distance of 8,000 cell costs to the exact mixture CDF, which has an
    // atom P(N = 0) = e^−λ at 0 (so the test is conservative). Critical value at the 0.1 %
    // level: 1.95/√n.
    let n = 8_000, lambda = 3.5
    var costs = (0..<n).map { i -> Double in
      var g = RandomStream(seed: 7, iteration: UInt64(i), stream: 1)
      return CellCost.events(
        expected: lambda, unitCost: 250, severity: .gamma(cv: 1.2), noise: .poisson, threshold: 64, using: &g)
    }
    costs.sort()
    var d = 0.0
    for (i, x) in costs.enumerated() {
      let f = Self.compoundPoissonGammaCDF(x, lambda: lambda, meanCost: 250, cv: 1.2)
      let fBelow = x > 0 ? f : 0
      d = max(d, Double(i + 1) / Double(n) - f, fBelow - Double(i) / Double(n))
    }
    #expect(d < 1.95 / Double(n).squareRoot())
  }

  @Test func compoundNegativeBinomialHasTheClosedFormMoments() {
    // Mean λc and variance λc²(1 + cv²) + λ²c²/k. Tolerances: 4 SE of the mean (σ/√n) and
    // 4 SE of the variance, √((m₄ − σ⁴)/n) with the sample fourth central moment m₄.
    let n = 40_000, lambda = 40.0, k = 5.0, c = 100.0, cv = 0.6
    let xs = (0..<n).map { i -> Double in
      var g = RandomStream(seed: 11, iteration: UInt64(i), stream: 3)
      return CellCost.events(
        expected: lambda, unitCost: c, severity: .gamma(cv: cv), noise: .negativeBinomial(dispersion: k),
        threshold: 64, using: &g)
    }
    let mean = xs.reduce(0, +) / Double(n)
    let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
    let m4 = xs.reduce(0) { $0 + pow($1 - mean, 4) } / Double(n)
    let exactMean = lambda * c
    let exactVariance = lambda * c * c * (1 + cv * cv) + lambda * lambda * c * c / k
    #expect(abs(mean - exactMean) < 4 * (exactVariance / Double(n)).squareRoot())
    #expect(abs(variance - exactVariance) < 4 * ((m4 - variance * variance) / Double(n)).squareRoot())
  }

  @Test func analyticExpectedCostEqualsTheSimulatedMean() throws {
    // Uncertain growth, inflation, rates, intervention effect; a shock, seasonality and a
    // per-person service; no correlations, so the analytic expectation is exact. Tolerance:
    // 4 SE of the simulated mean cost of need.
    var winter = [Double](repeating: 1, count: 12)
    winter[11] = 1.4; winter[0] = 1.5; winter[1] = 1.3
    var ae = TestScenario.service("ae", unitCost: 180, severity: .lognormal(cv: 1.1), noise: .negativeBinomial(dispersion: 20), inflation: 0.03)
    ae.seasonality = winter.map { $0 * 12 / winter.reduce(0, +) }
    let care = Service(
      name: "care", category: .reactive, stream: "social_care",
      cost: .perPerson(segments: [0], annualMean: 900, severity: .gamma(cv: 2)), inflation: 0.02)
    let nursing = TestScenario.service("nursing", unitCost: 60, severity: .fixed, category: .proactive)
    let scenario = TestScenario.make(
      population: 5_000, years: 2, services: [ae, care, nursing], rates: [0.4, 0, 6],
      factors: [
        Factor(name: "growth", distribution: .triangular(min: 0, mode: 0.02, max: 0.08), role: .growth(segments: [0])),
        Factor(name: "inflation", distribution: .normal(mean: 0.04, sd: 0.02), role: .inflation(services: [0, 1])),
        Factor(name: "demand", distribution: .lognormal(mean: 1, cv: 0.1), role: .serviceRateMultiplier(services: [0])),
        Factor(name: "effect", distribution: .pert(min: -0.05, mode: 0.05, max: 0.2), role: .interventionEffect(interventions: [0])),
      ],
      shocks: [Shock(name: "surge", probability: 0.05, duration: 3, multiplier: 1.3, services: [0])],
      interventions: [Intervention(name: "coordination", proactive: [2], targets: [0], effect: 0.1, lag: 3, rampPeriods: 6)],
      pools: [Pool(name: "pooled", services: [0, 1, 2])])
    let (run, figures) = try TestScenario.run(scenario, iterations: 6_000)
    let simulated = figures.budgets[0].scopes[0].costOfNeed
    let analytic = run.plan.expected.poolCost.reduce(0, +)
    #expect(abs(simulated.mean - analytic) < 4 * simulated.standardError, "\(simulated.mean) vs \(analytic)")
  }

  @Test func largePopulationsMatchTheNormalApproximation() throws {
    // Λ = 5e5 events a year of mean cost 100, CV 0.5: cost ≈ N(μ, σ²) with μ = Λc and
    // σ² = Λc²(1 + cv²), so P(overspend at margin m) = 1 − Φ(mμ/σ). Tolerance 4 binomial SE.
    let mu = 5e7, sigma = (5e5 * 1e4 * 1.25).squareRoot()
    let margins = [0, 0.001, 0.002, 0.003]
    let scenario = TestScenario.make(
      population: 1_000_000, services: [TestScenario.service("visits", unitCost: 100, severity: .gamma(cv: 0.5))],
      rates: [0.5], proposals: margins.map(Proposal.margin))
    let n = 4_000
    let (_, figures) = try TestScenario.run(scenario, iterations: n)
    for (b, m) in zip(figures.budgets, margins) {
      let exact = 1 - StandardNormal.cdf(m * mu / sigma)
      let se = (exact * (1 - exact) / Double(n)).squareRoot()
      #expect(abs(b.scopes[0].overspendProbability.estimate - exact) < 4 * se, "margin \(m)")
    }
  }

  @Test func poolingIndependentServicesLowersOverspendAsTheVariancesSay() throws {
    // Two independent services with equal means μ and SDs σ: at a margin with mμ/σ = 1 each
    // separate pool overspends with 1 − Φ(1) = 0.159, the pooled budget with
    // 1 − Φ(√2) = 0.079. Normal approximation at Λ = 2e5; tolerance 4 binomial SE.
    let lambda = 2e5, c = 100.0, cv = 0.5
    let mu = lambda * c, sigma = (lambda * c * c * (1 + cv * cv)).squareRoot()
    let m = sigma / mu
    let scenario = TestScenario.make(
      population: 100_000,
      services: [TestScenario.service("a", unitCost: c, severity: .gamma(cv: cv)), TestScenario.service("b", unitCost: c, severity: .gamma(cv: cv))],
      rates: [2, 2], proposals: [.margin(m)])
    let n = 4_000
    let (_, figures) = try TestScenario.run(scenario, iterations: n)
    let scopes = figures.budgets[0].scopes
    #expect(scopes.map(\.scope) == ["a", "b", "total"])
    for (scope, exact) in zip(scopes, [0.158655, 0.158655, 1 - StandardNormal.cdf(2.0.squareRoot())]) {
      let se = (exact * (1 - exact) / Double(n)).squareRoot()
      #expect(abs(scope.overspendProbability.estimate - exact) < 4 * se, "\(scope.scope)")
    }
    #expect(scopes[2].overspendProbability.upper < scopes[0].overspendProbability.lower)
  }
}
