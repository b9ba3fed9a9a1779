import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

@Suite struct ProportionCounterTests {
  /// Newcombe (1998), "Two-sided confidence intervals for the single proportion",
  /// Statistics in Medicine 17:857–872, table I, method 3 (Wilson score, no continuity
  /// correction); each checked against the direct formula in Python.
  @Test(arguments: [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
  ])
  func wilsonMatchesNewcombe(_ case: (Int, Int, Double, Double)) {
    let (k, n, low, high) = `case`
    var counter = ProportionCounter()
    for i in 0..<n { counter.add(i < k) }
    let interval = counter.wilsonInterval()
    #expect((interval.lowerBound * 10_000).rounded() / 10_000 == low)
    #expect((interval.upperBound * 10_000).rounded() / 10_000 == high)
    #expect(counter.estimate == Double(k) / Double(n))
  }

  @Test func edgesAreExact() {
    #expect(ProportionCounter(successes: 0, trials: 20).wilsonInterval().lowerBound == 0)
    #expect(ProportionCounter(successes: 20, trials: 20).wilsonInterval().upperBound == 1)
    #expect(ProportionCounter().wilsonInterval() == 0...1)
    #expect(ProportionCounter().estimate.isNaN)
    // Symmetry: k/n and (n − k)/n mirror each other.
    let a = ProportionCounter(successes: 7, trials: 50).wilsonInterval(confidence: 0.99)
    let b = ProportionCounter(successes: 43, trials: 50).wilsonInterval(confidence: 0.99)
    #expect(abs(a.lowerBound - (1 - b.upperBound)) < 1e-15)
    #expect(abs(a.upperBound - (1 - b.lowerBound)) < 1e-15)
  }

  @Test func mergesEqualInAnyOrder() {
    var rng = SummaryTestRandom(seed: 7)
    var parts = (0..<5).map { _ in ProportionCounter() }
    var whole = ProportionCounter()
    for i in 0..<1000 {
      let hit = rng.uniform() < 0.3
      whole.add(hit)
      parts[i % 5].add(hit)
    }
    var forward = ProportionCounter()
    for p in parts { forward.merge(p) }
    var backward = ProportionCounter()
    for p in parts.reversed() { backward.merge(p) }
    var batched = ProportionCounter()
    for p in parts { batched.add(successes: p.successes, trials: p.trials) }
    #expect(forward == whole && backward == whole && batched == whole)
  }

  /// `Φ⁻¹` references from SciPy 1.17 `scipy.stats.norm.ppf`.
  @Test(arguments: [
    (0.975, 1.959963984540054), (0.95, 1.6448536269514722), (0.995, 2.5758293035489004),
    (0.5, 0.0), (0.3, -0.5244005127080409), (0.01, -2.3263478740408408),
    (1e-10, -6.361340902404056), (1e-300, -37.0470962993612), (0.999999, 4.753424308817087),
  ])
  func normalQuantileMatchesSciPy(_ case: (Double, Double)) {
    let (p, x) = `case`
    // AS241 is good to about 1e-16 relative; for p > ½ the tail 1 − p inherits the rounding
    // of p itself (relative 1e-15 at p = 0.95), a few ulps of x.
    #expect(abs(StandardNormal.quantile(p) - x) <= 2e-15 * max(1, abs(x)))
  }

  @Test func criticalValuesOfCommonLevels() {
    #expect(CriticalValue.twoSided(confidence: 0.95) == 1.959963984540054)
    #expect(abs(CriticalValue.twoSided(confidence: 0.8) - 1.2815515655446004) < 1e-15)
  }
}
