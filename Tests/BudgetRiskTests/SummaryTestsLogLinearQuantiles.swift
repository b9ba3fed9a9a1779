import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

@Suite struct LogLinearQuantilesTests {
  static func histogram(_ xs: some Sequence<Double>, layout: LogLinearLayout = .fine) -> LogLinearQuantiles {
    var h = LogLinearQuantiles(layout: layout)
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
  /// order statistics; f the density at the quantile), plus the histogram's resolution.
  static func tolerance(q: Double, density: Double, resolution: Double) -> Double {
    resolution + 4 * (q * (1 - q) / Double(n)).squareRoot() / density
  }

  @Test func layoutCoversEveryFiniteValueMonotonically() {
    for layout in [LogLinearLayout.fine, .path, ReturnRatioWorker.layout] {
      let u = layout.unit, m = Double(layout.subBucketBits)
      var rng = SummaryTestRandom(seed: 20)
      var values: [Double] = [0, u, -u, layout.linearLimit, -layout.linearLimit, .greatestFiniteMagnitude,
        -.greatestFiniteMagnitude, .leastNonzeroMagnitude, 1e-300, 0.25, 1, 3e5]
      values += (0..<2000).map { _ in (rng.uniform() - 0.5) * pow(10, 600 * rng.uniform() - 300) }
      values.sort()
      var previous = Int.min
      for x in values {
        let i = layout.bucket(x)
        #expect(i >= previous, "monotone at \(x)")
        previous = i
        let (a, b) = layout.edges(i)
        #expect(x >= 0 ? (a <= x && x < b) : (a < x && x <= b), "\(x) in its bucket [\(a), \(b))")
        // The stated resolution: max(u, 2⁻ᵐ·|x|).
        #expect(b - a <= max(u, abs(x) * pow(2, -m)) || !(b - a).isFinite)
      }
    }
  }

  @Test func uniformQuantiles() {
    let h = Self.histogram(Self.uniforms)
    let sorted = Self.uniforms.sorted()
    for q in QuantileLevels.reported {
      let estimate = h.quantile(q)
      let resolution = h.resolution(ofQuantile: q)
      #expect(resolution <= max(0x1p-13, q * 0x1p-11 * 2))
      // Against the population quantile x_q = q (density 1)…
      #expect(abs(estimate - q) <= Self.tolerance(q: q, density: 1, resolution: resolution))
      // …and against the exact sample quantile: within its bucket, deterministically.
      #expect(abs(estimate - summarySampleQuantile(sorted, q)) <= resolution)
      #expect(h.quantileInterval(q).contains(estimate))
    }
    #expect(h.quantile(0) == sorted.first && h.quantile(1) == sorted.last)
  }

  @Test func normalQuantiles() {
    var rng = SummaryTestRandom(seed: 22)
    let values = (0..<Self.n).map { _ in rng.normal() }
    let h = Self.histogram(values)
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
      let estimate = h.quantile(q), resolution = h.resolution(ofQuantile: q)
      #expect(abs(estimate - x) <= Self.tolerance(q: q, density: density, resolution: resolution))
      #expect(abs(estimate - summarySampleQuantile(sorted, q)) <= resolution)
    }
  }

  /// No range to leave: values over 600 orders of magnitude, both signs, are read within
  /// one bucket (relative 2⁻¹¹) of the exact sample quantiles, and the tail means within one
  /// bucket at the VaR plus 2⁻²¹ of a bucket per value.
  @Test func anyFiniteRangeIsReadWithinItsResolution() {
    var rng = SummaryTestRandom(seed: 26)
    let values = (0..<20_000).map { _ in (rng.uniform() < 0.3 ? -1 : 1) * pow(10, 600 * rng.uniform() - 300) }
    let h = Self.histogram(values)
    let sorted = values.sorted()
    for q in QuantileLevels.reported + [0.001, 0.999] {
      let exact = summarySampleQuantile(sorted, q)
      #expect(abs(h.quantile(q) - exact) <= h.resolution(ofQuantile: q), "q = \(q)")
      #expect(h.resolution(ofQuantile: q) <= max(0x1p-13, abs(exact) * 0x1p-11))
    }
    for q in [0.9, 0.95, 0.99] {
      let exact = summarySampleTVaR(sorted, q)
      // One bucket at the VaR, plus each whole bucket's position rounding, 2⁻²¹ of its width.
      #expect(abs(h.meanAbove(quantile: q) - exact) <= h.resolution(ofQuantile: q) + 0x1p-21 * h.layout.resolution(at: h.maximum))
    }
  }

  /// Every rank, not just the reported levels: the search that skips blocks of 16 buckets
  /// must land in the bucket of the exact order statistic, also at and across block edges
  /// and over long empty stretches (values clustered in three narrow groups far apart, with
  /// and without position sums).
  @Test(arguments: [LogLinearLayout.fine, LogLinearLayout.path])
  func everyRankIsReadInItsOwnBucket(layout: LogLinearLayout) {
    var rng = SummaryTestRandom(seed: 27)
    let centres = [-3.0, 0.01, 40.0]
    let values = (0..<3_000).map { i in centres[i % 3] * (1 + 0.02 * rng.uniform()) }
    let h = Self.histogram(values, layout: layout)
    let sorted = values.sorted()
    let n = Double(values.count)
    for r in 1...values.count {
      // The level naming rank r exactly (see `rank`): ⌈n·q⌉ = r.
      let q = (Double(r) - 0.5) / n
      let exact = sorted[r - 1]
      #expect(abs(h.quantile(q) - exact) <= layout.resolution(at: exact), "rank \(r)")
    }
  }

  @Test func mergesEqualInAnyOrderAndSplit() {
    let values = Self.uniforms.prefix(20_000).map { 30 * $0 - 10 }
    let whole = Self.histogram(values)
    var rng = SummaryTestRandom(seed: 23)
    for _ in 0..<6 {
      let cuts = (0..<Int(1 + rng.next() % 6)).map { _ in Int(rng.next() % UInt64(values.count)) }
      let bounds = [0] + cuts.sorted() + [values.count]
      var shards = zip(bounds, bounds.dropFirst()).map { Self.histogram(values[$0..<$1]) }
      shards.shuffle(using: &rng)
      var merged = LogLinearQuantiles()
      for shard in shards { merged.merge(shard) }
      #expect(merged == whole)
      for q in QuantileLevels.reported {
        #expect(merged.quantile(q).bitPattern == whole.quantile(q).bitPattern)
        #expect(merged.meanAbove(quantile: q).bitPattern == whole.meanAbove(quantile: q).bitPattern)
      }
    }
  }

  @Test func smallSamplesAndEdgeCases() {
    let values: [Double] = [-3, -2, 0.05, 0.15, 0.25, 0.45, 4, 5]
    let h = Self.histogram(values)
    #expect(h.count == 8 && h.minimum == -3 && h.maximum == 5)
    #expect(h.quantile(0.1) == -3)   // rank 1
    #expect(h.quantile(1) == 5)      // rank 8
    #expect(abs(h.quantile(0.25) - -2) <= h.resolution(ofQuantile: 0.25))
    #expect(abs(h.meanAbove(quantile: 0.75) - 4.5) <= h.resolution(ofQuantile: 0.75))
    #expect(abs(h.meanAbove(quantile: 0) - values.reduce(0, +) / 8) < 1e-5)
    #expect(h.exceedanceFraction(above: -5) == 1)
    #expect(h.exceedanceFraction(above: 5) == 0)
    #expect(h.exceedanceFraction(above: 0.5) == 0.25)   // bucket edge: exact
    let empty = LogLinearQuantiles()
    #expect(empty.quantile(0.5).isNaN && empty.meanAbove(quantile: 0.9).isNaN && empty.exceedanceFraction(above: 0).isNaN)
  }

  @Test func nonFiniteValuesAreCountedNotSummarised() {
    var h = Self.histogram([1, 2, 3])
    h.add(.infinity); h.add(.nan); h.add(-.infinity)
    #expect(h.count == 3 && h.nonFiniteCount == 3 && h.maximum == 3)
  }

  @Test func exceedanceMatchesTheSampleCount() {
    let h = Self.histogram(Self.uniforms)
    let n = Double(Self.n)
    for x in [0.25, 0.5, 0.75] {  // bucket edges: exact
      #expect(h.exceedanceFraction(above: x) == Double(Self.uniforms.filter { $0 > x }.count) / n)
    }
    for x in [0.0123, 0.5555, 0.98765] {  // inside a bucket: within that bucket's count
      let exact = Double(Self.uniforms.filter { $0 > x }.count) / n
      let (a, b) = h.layout.edges(h.layout.bucket(x))
      let inBucket = Double(Self.uniforms.filter { $0 >= a && $0 < b }.count)
      #expect(abs(h.exceedanceFraction(above: x) - exact) <= inBucket / n)
    }
  }

  /// TVaR against closed forms: uniform(0, 1): (1 + q)/2; exponential(1): 1 − ln(1 − q).
  /// Tolerance: one bucket at the VaR plus 4 standard errors of the empirical TVaR,
  /// `√((Var(X | X > v) + q·(TVaR − v)²) / (n(1 − q)))` with v the q-quantile
  /// (Manistre & Hancock 2005): for the uniform Var(X | X > v) = (1 − q)²/12 and
  /// TVaR − v = (1 − q)/2; for the exponential 1 and 1. Against the sample's own TVaR the
  /// error is at most one bucket at the VaR (the whole buckets count at their exact sums).
  @Test(arguments: QuantileLevels.tail)
  func tailMeans(_ q: Double) {
    let n = Double(Self.n)
    let uniform = Self.histogram(Self.uniforms)
    let seU = (((1 - q) * (1 - q) / 12 + q * (1 - q) * (1 - q) / 4) / (n * (1 - q))).squareRoot()
    let wU = uniform.resolution(ofQuantile: q)
    #expect(abs(uniform.meanAbove(quantile: q) - (1 + q) / 2) <= wU + 4 * seU)
    #expect(abs(uniform.meanAbove(quantile: q) - summarySampleTVaR(Self.uniforms.sorted(), q)) <= wU)

    var rng = SummaryTestRandom(seed: 24)
    let values = (0..<Self.n).map { _ in rng.exponential() * 1e6 }  // money-sized
    let exponential = Self.histogram(values)
    let seE = ((1 + q) / (n * (1 - q))).squareRoot() * 1e6
    let wE = exponential.resolution(ofQuantile: q)
    #expect(abs(exponential.meanAbove(quantile: q) - (1 - log(1 - q)) * 1e6) <= wE + 4 * seE)
    #expect(abs(exponential.meanAbove(quantile: q) - summarySampleTVaR(values.sorted(), q)) <= wE)
    #expect(exponential.meanAbove(quantile: q) >= exponential.quantile(q))
  }

  /// Coverage of the order-statistic interval over 400 independent samples of n = 200
  /// uniforms. The exact coverage of [X₍ⱼ₎, X₍ₖ₎] is P(j ≤ B ≤ k − 1), B ~ Bin(n, q);
  /// the observed rate must lie within 4 binomial standard errors √(p(1 − p)/400) of it
  /// (≈ 0.044 at p = 0.95) — or above it, since the ends are widened by the resolution.
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
      let h = Self.histogram((0..<n).map { _ in rng.uniform() })
      if h.quantileInterval(q).contains(q) { covered += 1 }
    }
    let observed = Double(covered) / Double(repetitions)
    #expect(observed - exact >= -4 * (exact * (1 - exact) / Double(repetitions)).squareRoot())
    #expect(observed - exact <= 4 * (exact * (1 - exact) / Double(repetitions)).squareRoot() + 0.01)
  }

  @Test func bulkAddMatchesSingleAdds() {
    let values = Self.uniforms.prefix(5000).map { 4 * $0 - 1.5 } + [-0.0, 0.0, 7, -9, 1e12]
    var bulk = LogLinearQuantiles()
    bulk.add(contentsOf: values[..<2000])
    bulk.add(contentsOf: values[2000...])
    #expect(bulk == Self.histogram(values))
  }

  /// The strided bulk add (the staged histograms' and the fan's) leaves the state of one-by-one
  /// adds to the bit: counts, buckets, and the minimum and maximum with their zero's sign
  /// (`==` would call −0 and +0 equal), for batches with −0 at either end, non-finite values,
  /// values that grow the window, and batches with nothing finite.
  @Test(arguments: [LogLinearLayout.fine, LogLinearLayout.path])
  func stridedAddMatchesSingleAddsToTheBit(layout: LogLinearLayout) {
    let step = 3
    let batches: [[Double]] = [
      [-0.0, 0.0, -0.0],
      [0.0, -0.0],
      Self.uniforms.prefix(200).map { 4 * $0 - 1.5 } + [-0.0, .nan, 7, -9, 1e12, .infinity],
      [.nan, -.infinity],
      [],
      Self.uniforms.dropFirst(200).prefix(64).map { $0 - 0.5 } + [-0.0],
    ]
    var strided = LogLinearQuantiles(layout: layout), single = LogLinearQuantiles(layout: layout)
    for batch in batches {
      // The batch spread `step` apart, with junk between that must not be read as values.
      var spread = [Double](repeating: 99, count: max(1, batch.count * step))
      for (k, x) in batch.enumerated() { spread[k * step] = x }
      spread.withUnsafeBufferPointer { strided.add(strided: $0.baseAddress!, count: batch.count, step: step) }
      for x in batch { single.add(x) }
      #expect(strided == single)
      #expect(strided.count == single.count && strided.nonFiniteCount == single.nonFiniteCount)
      #expect(strided.minimum.bitPattern == single.minimum.bitPattern)
      #expect(strided.maximum.bitPattern == single.maximum.bitPattern)
    }
    #expect(single.count == 274 && single.nonFiniteCount == 4)
    #expect(single.minimum == -9 && single.maximum == 1e12)
  }
}
