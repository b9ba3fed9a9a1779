import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

@Suite struct PoissonTests {
  @Test(arguments: [0.5, 9.99, 10, 30, 99.99, 100, 1e3, 1e4, 1e9])
  func samplerMomentsMatchClosedForm(mean: Double) {
    // n = 20000: mean μ and variance μ. SE(mean) = √(μ/n); SE(variance) = √((m₄ − s⁴)/n)
    // from the sample fourth moment (≈ μ√(2/n) for large μ). Tolerance 5 SE.
    let n = 20_000
    let values = GoodnessOfFit.sample(n, seed: 31) { Poisson.sample(mean: mean, using: &$0) }
    #expect(values.allSatisfy { $0 >= 0 && $0.rounded() == $0 })
    let moments = GoodnessOfFit.Moments(values)
    #expect(abs(moments.mean - mean) < 5 * moments.meanStandardError(trueVariance: mean))
    #expect(abs(moments.variance - mean) < 5 * moments.varianceStandardError)
  }

  @Test(arguments: [0.5, 9.99, 10, 30, 99.99, 100, 1e3, 1e4, 1e9])
  func samplerFitsTheExactDistribution(mean: Double) {
    // Pearson chi-square of n = 20000 counts against Poisson.cdf (bins expecting ≥ 5),
    // critical value at α = 0.001. 9.99 and 10 straddle the switch from inversion to PD, 99.99
    // and 100 PD's from normal tails to the Hermite series for its proposal's probabilities;
    // at 1e9 the bins are a quarter of a standard deviation wide.
    let n = 20_000
    let values = GoodnessOfFit.sample(n, seed: 32) { Poisson.sample(mean: mean, using: &$0) }
    let edges = GoodnessOfFit.countEdges(mean: mean, sd: mean.squareRoot())
    let (statistic, df) = GoodnessOfFit.chiSquare(values, edges: edges) { Poisson.cdf($0, mean: mean) }
    #expect(df >= 3)
    #expect(statistic < GoodnessOfFit.chiSquareCritical(degreesOfFreedom: df))
  }

  @Test func tinyMeanIsAlmostAlwaysZero() {
    // Mean 1e-6 over n = 20000 draws: the number of non-zero draws is about Poisson(0.02),
    // so more than 2 would have probability 1.3e-6.
    let values = GoodnessOfFit.sample(20_000, seed: 33) { Poisson.sample(mean: 1e-6, using: &$0) }
    #expect(values.filter { $0 != 0 }.count <= 2)
    #expect(values.allSatisfy { $0 >= 0 && $0.rounded() == $0 })
    // The extremes of the uniform map to the generalised inverse of the CDF:
    // F(1) = 1 − 5e-13 < 1 − 2⁻⁵³ ≤ F(2), so the largest uniform gives 2.
    var top = ConstantGenerator(value: .max)
    var bottom = ConstantGenerator(value: 0)
    #expect(Poisson.sample(mean: 1e-6, using: &top) == 2)
    #expect(Poisson.sample(mean: 1e-6, using: &bottom) == 0)
    var any = RandomStream(seed: 1, iteration: 2, stream: 3)
    #expect(Poisson.sample(mean: 0, using: &any) == 0)
  }

  @Test(arguments: [10.0, 30.5, 100.0, 2_500.5])
  func normalDeviationRareStepsSampleWhatTheNormalLeavesShort(mean: Double) {
    // PD's steps E and H alone (entered as after a negative normal deviate) must draw K with
    // probability ∝ (p_K − f_K)⁺, f_K = Φ((K + 1 − μ)/s) − Φ((K − μ)/s) the normal proposal's:
    // Pearson chi-square of n = 20000 draws against that law, at α = 0.001. A hat or a
    // log-probability off by a few percent in any bin fails it.
    let s = mean.squareRoot()
    let lo = max(0, (mean - 8 * s).rounded(.down)), hi = (mean + 12 * s).rounded(.down)
    var shortfall: [Double] = []
    for k in stride(from: lo, through: hi, by: 1) {
      let p = Poisson.cdf(k, mean: mean) - Poisson.cdf(k - 1, mean: mean)
      let f = StandardNormal.cdf((k + 1 - mean) / s) - StandardNormal.cdf((k - mean) / s)
      shortfall.append(max(0, p - f))
    }
    let total = shortfall.reduce(0, +)
    var cumulative: [Double] = []
    var running = 0.0
    for r in shortfall { running += r / total; cumulative.append(running) }
    let values = GoodnessOfFit.sample(20_000, seed: 35) {
      Poisson.normalDeviationRest(mean: mean, deviate: -1, count: 0, uniform: 0, using: &$0)
    }
    #expect(values.allSatisfy { $0 >= lo && $0 <= hi && $0.rounded() == $0 })
    let (statistic, df) = GoodnessOfFit.chiSquare(values, edges: Array(stride(from: lo, through: hi, by: 1))) { k in
      k < lo ? 0 : cumulative[min(Int(k - lo), cumulative.count - 1)]
    }
    #expect(df >= 10)
    #expect(statistic < GoodnessOfFit.chiSquareCritical(degreesOfFreedom: df))
  }

  @Test(arguments: [12.5, 150.5])
  func normalDeviationMatchesTheLawInTheBulkAndTheTails(mean: Double) {
    // PD on n = 200000 draws, every integer a bin (bins expecting ≥ 5): the squeeze, quotient
    // and hat steps all contribute there (12.5 takes the normal tails for the proposal's
    // probabilities, 150.5 the Hermite series). Chi-square at α = 0.001.
    let values = GoodnessOfFit.sample(200_000, seed: 36) { Poisson.normalDeviation(mean: mean, using: &$0) }
    let (statistic, df) = GoodnessOfFit.chiSquare(values, edges: (0...300).map(Double.init)) {
      Poisson.cdf($0, mean: mean)
    }
    #expect(df >= 25)
    #expect(statistic < GoodnessOfFit.chiSquareCritical(degreesOfFreedom: df))
  }

  @Test(arguments: [1e-3, 0.5, 3, 9.99])
  func smallMeansAreExactInversion(mean: Double) {
    // Below 10 the sampler is the generalised inverse of the CDF applied to one uniform.
    var generator = RandomStream(seed: 34, iteration: 0, stream: 0)
    for _ in 0..<500 {
      var copy = generator
      let u = openUniform(&copy)
      var k = 0.0
      while Poisson.cdf(k, mean: mean) < u { k += 1 }
      #expect(Poisson.sample(mean: mean, using: &generator) == k)
    }
  }

  @Test func cdfMatchesReference() {
    // (k, mean, P(X ≤ k)): mpmath Q(k + 1, μ) at 50 digits, rounded to double
    // (scipy.stats.poisson.cdf agrees to 1e-15).
    let reference: [(Double, Double, Double)] = [
      (0, 0.5, 0.6065306597126334),
      (3, 0.5, 0.9982483774437092),
      (5, 9.99, 0.06746524272066136),
      (10, 10, 0.5830397501929855),
      (25, 30, 0.20835736466733293),
      (9900, 1e4, 0.15987118224528374),
      (10100, 1e4, 0.8425485756351695),
      (999_990_000, 1e9, 0.37592261732394033),
      (1_000_050_000, 1e9, 0.9430777545992218),
      (0, 1e-6, 0.9999990000005),
    ]
    for (k, mean, value) in reference {
      #expect(GoodnessOfFit.relativeError(Poisson.cdf(k, mean: mean), value) < 1e-13)
    }
    #expect(Poisson.cdf(-1, mean: 3) == 0)
    #expect(Poisson.cdf(2.7, mean: 3) == Poisson.cdf(2, mean: 3))
    #expect(Poisson.cdf(0, mean: 0) == 1)
  }
}
