import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

@Suite struct GammaTests {
  @Test(arguments: [0.01, 0.5, 1, 7.5, 1e6])
  func samplerMomentsMatchClosedForm(shape: Double) {
    // n = 20000 draws with scale 2: mean kθ, variance kθ². SE(mean) = √(kθ²/n);
    // SE(variance) = √((m₄ − s⁴)/n) from the sample fourth moment; tolerance 5 SE.
    let n = 20_000
    let scale = 2.0
    let values = GoodnessOfFit.sample(n, seed: 21) {
      Gamma.sample(shape: shape, scale: scale, using: &$0)
    }
    #expect(values.allSatisfy { $0.isFinite && $0 >= 0 })
    let moments = GoodnessOfFit.Moments(values)
    let variance = shape * scale * scale
    #expect(abs(moments.mean - shape * scale) < 5 * moments.meanStandardError(trueVariance: variance))
    #expect(abs(moments.variance - variance) < 5 * moments.varianceStandardError)
  }

  @Test(arguments: [0.01, 0.5, 1, 7.5, 1e6])
  func samplerFitsTheExactCdf(shape: Double) {
    // Kolmogorov–Smirnov against Gamma.cdf, n = 10000, critical value at α = 0.001.
    let n = 10_000
    let values = GoodnessOfFit.sample(n, seed: 22) {
      Gamma.sample(shape: shape, scale: 1.5, using: &$0)
    }
    let d = GoodnessOfFit.kolmogorovSmirnov(values) { Gamma.cdf($0, shape: shape, scale: 1.5) }
    #expect(d < GoodnessOfFit.kolmogorovSmirnovCritical(n: n))
  }

  @Test func tinyShapeNeverGivesNaN() {
    // Shape 1e-3: about half of the distribution lies below the smallest double, so zeros are
    // the correctly rounded value; but nothing may be NaN, negative or infinite, and the
    // log-scale sampler used by Beta must stay finite. P(X ≤ 1e-300) = (1e-300)^0.001/Γ(1.001)
    // ≈ 0.501; over n = 20000 the fraction has SE √(pq/n) ≈ 0.0035, tolerance 5 SE.
    let n = 20_000
    let values = GoodnessOfFit.sample(n, seed: 23) { Gamma.sample(shape: 1e-3, scale: 1, using: &$0) }
    #expect(values.allSatisfy { $0.isFinite && $0 >= 0 })
    let below = Double(values.filter { $0 <= 1e-300 }.count) / Double(n)
    let p = Gamma.cdf(1e-300, shape: 1e-3, scale: 1)
    #expect(abs(p - 0.501) < 0.001)
    #expect(abs(below - p) < 5 * (p * (1 - p) / Double(n)).squareRoot())
    let logs = GoodnessOfFit.sample(1000, seed: 24) { Gamma.logSample(shape: 1e-3, using: &$0) }
    #expect(logs.allSatisfy { $0.isFinite })
  }

  @Test func hugeShapeHasTheRightMoments() {
    // Shape 1e9, n = 20000: SE(mean) = √(k/n) ≈ 224, SE(variance) from the sample fourth
    // moment (≈ k√(2/n) = 1e7); tolerance 5 SE.
    let n = 20_000
    let shape = 1e9
    let values = GoodnessOfFit.sample(n, seed: 25) { Gamma.sample(shape: shape, scale: 1, using: &$0) }
    let moments = GoodnessOfFit.Moments(values)
    #expect(abs(moments.mean - shape) < 5 * moments.meanStandardError(trueVariance: shape))
    #expect(abs(moments.variance - shape) < 5 * moments.varianceStandardError)
  }

  @Test func cdfMatchesReference() {
    // (x, shape, scale, P(X ≤ x)): mpmath.gammainc at 50 digits (scipy.stats.gamma.cdf agrees).
    let reference: [(Double, Double, Double, Double)] = [
      (2.0, 0.5, 1.0, 0.9544997361036416),
      (10.0, 7.5, 1.0, 0.8280673106233991),
      (3.0, 7.5, 2.0, 0.0004021985526492169),
      (0.001, 0.01, 1.0, 0.938570652526129),
      (1_001_000, 1e6, 1.0, 0.8413447863683403),
    ]
    for (x, shape, scale, value) in reference {
      #expect(GoodnessOfFit.relativeError(Gamma.cdf(x, shape: shape, scale: scale), value) < 1e-13)
    }
    #expect(Gamma.cdf(-1, shape: 2, scale: 1) == 0)
    #expect(Gamma.cdf(0, shape: 2, scale: 1) == 0)
    #expect(Gamma.cdf(1, shape: -2, scale: 1).isNaN)
  }

  @Test func quantileMatchesReference() {
    // (p, shape, scale, quantile): mpmath root of gammainc at 50 digits, rounded to double;
    // scipy.stats.gamma.ppf (scipy 1.17.1) agrees to within 4e-16.
    let reference: [(Double, Double, Double, Double)] = [
      (0.95, 7.5, 1.0, 12.497895069864313),
      (1e-10, 0.5, 1.0, 7.853981633974484e-21),
      (0.5, 1.0, 3.0, 2.0794415416798357),  // 3·log 2
      (0.999, 1e6, 1.0, 1_003_093.0823698544),
      (0.01, 0.01, 1.0, 5.660738147061947e-201),
      (0.99, 2.5, 4.0, 30.172544938777975),
      (0.5, 1e9, 1.0, 999_999_999.6666666),
    ]
    for (p, shape, scale, value) in reference {
      // The lower-tail case with shape 0.01 amplifies a 1e-16 error in P by 1/shape.
      let tolerance = shape < 0.1 ? 1e-12 : 1e-14
      #expect(GoodnessOfFit.relativeError(Gamma.quantile(p, shape: shape, scale: scale), value) < tolerance)
    }
  }

  @Test(arguments: [0.01, 0.5, 1, 7.5, 1e6])
  func quantileInvertsTheCdf(shape: Double) {
    for p in [1e-12, 1e-6, 0.01, 0.3, 0.5, 0.77, 0.99, 1 - 1e-9] {
      let x = Gamma.quantile(p, shape: shape, scale: 3)
      #expect(x.isFinite && x >= 0)
      if x == 0 {
        // Only where the true quantile is below the smallest double: P ≈ xᵏ/Γ(k + 1).
        #expect((log(p) + SpecialFunctions.logGamma(shape + 1)) / shape < -745)
        continue
      }
      // Compare on the smaller tail, where the probability keeps its relative accuracy.
      let lower = Gamma.cdf(x, shape: shape, scale: 3)
      if p <= 0.5 {
        #expect(GoodnessOfFit.relativeError(lower, p) < 1e-12)
      } else {
        let upper = SpecialFunctions.regularizedGammaQ(shape, x / 3)
        #expect(GoodnessOfFit.relativeError(upper, 1 - p) < 1e-11)
      }
    }
  }
}
