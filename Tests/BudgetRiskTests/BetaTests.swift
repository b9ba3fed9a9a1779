import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

@Suite struct BetaTests {
  static let parameters: [(alpha: Double, beta: Double)] = [
    (2, 5), (0.5, 0.5), (1, 1), (50, 20), (0.05, 2), (3.2, 1.8),
  ]

  @Test(arguments: 0..<6)
  func samplerMomentsMatchClosedForm(_ index: Int) {
    // n = 20000: mean α/(α+β), variance αβ/((α+β)²(α+β+1)). SE(mean) = √(variance/n);
    // SE(variance) from the sample fourth moment. Tolerance 5 SE.
    let (alpha, beta) = Self.parameters[index]
    let n = 20_000
    let values = GoodnessOfFit.sample(n, seed: 51) { Beta.sample(alpha: alpha, beta: beta, using: &$0) }
    #expect(values.allSatisfy { $0 >= 0 && $0 <= 1 })
    let sum = alpha + beta
    let variance = alpha * beta / (sum * sum * (sum + 1))
    let moments = GoodnessOfFit.Moments(values)
    #expect(abs(moments.mean - alpha / sum) < 5 * moments.meanStandardError(trueVariance: variance))
    #expect(abs(moments.variance - variance) < 5 * moments.varianceStandardError)
  }

  @Test(arguments: 0..<6)
  func samplerFitsTheExactCdf(_ index: Int) {
    // Kolmogorov–Smirnov against Beta.cdf, n = 10000, critical value at α = 0.001.
    let (alpha, beta) = Self.parameters[index]
    let n = 10_000
    let values = GoodnessOfFit.sample(n, seed: 52) { Beta.sample(alpha: alpha, beta: beta, using: &$0) }
    let d = GoodnessOfFit.kolmogorovSmirnov(values) { Beta.cdf($0, alpha: alpha, beta: beta) }
    #expect(d < GoodnessOfFit.kolmogorovSmirnovCritical(n: n))
  }

  @Test func tinyParametersNeverGiveNaN() {
    // Beta(0.01, 0.01) piles its mass within 1e-30 of 0 and 1; the log-scale ratio of gammas
    // keeps every draw a number in [0, 1]. Its mean ½ has SE √(var/n) with var ≈ 0.2475.
    let n = 20_000
    let values = GoodnessOfFit.sample(n, seed: 53) { Beta.sample(alpha: 0.01, beta: 0.01, using: &$0) }
    #expect(values.allSatisfy { !$0.isNaN && $0 >= 0 && $0 <= 1 })
    let mean = values.reduce(0, +) / Double(n)
    #expect(abs(mean - 0.5) < 5 * (0.01 * 0.01 / (0.02 * 0.02 * 1.02) / Double(n)).squareRoot())
  }

  @Test func cdfMatchesReference() {
    // (x, α, β, I_x(α, β)): mpmath.betainc at 50 digits, rounded to double
    // (scipy.stats.beta.cdf agrees to 3e-16).
    let reference: [(Double, Double, Double, Double)] = [
      (0.3, 2, 5, 0.579825),  // a polynomial in x: exactly 0.579825
      (0.01, 0.5, 0.5, 0.06376856085851985),
      (0.999, 0.5, 0.5, 0.9798649583666225),
      (0.5, 50, 20, 0.00012219850828878748),
      (1e-5, 0.05, 2, 0.5904581102792039),
    ]
    for (x, alpha, beta, value) in reference {
      #expect(GoodnessOfFit.relativeError(Beta.cdf(x, alpha: alpha, beta: beta), value) < 1e-14)
    }
    #expect(Beta.cdf(-0.1, alpha: 2, beta: 3) == 0)
    #expect(Beta.cdf(1.1, alpha: 2, beta: 3) == 1)
  }

  @Test func quantileMatchesReference() {
    // (p, α, β, quantile): mpmath root of betainc at 50 digits, rounded to double;
    // scipy.stats.beta.ppf (scipy 1.17.1) agrees to 4e-16.
    let reference: [(Double, Double, Double, Double)] = [
      (0.5, 2, 5, 0.26444998329565994),
      (0.95, 2, 5, 0.5818034092520258),
      (1e-8, 0.5, 0.5, 2.4674011002723397e-16),
      (0.999, 3.2, 1.8, 0.9919163642854589),
      (0.25, 50, 20, 0.678989815318132),
    ]
    for (p, alpha, beta, value) in reference {
      #expect(GoodnessOfFit.relativeError(Beta.quantile(p, alpha: alpha, beta: beta), value) < 1e-14)
    }
  }

  @Test(arguments: 0..<6)
  func quantileInvertsTheCdf(_ index: Int) {
    let (alpha, beta) = Self.parameters[index]
    for p in [1e-12, 1e-6, 0.01, 0.3, 0.5, 0.77, 0.99, 1 - 1e-9] {
      let x = Beta.quantile(p, alpha: alpha, beta: beta)
      #expect(x >= 0 && x <= 1)
      if x == 0 {
        // Only where the true quantile is below the smallest double: I ≈ xᵅ/(α·B(α, β)).
        #expect((log(p) + log(alpha) + SpecialFunctions.logBeta(alpha, beta)) / alpha < -745)
        continue
      }
      // Compare on the smaller tail; near 1 the spacing of doubles (1.1e-16 absolute) limits
      // how well 1 − x, and so the upper tail, can be matched.
      if p <= 0.5 {
        #expect(GoodnessOfFit.relativeError(Beta.cdf(x, alpha: alpha, beta: beta), p) < 1e-12)
      } else {
        let upper = SpecialFunctions.regularizedBeta(1 - x, beta, alpha)
        let density = exp((alpha - 1) * log(x) + (beta - 1) * log1p(-x) - SpecialFunctions.logBeta(alpha, beta))
        #expect(abs(upper - (1 - p)) < 1e-12 * (1 - p) + density * 0x1p-53)
      }
    }
  }
}
