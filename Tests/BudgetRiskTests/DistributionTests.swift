import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

@Suite struct DistributionTests {
  static let cases: [Distribution] = [
    .fixed(3),
    .uniform(min: -2, max: 5),
    .normal(mean: 10, sd: 3),
    .lognormal(mean: 100, cv: 0.5),
    .gamma(shape: 2.5, scale: 4),
    .beta(alpha: 2, beta: 5, min: 10, max: 20),
    .triangular(min: 1, mode: 2, max: 6),
    .pert(min: 1, mode: 2, max: 6),
    .discrete(values: [3, 1, 2, 10], weights: [1, 2, 1, 0.5]),
  ]

  static let continuous = [1, 2, 3, 4, 5, 6, 7]

  @Test(arguments: 0..<9)
  func samplerMomentsMatchClosedForm(_ index: Int) {
    // n = 20000 draws: SE(mean) = √(variance/n) with the closed-form variance; SE(variance)
    // = √((m₄ − s⁴)/n) from the sample fourth moment. Tolerance 5 SE.
    let distribution = Self.cases[index]
    let n = 20_000
    let values = GoodnessOfFit.sample(n, seed: 61) { distribution.sample(using: &$0) }
    #expect(values.allSatisfy { $0 >= distribution.lowerBound && $0 <= distribution.upperBound })
    let moments = GoodnessOfFit.Moments(values)
    if distribution.variance == 0 {
      #expect(values.allSatisfy { $0 == distribution.mean })
      return
    }
    #expect(abs(moments.mean - distribution.mean)
      < 5 * moments.meanStandardError(trueVariance: distribution.variance))
    #expect(abs(moments.variance - distribution.variance) < 5 * moments.varianceStandardError)
  }

  @Test(arguments: continuous)
  func samplesAndQuantilesFitTheCdf(_ index: Int) {
    // Kolmogorov–Smirnov against cdf, n = 10000, critical value at α = 0.001: once for
    // `sample(using:)` and once for the copula path `quantile(openUniform)`.
    let distribution = Self.cases[index]
    let n = 10_000
    let critical = GoodnessOfFit.kolmogorovSmirnovCritical(n: n)
    let direct = GoodnessOfFit.sample(n, seed: 62) { distribution.sample(using: &$0) }
    #expect(GoodnessOfFit.kolmogorovSmirnov(direct, cdf: distribution.cdf) < critical)
    let inverted = GoodnessOfFit.sample(n, seed: 63) { distribution.quantile(openUniform(&$0)) }
    #expect(GoodnessOfFit.kolmogorovSmirnov(inverted, cdf: distribution.cdf) < critical)
  }

  @Test func discreteQuantileDrawsHaveTheRightFrequencies() {
    // Each value's frequency over n = 20000 copula draws is Binomial(n, w): SE = √(w(1 − w)/n);
    // tolerance 5 SE.
    let distribution = Self.cases[8]
    let n = 20_000
    let values = GoodnessOfFit.sample(n, seed: 64) { distribution.quantile(openUniform(&$0)) }
    for (value, weight) in [(1.0, 2.0), (2, 1), (3, 1), (10, 0.5)] {
      let w = weight / 4.5
      let frequency = Double(values.filter { $0 == value }.count) / Double(n)
      #expect(abs(frequency - w) < 5 * (w * (1 - w) / Double(n)).squareRoot())
    }
  }

  @Test(arguments: continuous)
  func quantileInvertsTheCdf(_ index: Int) {
    let distribution = Self.cases[index]
    for p in [1e-9, 0.001, 0.1, 0.25, 0.5, 0.8, 0.999] {
      let x = distribution.quantile(p)
      #expect(abs(distribution.cdf(x) - p) < 1e-13 * Swift.max(p, 1e-3))
    }
    for p in [0.05, 0.5, 0.95] {
      let x = distribution.quantile(p)
      let back = distribution.quantile(distribution.cdf(x))
      #expect(abs(back - x) <= 1e-12 * Swift.max(1, abs(x)))
    }
  }

  @Test(arguments: 0..<9)
  func extremeProbabilitiesGiveFiniteValuesInsideTheSupport(_ index: Int) {
    let distribution = Self.cases[index]
    let probabilities = [
      Double.leastNonzeroMagnitude, Double.leastNormalMagnitude, 1e-300, 1e-16, 1e-6, 0.5,
      1 - 1e-6, 1 - 1e-16, 1.0.nextDown,
    ]
    var previous = -Double.infinity
    for p in probabilities {
      let x = distribution.quantile(p)
      #expect(x.isFinite)
      #expect(x >= distribution.lowerBound && x <= distribution.upperBound)
      #expect(x >= previous)  // monotone
      previous = x
    }
    #expect(distribution.quantile(0) == distribution.lowerBound)
    #expect(distribution.quantile(1) == distribution.upperBound)
    #expect(distribution.quantile(.nan).isNaN)
  }

  @Test func closedFormValues() {
    // Triangular(0, 1, 4): F(1) = 1/4, F⁻¹(½) = 4 − √6, F(2) = 1 − 2²/(4·3) = 2/3.
    let triangular = Distribution.triangular(min: 0, mode: 1, max: 4)
    #expect(abs(triangular.quantile(0.25) - 1) < 1e-15)
    #expect(abs(triangular.quantile(0.5) - (4 - 6.0.squareRoot())) < 1e-15)
    #expect(abs(triangular.cdf(2) - 2.0 / 3) < 1e-15)
    #expect(abs(triangular.mean - 5.0 / 3) < 1e-15)
    // Mode at either end: a right or left triangle, no 0/0.
    let rising = Distribution.triangular(min: 0, mode: 2, max: 2)
    let falling = Distribution.triangular(min: 0, mode: 0, max: 2)
    #expect(rising.cdf(1) == 0.25 && rising.cdf(0) == 0 && rising.quantile(0.25) == 1)
    #expect(falling.cdf(1) == 0.75 && falling.cdf(0) == 0 && falling.quantile(0.75) == 1)
    // PERT(1, 2, 6) is Beta(1.8, 4.2) on [1, 6], with mean (1 + 4·2 + 6)/6 = 2.5.
    let pert = Distribution.pert(min: 1, mode: 2, max: 6)
    let beta = Distribution.beta(alpha: 1.8, beta: 4.2, min: 1, max: 6)
    for p in [0.01, 0.3, 0.5, 0.9] {
      #expect(abs(pert.quantile(p) - beta.quantile(p)) < 1e-14)
    }
    #expect(abs(pert.mean - 2.5) < 1e-15)
    #expect(abs(pert.variance - beta.variance) < 1e-15)
    // Normal through the published Φ⁻¹(0.975) = 1.959963984540054.
    #expect(abs(Distribution.normal(mean: 10, sd: 3).quantile(0.975) - (10 + 3 * 1.959963984540054)) < 1e-14)
    // Gamma quantile: scipy.stats.gamma.ppf(0.95, 7.5) = 12.497895069864313 (see GammaTests).
    #expect(abs(Distribution.gamma(shape: 7.5, scale: 2).quantile(0.95) / (2 * 12.497895069864313) - 1) < 1e-14)
    // lognormal(mean:cv:) keeps the mean and the coefficient of variation.
    let lognormal = Distribution.lognormal(mean: 100, cv: 0.5)
    #expect(abs(lognormal.mean - 100) < 1e-12)
    #expect(abs(lognormal.variance.squareRoot() / lognormal.mean - 0.5) < 1e-14)
    #expect(abs(Distribution.uniform(min: -2, max: 5).quantile(0.5) - 1.5) < 1e-15)
  }

  @Test func discreteIsTheGeneralisedInverseOfItsStepCdf() {
    // Unsorted values; sorted: 1 (weight ½), 2 (¼), 3 (¼).
    let d = Distribution.discrete(values: [3, 1, 2], weights: [1, 2, 1])
    #expect(d.quantile(0.5) == 1)  // F(1) = ½ ≥ ½
    #expect(d.quantile(0.5.nextUp) == 2)
    #expect(d.quantile(0.75) == 2)
    #expect(d.quantile(0.76) == 3)
    #expect(d.quantile(1e-300) == 1)
    #expect(d.cdf(1.5) == 0.5)
    #expect(d.cdf(0.5) == 0)
    #expect(d.cdf(3) == 1)
    #expect(abs(d.mean - 1.75) < 1e-15)
    #expect(abs(d.variance - (0.5 * 0.5625 + 0.25 * 0.0625 + 0.25 * 1.5625)) < 1e-15)
    // A zero-weight value is never returned and is not part of the support.
    let gap = Distribution.discrete(values: [1, 2, 3], weights: [1, 0, 1])
    #expect(gap.quantile(0.5) == 1)
    #expect(gap.quantile(0.6) == 3)
    #expect(gap.quantile(1.0.nextDown) == 3)
    let trailing = Distribution.discrete(values: [1, 2, 9], weights: [1, 1, 0])
    #expect(trailing.upperBound == 2)
    #expect(trailing.quantile(1.0.nextDown) == 2)
  }

  @Test func boundsAndDegenerateCases() {
    #expect(Distribution.normal(mean: 0, sd: 1).lowerBound == -.infinity)
    #expect(Distribution.normal(mean: 0, sd: 1).upperBound == .infinity)
    #expect(Distribution.lognormal(mu: 0, sigma: 1).lowerBound == 0)
    #expect(Distribution.gamma(shape: 2, scale: 1).upperBound == .infinity)
    #expect(Distribution.beta(alpha: 2, beta: 2, min: 3, max: 7).lowerBound == 3)
    #expect(Distribution.pert(min: 4, mode: 4, max: 4).quantile(0.3) == 4)
    #expect(Distribution.triangular(min: 4, mode: 4, max: 4).quantile(0.3) == 4)
    #expect(Distribution.normal(mean: 5, sd: 0).quantile(0.3) == 5)
    #expect(Distribution.normal(mean: 5, sd: 0).cdf(5) == 1)
    #expect(Distribution.fixed(2).cdf(1.999) == 0)
    #expect(Distribution.fixed(2).cdf(2) == 1)
  }
}
