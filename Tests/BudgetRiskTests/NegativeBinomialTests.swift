import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

@Suite struct NegativeBinomialTests {
  /// (mean, dispersion) pairs from strongly overdispersed to nearly Poisson.
  static let parameters: [(mean: Double, dispersion: Double)] = [
    (5, 0.5), (100, 2), (1e4, 50), (3, 1e3), (0.2, 0.05),
  ]

  @Test(arguments: 0..<5)
  func samplerMomentsMatchClosedForm(_ index: Int) {
    // n = 20000: mean μ, variance μ + μ²/r. SE(mean) = √(variance/n); SE(variance) from the
    // sample fourth moment, √((m₄ − s⁴)/n). Tolerance 5 SE.
    let (mean, dispersion) = Self.parameters[index]
    let n = 20_000
    let values = GoodnessOfFit.sample(n, seed: 41) {
      NegativeBinomial.sample(mean: mean, dispersion: dispersion, using: &$0)
    }
    #expect(values.allSatisfy { $0 >= 0 && $0.rounded() == $0 })
    let variance = mean + mean * mean / dispersion
    let moments = GoodnessOfFit.Moments(values)
    #expect(abs(moments.mean - mean) < 5 * moments.meanStandardError(trueVariance: variance))
    #expect(abs(moments.variance - variance) < 5 * moments.varianceStandardError)
  }

  @Test(arguments: 0..<5)
  func samplerFitsTheExactDistribution(_ index: Int) {
    // Pearson chi-square of n = 20000 counts against NegativeBinomial.cdf (bins expecting
    // ≥ 5), critical value at α = 0.001.
    let (mean, dispersion) = Self.parameters[index]
    let n = 20_000
    let values = GoodnessOfFit.sample(n, seed: 42) {
      NegativeBinomial.sample(mean: mean, dispersion: dispersion, using: &$0)
    }
    let sd = (mean + mean * mean / dispersion).squareRoot()
    let edges = GoodnessOfFit.countEdges(mean: mean, sd: sd)
    let (statistic, df) = GoodnessOfFit.chiSquare(values, edges: edges) {
      NegativeBinomial.cdf($0, mean: mean, dispersion: dispersion)
    }
    #expect(df >= 1)
    #expect(statistic < GoodnessOfFit.chiSquareCritical(degreesOfFreedom: df))
  }

  @Test func cdfMatchesReference() {
    // (k, mean, dispersion, P(X ≤ k)): mpmath I_p(r, k + 1), p = r/(r + μ), at 50 digits,
    // rounded to double; scipy.stats.nbinom.cdf(k, r, p) agrees to 1.5e-14.
    let reference: [(Double, Double, Double, Double)] = [
      (0, 5, 0.5, 0.30151134457776363),
      (3, 5, 0.5, 0.6027961592197062),
      (100, 100, 2, 0.5966741442895552),
      (150, 100, 2, 0.8008614881724505),
      (9000, 1e4, 50, 0.2475180387642793),
      (2, 3, 1e3, 0.4235256128706269),
    ]
    for (k, mean, dispersion, value) in reference {
      let cdf = NegativeBinomial.cdf(k, mean: mean, dispersion: dispersion)
      #expect(GoodnessOfFit.relativeError(cdf, value) < 1e-13)
    }
    #expect(NegativeBinomial.cdf(-1, mean: 3, dispersion: 2) == 0)
    #expect(NegativeBinomial.cdf(4, mean: 3, dispersion: .infinity) == Poisson.cdf(4, mean: 3))
  }

  @Test func limitsAndDegenerateCases() {
    var generator = RandomStream(seed: 43, iteration: 0, stream: 0)
    #expect(NegativeBinomial.sample(mean: 0, dispersion: 2, using: &generator) == 0)
    // Infinite dispersion is the Poisson: same draws from the same stream.
    var a = RandomStream(seed: 44, iteration: 0, stream: 0)
    var b = a
    for _ in 0..<100 {
      #expect(NegativeBinomial.sample(mean: 7, dispersion: .infinity, using: &a)
        == Poisson.sample(mean: 7, using: &b))
    }
  }
}
