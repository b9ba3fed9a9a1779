import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

@Suite struct BinnedQuantilesTests {
  static func histogram(_ xs: some Sequence<Double>, lower: Double, upper: Double, bins: Int) -> BinnedQuantiles {
    var h = BinnedQuantiles(lower: lower, upper: upper, binCount: bins)
    for x in xs { h.add(x) }
    return h
  }

  static let n = 100_000
  static let uniforms: [Double] = {
    var rng = SummaryTestRandom(seed: 21)
    return (0..<n).map { _ in rng.uniform() }
  }()

  /// Monte Carlo tolerance for a sample quantile: 4 standard errors, where the standard
  /// error of the sample q-quantile is `√(q(1 − q)/n) / f(x_q)` (asymptotic normality of
  /// order statistics; f the density at the quantile), plus the histogram's reading error,
  /// less than one bin width.
  static func tolerance(q: Double, density: Double, binWidth: Double) -> Double {
    binWidth + 4 * (q * (1 - q) / Double(n)).squareRoot() / density
  }

  @Test func uniformQuantiles() {
    let h = Self.histogram(Self.uniforms, lower: 0, upper: 1, bins: 1000)
    let sorted = Self.uniforms.sorted()
    for q in QuantileLevels.reported {
      let estimate = h.quantile(q)
      // Against the population quantile x_q = q (density 1)…
      #expect(abs(estimate - q) <= Self.tolerance(q: q, density: 1, binWidth: h.binWidth))
      // …and against the exact sample quantile: within one bin width, deterministically.
      #expect(abs(estimate - summarySampleQuantile(sorted, q)) < h.binWidth)
      #expect(!h.quantileIsCensored(q))
      #expect(h.quantileInterval(q).contains(estimate))
    }
    #expect(h.quantile(0) == sorted.first && h.quantile(1) == sorted.last)
  }

  @Test func normalQuantiles() {
    var rng = SummaryTestRandom(seed: 22)
    let values = (0..<Self.n).map { _ in rng.normal() }
    let h = Self.histogram(values, lower: -5, upper: 5, bins: 2000)
    let sorted = values.sorted()
    // Φ⁻¹(q) and φ(Φ⁻¹(q)) from SciPy 1.17 (scipy.stats.norm).
    let reference: [(q: Double, x: Double, density: Double)] = [
      (0.01, -2.3263478740408408, 0.02665214220345808),
      (0.05, -1.6448536269514729, 0.10313564037537128),
      (0.10, -1.2815515655446004, 0.17549833193248685),
      (0.25, -0.6744897501960817, 0.317776572684107),
      (0.50, 0.0, 0.3989422804014327),
      (0.75, 0.6744897501960817, 0.317776572684107),
      (0.90, 1.2815515655446004, 0.17549833193248685),
      (0.95, 1.6448536269514722, 0.10313564037537139),
      (0.99, 2.3263478740408408, 0.02665214220345808),
    ]
    for (q, x, density) in reference {
      let estimate = h.quantile(q)
      #expect(abs(estimate - x) <= Self.tolerance(q: q, density: density, binWidth: h.binWidth))
      #expect(abs(estimate - summarySampleQuantile(sorted, q)) < h.binWidth)
    }
  }

  @Test func mergesEqualInAnyOrderAndSplit() {
    let values = Self.uniforms.prefix(20_000).map { 3 * $0 - 1 }  // some under/overflow of [-0.5, 1.5)
    let whole = Self.histogram(values, lower: -0.5, upper: 1.5, bins: 400)
    var rng = SummaryTestRandom(seed: 23)
    for _ in 0..<6 {
      let cuts = (0..<Int(1 + rng.next() % 6)).map { _ in Int(rng.next() % UInt64(values.count)) }
      let bounds = [0] + cuts.sorted() + [values.count]
      var shards = zip(bounds, bounds.dropFirst()).map {
        Self.histogram(values[$0..<$1], lower: -0.5, upper: 1.5, bins: 400)
      }
      shards.shuffle(using: &rng)
      var merged = BinnedQuantiles(lower: -0.5, upper: 1.5, binCount: 400)
      for shard in shards { merged.merge(shard) }
      #expect(merged == whole)
      for q in QuantileLevels.reported {
        #expect(merged.quantile(q).bitPattern == whole.quantile(q).bitPattern)
        #expect(merged.meanAbove(quantile: q).bitPattern == whole.meanAbove(quantile: q).bitPattern)
      }
    }
    // Signed zeros: min and max do not depend on which zero came first.
    let a = Self.histogram([-0.0, 0.0], lower: -1, upper: 1, bins: 4)
    let b = Self.histogram([0.0, -0.0], lower: -1, upper: 1, bins: 4)
    #expect(a == b && a.minimum.sign == .plus && b.maximum.sign == .plus)
  }

  @Test func underflowAndOverflowAreCensoredAtTheExactExtremes() {
    let values: [Double] = [5, -3, 0.15, 0.25, -1, 0.35, 2, 0.45]
    let h = Self.histogram(values, lower: 0, upper: 1, bins: 10)
    #expect(h.count == 8 && h.underflowCount == 2 && h.overflowCount == 2)
    #expect(h.minimum == -3 && h.maximum == 5)
    // Ranks 1 and n are the exact minimum and maximum.
    #expect(h.quantile(0.1) == -3 && !h.quantileIsCensored(0.1))   // rank 1
    #expect(h.quantile(1) == 5 && !h.quantileIsCensored(1))        // rank 8
    // Rank 2 (underflow) and rank 7 (overflow) are only bounded.
    #expect(h.quantile(0.25) == -3 && h.quantileIsCensored(0.25))
    #expect(h.quantile(0.8) == 5 && h.quantileIsCensored(0.8))
    // Rank 3 sits alone in bin [0.1, 0.2): its midpoint.
    #expect(abs(h.quantile(0.3) - 0.15) < 1e-15 && !h.quantileIsCensored(0.3))
    // Top two values are the whole overflow: exact mean (2 + 5)/2.
    #expect(h.meanAbove(quantile: 0.75) == 3.5)
    // Whole sample: exact under/overflow sums + the four midpoints.
    #expect(abs(h.meanAbove(quantile: 0) - values.reduce(0, +) / 8) < 1e-15)
    #expect(h.exceedanceFraction(above: -5) == 1)
    #expect(h.exceedanceFraction(above: 5) == 0)
    #expect(h.exceedanceFraction(above: 0.5) == 0.25)   // bin edge: exact
    #expect(h.exceedanceFraction(above: 0.2) == 0.625)  // bin edge: exact
    #expect(h.quantileInterval(0.5).contains(h.quantile(0.5)))
  }

  @Test func emptyHistogram() {
    let h = BinnedQuantiles(lower: 0, upper: 1, binCount: 10)
    #expect(h.quantile(0.5).isNaN && h.meanAbove(quantile: 0.9).isNaN)
    #expect(h.exceedanceFraction(above: 0).isNaN && !h.quantileIsCensored(0.5))
    #expect(h.quantileInterval(0.5) == -Double.infinity...Double.infinity)
  }

  @Test func exceedanceMatchesTheSampleCount() {
    let h = Self.histogram(Self.uniforms, lower: 0, upper: 1, bins: 1000)
    let n = Double(Self.n)
    for x in [0.25, 0.5, 0.9] {  // bin edges: exact
      #expect(h.exceedanceFraction(above: x) == Double(Self.uniforms.filter { $0 > x }.count) / n)
    }
    for x in [0.0123, 0.5555, 0.98765] {  // inside a bin: within that bin's count
      let exact = Double(Self.uniforms.filter { $0 > x }.count) / n
      #expect(abs(h.exceedanceFraction(above: x) - exact) <= Double(h.bins[h.binIndex(x)]) / n)
    }
  }

  /// TVaR against closed forms: uniform(0, 1): (1 + q)/2; exponential(1): 1 − ln(1 − q).
  /// Tolerance: one bin width plus 4 standard errors of the empirical TVaR,
  /// `√((Var(X | X > v) + q·(TVaR − v)²) / (n(1 − q)))` with v the q-quantile
  /// (Manistre & Hancock 2005): for the uniform Var(X | X > v) = (1 − q)²/12 and
  /// TVaR − v = (1 − q)/2; for the exponential 1 and 1.
  @Test(arguments: QuantileLevels.tail)
  func tailMeans(_ q: Double) {
    let n = Double(Self.n)
    let uniform = Self.histogram(Self.uniforms, lower: 0, upper: 1, bins: 1000)
    let seU = (((1 - q) * (1 - q) / 12 + q * (1 - q) * (1 - q) / 4) / (n * (1 - q))).squareRoot()
    #expect(abs(uniform.meanAbove(quantile: q) - (1 + q) / 2) <= uniform.binWidth + 4 * seU)
    #expect(abs(uniform.meanAbove(quantile: q) - summarySampleTVaR(Self.uniforms.sorted(), q)) <= uniform.binWidth)

    var rng = SummaryTestRandom(seed: 24)
    let values = (0..<Self.n).map { _ in rng.exponential() }
    let exponential = Self.histogram(values, lower: 0, upper: 16, bins: 4000)
    let seE = ((1 + q) / (n * (1 - q))).squareRoot()
    #expect(abs(exponential.meanAbove(quantile: q) - (1 - log(1 - q))) <= exponential.binWidth + 4 * seE)
    #expect(abs(exponential.meanAbove(quantile: q) - summarySampleTVaR(values.sorted(), q)) <= exponential.binWidth)
  }

  /// Coverage of the order-statistic interval over 400 independent samples of n = 200
  /// uniforms. The exact coverage of [X₍ⱼ₎, X₍ₖ₎] is P(j ≤ B ≤ k − 1), B ~ Bin(n, q);
  /// the observed rate must lie within 4 binomial standard errors √(p(1 − p)/400) of it
  /// (≈ 0.044 at p = 0.95), and the exact coverage itself near the nominal 95 %.
  @Test(arguments: [0.5, 0.9])
  func orderStatisticIntervalCoverage(_ q: Double) {
    let n = 200
    let repetitions = 400
    let z = 1.959963984540054
    let centre = Double(n) * q
    let spread = z * (Double(n) * q * (1 - q)).squareRoot()
    let j = max(1, Int((centre - spread).rounded(.down)))
    let k = min(n, Int((centre + spread).rounded(.up)))
    var pmf = pow(1 - q, Double(n))  // P(B = 0)
    var exact = 0.0
    for b in 0...n {
      if b >= j && b <= k - 1 { exact += pmf }
      pmf *= Double(n - b) / Double(b + 1) * q / (1 - q)
    }
    #expect(abs(exact - 0.95) < 0.03)
    var rng = SummaryTestRandom(seed: 25)
    var covered = 0
    for _ in 0..<repetitions {
      let h = Self.histogram((0..<n).map { _ in rng.uniform() }, lower: 0, upper: 1, bins: 2000)
      if h.quantileInterval(q).contains(q) { covered += 1 }
    }
    let observed = Double(covered) / Double(repetitions)
    #expect(abs(observed - exact) <= 4 * (exact * (1 - exact) / Double(repetitions)).squareRoot())
  }
}

extension BinnedQuantilesTests {
  @Test func bulkAddMatchesSingleAdds() {
    let values = Self.uniforms.prefix(5000).map { 4 * $0 - 1.5 } + [-0.0, 0.0, 7, -9]
    var bulk = BinnedQuantiles(lower: -1, upper: 1, binCount: 300)
    bulk.add(contentsOf: values[..<2000])
    bulk.add(contentsOf: values[2000...])
    #expect(bulk == Self.histogram(values, lower: -1, upper: 1, bins: 300))
  }
}
