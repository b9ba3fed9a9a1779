import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

@Suite struct StandardNormalTests {
  /// (p, Φ⁻¹(p)): mpmath at 50 digits, rounded to double, except where noted.
  static let quantiles: [(Double, Double)] = [
    (0.975, 1.959963984540054),  // the published value; scipy.stats.norm.ppf gives the same
    (0.025, -1.9599639845400543),
    (1e-10, -6.361340902404057),
    (0.3, -0.5244005127080408),
    (0x1p-53, -8.209536151601387),
    (1e-300, -37.0470962993612),  // scipy 1.17.1 norm.ppf
    (0.5, 0),
  ]

  @Test(arguments: 0..<7)
  func quantileMatchesReference(_ index: Int) {
    let (p, z) = Self.quantiles[index]
    let q = StandardNormal.quantile(p)
    if z == 0 {
      #expect(q == 0)
    } else {
      // AS 241 is accurate to about 1e-16 relative; allow a few ulps.
      #expect(GoodnessOfFit.relativeError(q, z) < 1e-15)
    }
  }

  @Test func cdfMatchesReference() {
    // mpmath.ncdf at 50 digits, rounded to double.
    let reference: [(Double, Double, Double)] = [
      // (z, Φ(z), tolerance): erfc amplifies the rounding of z/√2 by ≈ z² in the far tail.
      (-1, 0.15865525393145705, 1e-15),
      (-10, 7.619853024160525e-24, 1e-14),
      (-37, 5.725571222524577e-300, 5e-13),
      (1.5, 0.9331927987311419, 1e-15),
      (0.25, 0.5987063256829237, 1e-15),
    ]
    for (z, value, tolerance) in reference {
      #expect(GoodnessOfFit.relativeError(StandardNormal.cdf(z), value) < tolerance)
    }
  }

  @Test func quantileIsSymmetricAndInvertsTheCdf() {
    // Dyadic p, so that 1 − p is exact and the upper tail can be compared with the lower.
    for p in [0x1p-52, 0x1p-40, 0x1p-20, 3 * 0x1p-12, 0.0625, 0.3125, 0.46875] {
      #expect(StandardNormal.quantile(1 - p) == -StandardNormal.quantile(p))
    }
    for p in [1e-300, 1e-100, 1e-20, 1e-8, 0.001, 0.02, 0.07, 0.2, 0.45] {
      let z = StandardNormal.quantile(p)
      // Round trip through Φ: Φ's own relative error grows like z²·1e-16 in the tail.
      #expect(GoodnessOfFit.relativeError(StandardNormal.cdf(z), p) < 1e-15 * Swift.max(1, z * z))
    }
    #expect(StandardNormal.quantile(0) == -.infinity)
    #expect(StandardNormal.quantile(1) == .infinity)
    #expect(StandardNormal.quantile(1.5).isNaN)
  }

  @Test func samplerHasUnitMomentsAndFitsTheCdf() {
    // n = 20000: SE(mean) = 1/√n, SE(variance) = √(2/n) (normal fourth moment 3); 5 SE.
    // KS against Φ at α = 0.001.
    let n = 20_000
    let values = GoodnessOfFit.sample(n, seed: 11) { StandardNormal.sample(using: &$0) }
    #expect(values.allSatisfy { $0.isFinite })
    let moments = GoodnessOfFit.Moments(values)
    #expect(abs(moments.mean) < 5 / Double(n).squareRoot())
    #expect(abs(moments.variance - 1) < 5 * (2 / Double(n)).squareRoot())
    let d = GoodnessOfFit.kolmogorovSmirnov(values, cdf: StandardNormal.cdf)
    #expect(d < GoodnessOfFit.kolmogorovSmirnovCritical(n: n))
  }
}
