import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics

@Suite struct ZigguratNormalTests {
  @Test func tableMatchesMarsagliaTsang() {
    // The layers' published invariants (Marsaglia and Tsang 2000, 256 layers): the top
    // layer's left edge is 0 (`inner[1]` = 0, every draw there takes the wedge test); the
    // base strip's inner fraction is r·f(r)/v; the last edge is r. The areas close: the top
    // layer x₁·(1 − f(x₁)) equals v to the rounding of 254 recursions.
    let table = zigguratTable
    let r = ZigguratTable.r, v = ZigguratTable.v
    #expect(table.inner[1] == 0)
    #expect(abs(table.width[255] * 0x1p52 - r) < 1e-15)
    #expect(abs(Double(table.inner[0]) * 0x1p-52 - r * exp(-0.5 * r * r) / v) < 1e-12)
    let x1 = table.width[1] * 0x1p52
    #expect(abs(x1 * (1 - table.height[1]) / v - 1) < 1e-6)
    // Heights decrease and widths increase with the layer.
    for i in 2..<256 {
      #expect(table.height[i] < table.height[i - 1])
      #expect(table.width[i] > table.width[i - 1])
    }
  }

  @Test func momentsMatchTheStandardNormal() {
    // n = 400,000: SE(mean) = 1/√n = 0.0016; SE(variance) from the sample fourth moment
    // (≈ √(2/n) = 0.0022); the fourth moment 3 has SE √((m₈ − m₄²)/n) = √(96/n) = 0.0155.
    // Tolerance 5 SE each.
    let n = 400_000
    let values = GoodnessOfFit.sample(n, seed: 171) { ZigguratNormal.sample(using: &$0) }
    #expect(values.allSatisfy { $0.isFinite })
    let moments = GoodnessOfFit.Moments(values)
    #expect(abs(moments.mean) < 5 * moments.meanStandardError(trueVariance: 1))
    #expect(abs(moments.variance - 1) < 5 * moments.varianceStandardError)
    #expect(abs(moments.fourthCentralMoment - 3) < 5 * (96 / Double(n)).squareRoot())
  }

  @Test func fitsPhiInTheBodyAndTheTail() {
    // Chi-square on 400 equiprobable bins of Φ (n = 400,000, 1,000 expected per bin),
    // critical value at α = 0.001: every layer's rectangle, wedge and the tail contribute.
    let n = 400_000
    let values = GoodnessOfFit.sample(n, seed: 172) { ZigguratNormal.sample(using: &$0) }
    let edges = (1..<400).map { StandardNormal.quantile(Double($0) / 400) }
    let result = GoodnessOfFit.chiSquare(values, edges: edges, cdf: StandardNormal.cdf)
    #expect(result.degreesOfFreedom == 399)
    #expect(result.statistic < GoodnessOfFit.chiSquareCritical(degreesOfFreedom: 399))
    // Kolmogorov–Smirnov at α = 0.001.
    let d = GoodnessOfFit.kolmogorovSmirnov(values, cdf: StandardNormal.cdf)
    #expect(d < GoodnessOfFit.kolmogorovSmirnovCritical(n: n))
  }

  @Test func tailBeyondREndsAtTheRightRate() {
    // P(|Z| > r) = 2(1 − Φ(3.6542)) = 2.5800e-4: the draws that take Marsaglia's tail method.
    // n = 2,000,000 gives 516 expected, SE √(np(1−p)) = 22.7; tolerance 5 SE. And beyond 4.5:
    // 2(1 − Φ(4.5)) = 6.795e-6, 13.6 expected, tolerance 5 SE of a Poisson count (18.4).
    let n = 2_000_000
    var stream = RandomStream(seed: 173, iteration: 1, stream: 0)
    var beyondR = 0, beyond45 = 0
    for _ in 0..<n {
      let z = ZigguratNormal.sample(using: &stream).magnitude
      if z > ZigguratTable.r { beyondR += 1 }
      if z > 4.5 { beyond45 += 1 }
    }
    let p = 2 * StandardNormal.cdf(-ZigguratTable.r)
    let expected = Double(n) * p
    #expect(abs(Double(beyondR) - expected) < 5 * (expected * (1 - p)).squareRoot())
    let expected45 = Double(n) * 2 * StandardNormal.cdf(-4.5)
    #expect(abs(Double(beyond45) - expected45) < 5 * expected45.squareRoot())
  }

  @Test func oneDrawMostOfTheTime() {
    // 98.8 % of draws are accepted in the rectangle (1 − 255·wedge area − tail); over 100,000
    // draws the count of 64-bit draws is about 1.02 per variate (wedge retries and tails add
    // one or two each). Checked between 1.005 and 1.04, far wider than its SE (~0.0005).
    struct Counting: RandomNumberGenerator {
      var base = RandomStream(seed: 174, iteration: 1, stream: 0)
      var count = 0
      mutating func next() -> UInt64 { count += 1; return base.next() }
    }
    var g = Counting()
    for _ in 0..<100_000 { _ = ZigguratNormal.sample(using: &g) }
    let perDraw = Double(g.count) / 100_000
    #expect(perDraw > 1.005 && perDraw < 1.04)
  }
}
