import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Statistical helpers shared by the sampler tests, and tests of the helpers themselves.
///
/// Every tolerance in the sampler tests is a multiple of a Monte Carlo standard error
/// computed here, or a critical value at a stated significance level; seeds are fixed, so
/// each test is deterministic and the level only says how unlucky a seed would have to be.
enum GoodnessOfFit {
  /// `n` draws from `draw`, using a fixed-seed stream.
  static func sample(
    _ n: Int, seed: UInt64 = 0x5EED, stream: UInt32 = 0,
    _ draw: (inout RandomStream) -> Double
  ) -> [Double] {
    var generator = RandomStream(seed: seed, iteration: 1, stream: stream)
    var values: [Double] = []
    values.reserveCapacity(n)
    for _ in 0..<n { values.append(draw(&generator)) }
    return values
  }

  /// Sample mean, variance and the standard errors of both.
  ///
  /// SE(mean) = √(σ²/n) with the closed-form σ² when given; SE(variance) = √((m₄ − s⁴)/n)
  /// with the sample fourth central moment m₄ (the large-sample variance of s²).
  struct Moments {
    var mean: Double
    var variance: Double
    var fourthCentralMoment: Double
    var count: Int

    init(_ values: [Double]) {
      count = values.count
      let n = Double(values.count)
      mean = values.reduce(0, +) / n
      var m2 = 0.0, m4 = 0.0
      for v in values {
        let d = v - mean
        m2 += d * d
        m4 += d * d * d * d
      }
      variance = m2 / (n - 1)
      fourthCentralMoment = m4 / n
    }

    func meanStandardError(trueVariance: Double) -> Double {
      (trueVariance / Double(count)).squareRoot()
    }

    var varianceStandardError: Double {
      (Swift.max(0, fourthCentralMoment - variance * variance) / Double(count)).squareRoot()
    }
  }

  /// The Kolmogorov–Smirnov statistic `D = sup |F_n(x) − F(x)|`.
  static func kolmogorovSmirnov(_ values: [Double], cdf: (Double) -> Double) -> Double {
    let sorted = values.sorted()
    let n = Double(sorted.count)
    var d = 0.0
    for (i, x) in sorted.enumerated() {
      let f = cdf(x)
      d = Swift.max(d, f - Double(i) / n, Double(i + 1) / n - f)
    }
    return d
  }

  /// Asymptotic KS critical value `√(−ln(α/2)/2)/√n` (1.949/√n at α = 0.001).
  static func kolmogorovSmirnovCritical(n: Int, level alpha: Double = 0.001) -> Double {
    (-log(alpha / 2) / 2).squareRoot() / Double(n).squareRoot()
  }

  /// Pearson's chi-square statistic for a discrete sampler against an exact CDF.
  ///
  /// Bins are `(previous edge, edge]` for candidate edges taken in ascending order and kept
  /// only once a bin expects at least 5 counts; everything above the last kept edge forms
  /// the final bin.
  /// - Returns: the statistic and its degrees of freedom (bins − 1).
  static func chiSquare(
    _ values: [Double], edges candidates: [Double], cdf: (Double) -> Double
  ) -> (statistic: Double, degreesOfFreedom: Int) {
    let n = Double(values.count)
    var edges: [Double] = []
    var expected: [Double] = []
    var previous = 0.0
    for edge in candidates {
      let c = cdf(edge)
      if (c - previous) * n >= 5 && (1 - c) * n >= 5 {
        edges.append(edge)
        expected.append((c - previous) * n)
        previous = c
      }
    }
    expected.append((1 - previous) * n)
    var observed = [Double](repeating: 0, count: expected.count)
    for v in values {
      // First kept edge ≥ v, by bisection; past the last edge, the final bin.
      var lo = 0, hi = edges.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if edges[mid] >= v { hi = mid } else { lo = mid + 1 }
      }
      observed[lo] += 1
    }
    var statistic = 0.0
    for (o, e) in zip(observed, expected) { statistic += (o - e) * (o - e) / e }
    return (statistic, expected.count - 1)
  }

  /// Integer bin edges for a count distribution with the given mean and standard deviation:
  /// every integer up to mean + 8 sd when that is a short list, otherwise about 40 edges
  /// between mean ± 5 sd.
  static func countEdges(mean: Double, sd: Double) -> [Double] {
    let top = mean + 8 * sd + 5
    if top < 400 { return (0...Int(top)).map(Double.init) }
    return stride(from: -5.0, through: 5.0, by: 0.25).map { (mean + $0 * sd).rounded(.down) }
  }

  /// `|x − reference| / |reference|`, for comparisons with published or high-precision values.
  static func relativeError(_ x: Double, _ reference: Double) -> Double {
    abs(x - reference) / abs(reference)
  }

  /// Upper 0.1 % point of chi-square with `df` degrees of freedom: `Gamma.quantile(0.999,
  /// shape: df/2, scale: 2)`, itself checked against scipy in `GammaTests`.
  static func chiSquareCritical(degreesOfFreedom df: Int) -> Double {
    Gamma.quantile(0.999, shape: Double(df) / 2, scale: 2)
  }
}

@Suite struct DistributionGoodnessOfFitTests {
  @Test func kolmogorovSmirnovOfAPerfectGridIsHalfABin() {
    let n = 1000
    let grid = (0..<n).map { (Double($0) + 0.5) / Double(n) }
    let d = GoodnessOfFit.kolmogorovSmirnov(grid) { $0 }
    #expect(abs(d - 0.5 / Double(n)) < 1e-12)
    // 1.949/√n at α = 0.001 (Smirnov's asymptotic distribution).
    #expect(abs(GoodnessOfFit.kolmogorovSmirnovCritical(n: 10_000) - 0.019_495) < 1e-5)
  }

  @Test func chiSquareCriticalValuesMatchScipy() {
    // scipy.stats.chi2.ppf(0.999, df), scipy 1.17.1.
    let reference: [(Int, Double)] = [
      (5, 20.515005652432873), (10, 29.58829844507442), (20, 45.31474661812586),
      (40, 73.40195751899103),
    ]
    for (df, value) in reference {
      #expect(abs(GoodnessOfFit.chiSquareCritical(degreesOfFreedom: df) / value - 1) < 1e-12)
    }
  }

  @Test func chiSquareOfExactCountsIsSmall() {
    // A "sample" laid out exactly in proportion to a discrete uniform on 0…9.
    var values: [Double] = []
    for k in 0..<10 { values += Array(repeating: Double(k), count: 100) }
    let result = GoodnessOfFit.chiSquare(values, edges: (0...9).map(Double.init)) { x in
      x < 0 ? 0 : Swift.min(1, (x.rounded(.down) + 1) / 10)
    }
    #expect(result.degreesOfFreedom == 9)
    #expect(result.statistic < 1e-9)
  }
}
