import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

@Suite struct ExactSumTests {
  /// Addends of mixed magnitude and sign: relative quantities from 10⁻⁶ to 10³, plus a
  /// few on the wide conversion path (|x| ≥ 2¹¹).
  static func mixedValues(count: Int, seed: UInt64) -> [Double] {
    var rng = SummaryTestRandom(seed: seed)
    return (0..<count).map { i in
      let exponent = Double(Int(rng.next() % 10) - 6)
      let sign: Double = rng.next() & 1 == 0 ? 1 : -1
      let wide = i % 97 == 0 ? 1e6 : 1
      return sign * rng.uniform() * pow(10, exponent) * wide
    }
  }

  static func sum(_ xs: some Sequence<Double>) -> ExactSum {
    var s = ExactSum()
    for x in xs { s.add(x) }
    return s
  }

  @Test func everyOrderAndSplitGivesTheSameBits() {
    let values = Self.mixedValues(count: 2000, seed: 1)
    let reference = Self.sum(values)
    var rng = SummaryTestRandom(seed: 2)
    var naiveSums = Set<UInt64>()
    for _ in 0..<40 {
      let shuffled = values.shuffled(using: &rng)
      naiveSums.insert(shuffled.reduce(0, +).bitPattern)
      #expect(Self.sum(shuffled) == reference)
      #expect(Self.sum(shuffled).value.bitPattern == reference.value.bitPattern)
      // Split into 1…8 shards at random cut points, merge the shards in a random order.
      let cuts = (0..<Int(rng.next() % 8)).map { _ in Int(rng.next() % UInt64(values.count)) }
      let bounds = ([0] + cuts.sorted() + [values.count])
      var shards = zip(bounds, bounds.dropFirst()).map { Self.sum(shuffled[$0..<$1]) }
      shards.shuffle(using: &rng)
      var merged = ExactSum()
      for shard in shards { merged.merge(shard) }
      #expect(merged == reference)
      #expect(merged.value.bitPattern == reference.value.bitPattern)
    }
    // The test has teeth: plain floating-point summation does depend on the order.
    #expect(naiveSums.count > 1)
  }

  /// References from Python: `math.fsum` (exact sum of the doubles, rounded once) and
  /// `float(Fraction(Σ round(Fraction(x)·2**40), 2**40))` (the exact fixed-point sum
  /// this type promises, rounded once).
  @Test func agreesWithHighPrecisionReferences() {
    let a: [Double] = [
      0.1, -0.2, 0.3333333333333333, 2.718281828459045, -1e-07, 123456.789, -98765.4321,
      1e-13, 3e-13, -7.5e-13, 0.30000000000000004, 1000000000000000.1, -1000000000000000.0,
      6.02214076e+23, -6.02214076e+23, 1.5,
    ]
    // fsum = exact = 24696.23351506179, naive left-to-right sum = 1.5.
    #expect(Self.sum(a).value == 24696.23351506179)
    #expect(a.reduce(0, +) == 1.5)
    let b: [Double] = [
      -1.6676025490931768e-07, 0.006403494451225773, 0.0007102766836942983,
      -0.45951031795131914, -6.766243521412637e-06, 0.007483486746689121,
      1.2415697615168587e-05, 2.2353864540489133e-05, -2.9019722732680254e-06,
      0.06208550898194298, 1.7010445153616915e-05, -7.037076621396217e-06,
      -0.062005724255635934, -3.559223707985697, -32.09644552041586, 0.9575969083713136,
      -9.930907784898089e-05, 5.416686770336217e-05, -0.4268500492051299, -788.2137911686829,
    ]
    // fsum = -823.7835570475171; the fixed-point sum is -823.7835570475172 (one ulp,
    // 1.1e-13, away: 20 addends each rounded to 2⁻⁴⁰ ≈ 9.1e-13).
    #expect(Self.sum(b).value == -823.7835570475172)
    #expect(abs(Self.sum(b).value - -823.7835570475171) <= Double(b.count) * 0x1p-41)
    // A total beyond 2⁶³ units of 2⁻⁴⁰ (the Int128 → Double path): fsum = exact.
    #expect(Self.sum([1e9, 2.5e9, 123456789.123456789, -3.3e8, 0.000123]).value == 3293456789.12358)
  }

  @Test func cancellationIsExact() {
    // The classic [1e16, 1, −1e16]: floating point loses the 1.
    #expect(Self.sum([1e16, 1, -1e16]).value == 1)
    #expect([1e16, 1, -1e16].reduce(0, +) == 0)
    // At the edges of the domain: 2⁷⁹ and the resolution 2⁻⁴⁰.
    #expect(Self.sum([0x1p79, 0x1p-40, -0x1p79]).value == 0x1p-40)
    #expect(Self.sum([0x1p79, -0x1p-40, 0x1p79, -0x1p80 + 0x1p28, -0x1p28]).value == -0x1p-40)
  }

  @Test func negativeValuesMirrorPositiveOnes() {
    let values = Self.mixedValues(count: 500, seed: 3).map(abs)
    let positive = Self.sum(values)
    let negative = Self.sum(values.map { -$0 })
    #expect(negative.value == -positive.value)
    var both = positive
    both.merge(negative)
    #expect(both == ExactSum())
    #expect(both.value == 0 && both.value.sign == .plus)
    #expect(Self.sum([-0.25, -0.5, -1.25]).value == -2)
  }

  @Test func addendsRoundToTheNearestUnitTiesToEven() {
    #expect(Self.sum([0x1p-41]).value == 0)                  // ½ unit → 0
    #expect(Self.sum([3 * 0x1p-41]).value == 2 * 0x1p-40)    // 1½ → 2
    #expect(Self.sum([5 * 0x1p-41]).value == 2 * 0x1p-40)    // 2½ → 2
    #expect(Self.sum([-3 * 0x1p-41]).value == -2 * 0x1p-40)  // −1½ → −2
    #expect(Self.sum([0x1p-41 + 0x1p-60]).value == 0x1p-40)  // just over ½ → 1
    // Wide path (|x·2⁴⁰| ≥ 2⁵¹): 2¹¹ + 2⁻⁴¹ is a tie at 2⁻⁴⁰ resolution → even.
    #expect(Self.sum([0x1p11 + 0x1p-41]).value == 0x1p11)
    #expect(Self.sum([0x1p11 + 3 * 0x1p-41]).value == 0x1p11 + 2 * 0x1p-40)
    #expect(Self.sum([-(0x1p11 + 3 * 0x1p-41)]).value == -(0x1p11 + 2 * 0x1p-40))
    #expect(Self.sum([-(0x1p11 + 0x1p-41)]).value == -0x1p11)
    #expect(Self.sum([-0.0, 0.0]) == ExactSum())
  }

  /// The fast conversion against the standard library's generic one, on every path:
  /// magnitudes 2⁻⁴⁵…2⁷⁹, both signs, and exact ties (y = k + ½) on both sides of 2⁵¹.
  @Test func fixedPointMatchesTheGenericConversion() {
    var rng = SummaryTestRandom(seed: 4)
    for i in 0..<20_000 {
      let sign: Double = rng.next() & 1 == 0 ? 1 : -1
      let x: Double
      if i % 4 == 0 {
        // A tie: k + ½ units with k below 2⁵².
        let k = Double(rng.next() >> UInt64(12 + rng.next() % 40))
        x = sign * (k + 0.5) * 0x1p-40
      } else {
        let exponent = Int(rng.next() % 125) - 45
        x = sign * (1 + rng.uniform()) * Double(sign: .plus, exponent: exponent, significand: 1)
      }
      let expected = Int128(exactly: (x * 0x1p40).rounded(.toNearestOrEven))
      #expect(ExactSum.fixedPoint(x) == expected, "x = \(x)")
    }
  }

  @Test func nonFiniteAndOutOfDomainAddendsTrap() async {
    await #expect(processExitsWith: .failure) {
      var s = ExactSum()
      s.add(.nan)
    }
    await #expect(processExitsWith: .failure) {
      var s = ExactSum()
      s.add(-.infinity)
    }
    await #expect(processExitsWith: .failure) {
      var s = ExactSum()
      s.add(0x1p80)
    }
  }

  @Test func intermediateOverflowWrapsAndCancels() {
    // 256 · 2⁷⁹ = 2⁸⁷ overflows the Int128 total; the wrapping adds still end exact.
    var s = ExactSum()
    for _ in 0..<256 { s.add(0x1p79) }
    for _ in 0..<255 { s.add(-0x1p79) }
    s.add(0.5)
    #expect(s.value == 0x1p79)  // the ulp of 2⁷⁹ is 2²⁷: the 0.5 is in the state, not the Double
    #expect(s == Self.sum([0x1p79, 0.5]))
  }

  @Test func conversionBackToDoubleRoundsCorrectly() {
    // 2¹⁰⁰ + 2⁴⁷ is a tie at the ulp (2⁴⁸) of 2¹⁰⁰ → even; one more unit must round up,
    // which needs the sticky bit below the 64 bits kept.
    let tie = (Int128(1) << 100) + (Int128(1) << 47)
    #expect(ExactSum.double(tie) == 0x1p100)
    #expect(ExactSum.double(tie + 1) == 0x1p100 + 0x1p48)
    #expect(ExactSum.double(-(tie + 1)) == -(0x1p100 + 0x1p48))
    #expect(ExactSum.double(Int128.max) == 0x1p127)
    #expect(ExactSum.double(Int128.min) == -0x1p127)
    #expect(MeanAccumulator.double(UInt128.max) == 0x1p128)
    #expect(MeanAccumulator.double((UInt128(1) << 127) + (UInt128(1) << 74) + 1) == 0x1p127 + 0x1p75)
  }
}
