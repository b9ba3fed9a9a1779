import Foundation
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny deterministic generator for the summary
/// tests' data, independent of the project's own samplers.
struct SummaryTestRandom: RandomNumberGenerator {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform on the open interval (0, 1).
  mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) * 0x1p-53 }

  /// Standard normal, by inversion (AS241, checked against SciPy in the critical-value tests).
  mutating func normal() -> Double { StandardNormal.quantile(uniform()) }

  /// Exponential with mean 1, by inversion.
  mutating func exponential() -> Double { -log(uniform()) }
}

/// Exact sample order statistic `X₍ᵣ₎` (1-based) of sorted values.
func summaryOrderStatistic(_ sorted: [Double], rank r: Int) -> Double {
  sorted[min(max(r, 1), sorted.count) - 1]
}

/// Exact sample quantile `X₍⌈n·q⌉₎` with the same rank rule as `BinnedQuantiles`.
func summarySampleQuantile(_ sorted: [Double], _ q: Double) -> Double {
  let r = (Double(sorted.count) * q * (1 - 0x1p-50)).rounded(.up)
  return summaryOrderStatistic(sorted, rank: Int(r))
}

/// Exact sample TVaR: the mean of the largest n(1 − q) values, the boundary one with a
/// fractional weight.
func summarySampleTVaR(_ sorted: [Double], _ q: Double) -> Double {
  let m = Double(sorted.count) * (1 - q)
  let whole = Int(m)
  var total = 0.0
  for i in 0..<whole { total += sorted[sorted.count - 1 - i] }
  if whole < sorted.count { total += (m - Double(whole)) * sorted[sorted.count - 1 - whole] }
  return total / m
}
