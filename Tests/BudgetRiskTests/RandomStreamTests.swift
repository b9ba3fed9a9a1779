import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

@Suite struct RandomStreamTests {
  @Test func drawsAreThePhiloxBlocksOfTheDocumentedCounter() {
    let seed: UInt64 = 0x0123_4567_89ab_cdef
    let iteration: UInt64 = 0xfedc_ba98_7654_3210
    var stream = RandomStream(seed: seed, iteration: iteration, stream: 42)
    let philox = Philox4x32(key: SIMD2(0x89ab_cdef, 0x0123_4567))
    for blockIndex: UInt32 in 0..<3 {
      let block = philox.block(SIMD4(0x7654_3210, 0xfedc_ba98, 42, blockIndex))
      #expect(stream.next() == UInt64(block[0]) | UInt64(block[1]) << 32)
      #expect(stream.next() == UInt64(block[2]) | UInt64(block[3]) << 32)
    }
  }

  @Test func theSameTripleGivesTheSameSequence() {
    var a = RandomStream(seed: 99, iteration: 12_345, stream: 7)
    var b = RandomStream(seed: 99, iteration: 12_345, stream: 7)
    for _ in 0..<1000 { #expect(a.next() == b.next()) }
  }

  @Test func aDrawDependsOnlyOnItsPosition() {
    // A copy taken mid-block (one draw buffered) continues exactly like the original.
    var original = RandomStream(seed: 5, iteration: 6, stream: 7)
    for _ in 0..<3 { _ = original.next() }
    var copy = original
    var fresh = RandomStream(seed: 5, iteration: 6, stream: 7)
    for _ in 0..<3 { _ = fresh.next() }
    for _ in 0..<100 {
      let x = original.next()
      #expect(copy.next() == x)
      #expect(fresh.next() == x)
    }
  }

  /// Neighbouring triples: each differs from the base (seed 1, iteration 1, stream 1) in one place,
  /// including the high halves of seed and iteration.
  static let neighbours: [(seed: UInt64, iteration: UInt64, stream: UInt32)] = [
    (2, 1, 1), (1 | 1 << 32, 1, 1), (1, 2, 1), (1, 1 | 1 << 32, 1), (1, 1, 2), (1, 0, 1),
  ]

  @Test(arguments: 0..<6)
  func differentTriplesGiveDifferentSequences(_ index: Int) {
    let other = Self.neighbours[index]
    var base = RandomStream(seed: 1, iteration: 1, stream: 1)
    var neighbour = RandomStream(seed: other.seed, iteration: other.iteration, stream: other.stream)
    // 64-bit collisions between two independent streams: probability ≈ 2⁻⁶⁴ per pair.
    var equal = 0
    for _ in 0..<64 where base.next() == neighbour.next() { equal += 1 }
    #expect(equal == 0)
  }

  @Test func neighbouringStreamsAreUncorrelated() {
    // Pearson correlation of n = 20000 paired uniforms from streams 0 and 1 of the same
    // iteration: under independence SE ≈ 1/√n; tolerance 5 SE.
    let n = 20_000
    let u = GoodnessOfFit.sample(n, stream: 0) { openUniform(&$0) }
    let v = GoodnessOfFit.sample(n, stream: 1) { openUniform(&$0) }
    let mu = u.reduce(0, +) / Double(n), mv = v.reduce(0, +) / Double(n)
    var suv = 0.0, suu = 0.0, svv = 0.0
    for (a, b) in zip(u, v) {
      suv += (a - mu) * (b - mv)
      suu += (a - mu) * (a - mu)
      svv += (b - mv) * (b - mv)
    }
    let r = suv / (suu * svv).squareRoot()
    #expect(abs(r) < 5 / Double(n).squareRoot())
  }

  @Test func everyBitIsBalanced() {
    // Each of the 64 bits over n = 20000 draws is Binomial(n, ½): SE = √n/2; tolerance 5 SE
    // (64 bits, so a per-bit two-sided level of 6e-7, about 4e-5 for the whole test).
    let n = 20_000
    var stream = RandomStream(seed: 2024, iteration: 3, stream: 9)
    var ones = [Int](repeating: 0, count: 64)
    for _ in 0..<n {
      let x = stream.next()
      for bit in 0..<64 where x >> UInt64(bit) & 1 == 1 { ones[bit] += 1 }
    }
    let tolerance = 5 * Double(n).squareRoot() / 2
    for count in ones { #expect(abs(Double(count) - Double(n) / 2) < tolerance) }
  }
}
