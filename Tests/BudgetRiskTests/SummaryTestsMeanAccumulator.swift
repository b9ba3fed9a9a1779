import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

@Suite struct MeanAccumulatorTests {
  static func accumulate(_ xs: some Sequence<Double>) -> MeanAccumulator {
    var m = MeanAccumulator()
    for x in xs { m.add(x) }
    return m
  }

  @Test func matchesTheClosedFormForTheIntegers() {
    // 1, 2, …, n: mean (n + 1)/2, sample variance n(n + 1)/12.
    let n = 1000.0
    let m = Self.accumulate((1...1000).map(Double.init))
    #expect(m.count == 1000)
    #expect(m.mean == 500.5)
    #expect(abs(m.variance - n * (n + 1) / 12) <= 1e-15 * m.variance)
    #expect(abs(m.standardError - (n * (n + 1) / 12 / n).squareRoot()) <= 1e-15 * m.standardError)
  }

  @Test func aLargeMeanDoesNotCancelTheVariance() {
    // x = 2¹⁶ + i·2⁻⁸, i = 0…999 (x and x² exact in Double and in 2⁻⁴⁰ fixed point):
    // variance = 2⁻¹⁶ · n(n + 1)/12, with mean² / variance ≈ 3 × 10⁹.
    let m = Self.accumulate((0..<1000).map { 0x1p16 + Double($0) * 0x1p-8 })
    let exact = 0x1p-16 * 1000 * 1001 / 12
    #expect(abs(m.variance - exact) <= 1e-14 * exact)
    #expect(m.mean == 0x1p16 + 999 * 0x1p-9)
  }

  @Test func normalDrawsAgreeWithinMonteCarloError() {
    // N(0.05, 0.1²), n = 20 000: mean within 4 SE (0.1/√n); variance within 4·σ²·√(2/(n−1)).
    var rng = SummaryTestRandom(seed: 11)
    let n = 20_000
    let m = Self.accumulate((0..<n).map { _ in 0.05 + 0.1 * rng.normal() })
    #expect(abs(m.mean - 0.05) <= 4 * 0.1 / Double(n).squareRoot())
    #expect(abs(m.variance - 0.01) <= 4 * 0.01 * (2 / Double(n - 1)).squareRoot())
    #expect(abs(m.standardError - 0.1 / Double(n).squareRoot()) <= 0.05 * m.standardError)
  }

  @Test func mergesEqualInAnyOrder() {
    let values = ExactSumTests.mixedValues(count: 900, seed: 5).map { $0 / 1000 }
    let whole = Self.accumulate(values)
    let parts = [values[0..<100], values[100..<450], values[450..<451], values[451...]].map(Self.accumulate)
    for order in [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]] {
      var merged = MeanAccumulator()
      for i in order { merged.merge(parts[i]) }
      #expect(merged == whole)
      #expect(merged.variance.bitPattern == whole.variance.bitPattern)
    }
  }

  @Test func tooFewValuesGiveNaN() {
    #expect(MeanAccumulator().mean.isNaN)
    let one = Self.accumulate([3])
    #expect(one.mean == 3)
    #expect(one.variance.isNaN && one.standardError.isNaN)
    #expect(Self.accumulate([2, 2, 2]).variance == 0)
  }
}
