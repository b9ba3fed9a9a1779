import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

@Suite struct SpecialFunctionsTests {
  @Test func logGammaAndLogBetaMatchReference() {
    // mpmath.loggamma and log(mpmath.beta) at 50 digits, rounded to double.
    let logGammas: [(Double, Double)] = [
      (0.5, 0.5723649429247001), (1e-8, 18.42068073818021), (10.5, 13.940625219403763),
      (1e6, 12_815_504.569147611), (1e9, 19_723_265_827.503716),
    ]
    for (x, value) in logGammas {
      #expect(GoodnessOfFit.relativeError(SpecialFunctions.logGamma(x), value) < 1e-15)
    }
    // The large-argument cases would lose 7–10 digits as lgamma(a) + lgamma(b) − lgamma(a + b).
    let logBetas: [(Double, Double, Double)] = [
      (0.5, 0.5, 1.1447298858494002), (2, 1e9, -41.446531674892825),
      (1e6, 1e6, -1_386_300.003362921), (15, 1e9, -285.6577664764575), (3, 4, -4.0943445622221),
    ]
    for (a, b, value) in logBetas {
      #expect(GoodnessOfFit.relativeError(SpecialFunctions.logBeta(a, b), value) < 1e-14)
      #expect(SpecialFunctions.logBeta(b, a) == SpecialFunctions.logBeta(a, b))
    }
  }

  /// (a, x, P(a, x), Q(a, x)): mpmath.gammainc at 50 digits (for a ≥ 1e9 near the centre,
  /// mpmath.quad of the density), rounded to double. Covers the series, the continued
  /// fraction and Temme's expansion, and shapes of 1e6 and 1e9.
  static let incompleteGamma: [(a: Double, x: Double, p: Double, q: Double)] = [
    (0.5, 0.2, 0.4729107431344619, 0.5270892568655381),
    (3, 5, 0.8753479805169189, 0.12465201948308115),
    (20, 15, 0.12478121503252482, 0.8752187849674752),
    (100, 130, 0.9972495916326934, 0.002750408367306526),
    (1e6, 1e6, 0.5001329807608725, 0.4998670192391274),
    (1e6, 998_000, 0.022696114006736802, 0.9773038859932632),
    (1e6, 1_005_000, 0.999999701250986, 2.987490140114635e-07),
    (1e9, 1_000_030_000, 0.8286094125981586, 0.17139058740184138),
    (1e9, 999_900_000, 0.0007824461399627836, 0.9992175538600372),
    (1e-3, 1.0, 0.9997803916424144, 0.0002196083575855564),
  ]

  @Test(arguments: 0..<10)
  func regularizedGammaMatchesReference(_ index: Int) {
    let c = Self.incompleteGamma[index]
    let p = SpecialFunctions.regularizedGammaP(c.a, c.x)
    let q = SpecialFunctions.regularizedGammaQ(c.a, c.x)
    // Both tails to 1e-12 relative (the specification), which also bounds Q when it is tiny.
    #expect(GoodnessOfFit.relativeError(p, c.p) < 1e-12)
    #expect(GoodnessOfFit.relativeError(q, c.q) < 1e-12)
    #expect(abs(p + q - 1) < 1e-15)
  }

  @Test func regularizedGammaEdges() {
    #expect(SpecialFunctions.regularizedGammaP(2, 0) == 0)
    #expect(SpecialFunctions.regularizedGammaQ(2, .infinity) == 0)
    #expect(SpecialFunctions.regularizedGammaP(-1, 2).isNaN)
    #expect(SpecialFunctions.regularizedGammaP(1e9, 1.5e9) == 1)  // Q ≈ 1e-41055987
    // P(1, x) = 1 − e^(−x) exactly.
    for x in [1e-10, 0.5, 3.0, 40.0] {
      #expect(GoodnessOfFit.relativeError(SpecialFunctions.regularizedGammaQ(1, x), exp(-x)) < 1e-14)
    }
  }

  @Test func regularizedBetaMatchesReference() {
    // (x, a, b, I_x(a, b), 1 − I_x(a, b)): mpmath.betainc at 50 digits, rounded to double.
    let reference: [(Double, Double, Double, Double, Double)] = [
      (0.2, 2, 3, 0.18080000000000002, 0.8191999999999999),
      (0.9, 0.5, 0.5, 0.7951672353008665, 0.20483276469913342),
      (0.3, 20, 60, 0.8491208762474579, 0.15087912375254206),
      (1e-6, 1e3, 1e9, 0.5042178524842595, 0.49578214751574046),
      (0.499, 1e6, 1e6, 0.0023388494069315046, 0.9976611505930685),
    ]
    for (x, a, b, p, q) in reference {
      let value = SpecialFunctions.regularizedBeta(x, a, b)
      // Near the mean with a parameter of 1e6 or more the result is sensitive to the last bit
      // of x itself (condition number ≈ √a); 1e-12 covers it.
      #expect(GoodnessOfFit.relativeError(value, p) < 1e-12)
      // The complement comes from the same evaluation (1 − x would move the point itself).
      #expect(GoodnessOfFit.relativeError(SpecialFunctions.incompleteBeta(x: x, y: 1 - x, a: a, b: b).q, q) < 1e-12)
    }
  }

  @Test func inversesRoundTrip() {
    for a in [0.3, 2.0, 45.0, 1e6] {
      for p in [1e-30, 1e-5, 0.2, 0.5, 0.9] {
        let x = SpecialFunctions.inverseRegularizedGammaP(a, p)
        #expect(GoodnessOfFit.relativeError(SpecialFunctions.regularizedGammaP(a, x), p) < 1e-12)
        let y = SpecialFunctions.inverseRegularizedGammaQ(a, p)
        #expect(GoodnessOfFit.relativeError(SpecialFunctions.regularizedGammaQ(a, y), p) < 1e-12)
      }
    }
    for (a, b) in [(0.3, 0.7), (2.0, 9.0), (400.0, 300.0)] {
      for p in [1e-30, 1e-5, 0.2, 0.5] {
        let x = SpecialFunctions.inverseRegularizedBeta(p, a, b)
        #expect(GoodnessOfFit.relativeError(SpecialFunctions.regularizedBeta(x, a, b), p) < 1e-12)
      }
    }
    #expect(SpecialFunctions.inverseRegularizedGammaP(3, 0) == 0)
    #expect(SpecialFunctions.inverseRegularizedGammaP(3, 1) == .infinity)
    #expect(SpecialFunctions.inverseRegularizedBeta(1, 3, 4) == 1)
  }

  @Test func temmeExpansionIsContinuousAtItsBoundary() {
    // Temme is used for a ≥ 20, |x − a| ≤ a/2; the series and continued fraction elsewhere.
    // Across each boundary the results must agree to the accuracy of both methods.
    for a in [20.0, 300.0, 1e5] {
      for x in [0.5 * a, 1.5 * a] {
        let inside = SpecialFunctions.regularizedGammaP(a, x)
        let outside = SpecialFunctions.regularizedGammaP(a, x.nextUp.nextUp)
        let density = exp((a - 1) * log(x) - x - SpecialFunctions.logGamma(a))
        #expect(abs(outside - inside) <= 1e-13 * Swift.min(inside, 1 - inside) + 3 * x.ulp * density)
      }
    }
  }
}
