import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics

/// The Sobol' point set of `--sampling rqmc`: the unscrambled points against SciPy's, the
/// net property after scrambling, and the scrambled coordinates' uniformity.
@Suite struct SobolPointsTests {
  /// SciPy 1.17 `qmc.Sobol(d=64, scramble=False).random_base2(4)`, times 2³², for dimensions
  /// 0, 1, 2, 7 and 63 (the same Joe–Kuo numbers: any slip in the recurrence shows here).
  static let scipy: [Int: [UInt32]] = [
    0: [0, 2147483648, 3221225472, 1073741824, 1610612736, 3758096384, 2684354560, 536870912, 805306368, 2952790016, 4026531840, 1879048192, 1342177280, 3489660928, 2415919104, 268435456],
    1: [0, 2147483648, 1073741824, 3221225472, 1610612736, 3758096384, 536870912, 2684354560, 1342177280, 3489660928, 268435456, 2415919104, 805306368, 2952790016, 1879048192, 4026531840],
    2: [0, 2147483648, 1073741824, 3221225472, 2684354560, 536870912, 3758096384, 1610612736, 4026531840, 1879048192, 2952790016, 805306368, 1342177280, 3489660928, 268435456, 2415919104],
    7: [0, 2147483648, 3221225472, 1073741824, 3758096384, 1610612736, 536870912, 2684354560, 4026531840, 1879048192, 805306368, 2952790016, 268435456, 2415919104, 3489660928, 1342177280],
    63: [0, 2147483648, 3221225472, 1073741824, 536870912, 2684354560, 3758096384, 1610612736, 2952790016, 805306368, 1879048192, 4026531840, 2415919104, 268435456, 1342177280, 3489660928],
  ]

  @Test func unscrambledPointsEqualSciPys() throws {
    let points = try #require(SobolPoints(dimensions: 64))
    // SciPy generates in Gray-code order; point i of its first 2ᵏ is the Gray code's
    // i-th index, so compare the sets of each prefix of 2ᵏ points (the nets) and the
    // points one by one where the orders agree (index 0 and 1).
    for (d, expected) in Self.scipy {
      for k in 0...4 {
        let n = 1 << k
        let ours = (0..<n).map { points.coordinate(index: UInt32($0), dimension: d) }.sorted()
        #expect(ours == expected.prefix(n).sorted(), "dimension \(d), first \(n) points")
      }
    }
    #expect(SobolPoints(dimensions: 65) == nil)
  }

  @Test func grayCodeOrderGivesSciPysSequence() throws {
    // Point i of SciPy's sequence is our point at the Gray code i ^ (i >> 1).
    let points = try #require(SobolPoints(dimensions: 64))
    for (d, expected) in Self.scipy {
      let ours = (0..<16).map { points.coordinate(index: UInt32($0 ^ ($0 >> 1)), dimension: d) }
      #expect(ours == expected, "dimension \(d)")
    }
  }

  @Test func scrambledPointsStayANet() throws {
    // Nested uniform scrambling maps a (t, m, s)-net to one: every dimension has one point in
    // each of the 2ᵏ intervals [j/2ᵏ, (j+1)/2ᵏ), and dimensions 0 and 1 (t = 0) have one point
    // in every 2⁻ᵃ × 2⁻⁽ᵏ⁻ᵃ⁾ box. A scrambling that broke the tree structure would fail this.
    let points = try #require(SobolPoints(dimensions: 8))
    let k = 10, n = 1 << k
    for key in [UInt64(1), 0xDEAD_BEEF, 12_345_678_901] {
      var u = [[Double]](repeating: [], count: 8)
      for d in 0..<8 {
        u[d] = (0..<n).map { points.uniform(index: UInt32($0), dimension: d, key: key &+ UInt64(d)) }
      }
      for d in 0..<8 {
        #expect(Set(u[d].map { Int($0 * Double(n)) }).count == n, "dimension \(d)")
      }
      for a in 0...k {
        let boxes = Set(zip(u[0], u[1]).map { Int($0 * Double(1 << a)) << 20 | Int($1 * Double(1 << (k - a))) })
        #expect(boxes.count == n, "boxes 2^-\(a) × 2^-\(k - a)")
      }
    }
  }

  @Test func aScrambledCoordinateIsUniform() throws {
    // One point's coordinate over 20,000 keys: Kolmogorov–Smirnov distance to U(0, 1) below
    // the 0.1 % critical value 1.95/√n, and every value strictly inside (0, 1).
    let points = try #require(SobolPoints(dimensions: 4))
    let n = 20_000
    var u = (0..<n).map { points.uniform(index: 5, dimension: 3, key: SobolPoints.scrambleKey(seed: 9, replicate: $0, stream: 77)) }
    u.sort()
    var d = 0.0
    for (i, x) in u.enumerated() { d = max(d, Double(i + 1) / Double(n) - x, x - Double(i) / Double(n)) }
    #expect(d < 1.95 / Double(n).squareRoot())
    #expect(u.first! > 0 && u.last! < 1)
  }

  @Test func studentTCriticalValuesAreTheTabulatedOnes() {
    // Textbook values: t₀.₉₇₅(1) = 12.706, (15) = 2.131, (63) → 1.998; approaching z = 1.96.
    #expect(abs(StudentTCriticalValue.t95(degreesOfFreedom: 1) - 12.7062) < 1e-4)
    #expect(abs(StudentTCriticalValue.t95(degreesOfFreedom: 15) - 2.13145) < 1e-5)
    #expect(abs(StudentTCriticalValue.t95(degreesOfFreedom: 63) - 1.99834) < 1e-5)
    for df in 2...63 {
      #expect(StudentTCriticalValue.t95(degreesOfFreedom: df) < StudentTCriticalValue.t95(degreesOfFreedom: df - 1))
    }
  }
}
