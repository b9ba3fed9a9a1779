import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// A generator that always returns the same word, to drive `openUniform` to its extremes.
struct ConstantGenerator: RandomNumberGenerator {
  var value: UInt64
  mutating func next() -> UInt64 { value }
}

@Suite struct RandomStreamOpenUniformTests {
  @Test func extremeInputsStayInsideTheOpenInterval() {
    var zero = ConstantGenerator(value: 0)
    var ones = ConstantGenerator(value: .max)
    let smallest = openUniform(&zero)
    let largest = openUniform(&ones)
    #expect(smallest == 0x1p-54)  // (0 + ½)·2⁻⁵³
    #expect(largest == 1 - 0x1p-53)  // the largest double below 1
    #expect(smallest > 0 && largest < 1)
    #expect(zero.nextOpenUniform() == smallest)
    #expect(ones.nextOpenUniform() == largest)
    // Just below the top: k = 2⁵³ − 2 gives (k + ½)·2⁻⁵³, which rounds to k·2⁻⁵³ (ties to even).
    #expect(openUniform(bits: UInt64.max - (1 << 11)) == 1 - 0x1p-52)
    #expect(openUniform(bits: 1 << 11) == 1.5 * 0x1p-53)
  }

  @Test func neverZeroOrOneAndCorrectMoments() {
    // n = 50000 uniforms: SE(mean) = √(1/12/n); SE(variance) = √((1/80 − 1/144)/n) from
    // the uniform's fourth central moment 1/80. Tolerance 5 SE each.
    let n = 50_000
    let values = GoodnessOfFit.sample(n, seed: 77) { openUniform(&$0) }
    #expect(values.allSatisfy { $0 > 0 && $0 < 1 })
    let moments = GoodnessOfFit.Moments(values)
    #expect(abs(moments.mean - 0.5) < 5 * (1.0 / 12 / Double(n)).squareRoot())
    #expect(abs(moments.variance - 1.0 / 12) < 5 * ((1.0 / 80 - 1.0 / 144) / Double(n)).squareRoot())
  }

  @Test func isUniformByKolmogorovSmirnov() {
    // KS against U(0, 1), n = 20000, critical value at α = 0.001.
    let n = 20_000
    let values = GoodnessOfFit.sample(n, seed: 78) { $0.nextOpenUniform() }
    let d = GoodnessOfFit.kolmogorovSmirnov(values) { $0 }
    #expect(d < GoodnessOfFit.kolmogorovSmirnovCritical(n: n))
  }
}
