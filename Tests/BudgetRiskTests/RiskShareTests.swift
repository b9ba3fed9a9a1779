import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// `RiskShare.split` at its corridor edges, worked by hand: bands of 2 % (provider bears
/// all), 2–5 % (half) and beyond (none) on a budget of 1,000,000.
@Suite struct RiskShareTests {
  static let corridor = [
    RiskShare.Band(upTo: 0.02, provider: 1), RiskShare.Band(upTo: 0.05, provider: 0.5),
    RiskShare.Band(upTo: nil, provider: 0),
  ]
  static let budget = 1_000_000.0

  @Test(arguments: [
    (19_999.0, 19_999.0),  // just inside the first band
    (20_000.0, 20_000.0),  // exactly 2 %
    (20_001.0, 20_000.5),  // just past it: half of the extra 1
    (50_000.0, 35_000.0),  // exactly 5 %: 20,000 + 15,000
    (50_001.0, 35_000.0),  // past 5 % the provider bears nothing more
    (60_000.0, 35_000.0),
    (0.0, 0.0),
    (-20_000.0, -20_000.0),  // underspend bands default to the overspend bands
    (-30_000.0, -25_000.0),
  ])
  func corridorEdges(variance: Double, provider: Double) {
    let share = RiskShare(overspend: Self.corridor)
    let split = share.split(variance: variance, budget: Self.budget)
    #expect(split.provider == provider)
    #expect(split.funder == variance - provider)
    #expect(split.provider + split.funder == variance)
  }

  @Test func underspendHasItsOwnBands() {
    // The provider keeps half of an underspend up to 1 % and nothing beyond.
    let share = RiskShare(
      overspend: Self.corridor,
      underspend: [RiskShare.Band(upTo: 0.01, provider: 0.5), RiskShare.Band(upTo: nil, provider: 0)])
    #expect(share.split(variance: -30_000, budget: Self.budget).provider == -5_000)
    #expect(share.split(variance: -30_000, budget: Self.budget).funder == -25_000)
    #expect(share.split(variance: 30_000, budget: Self.budget).provider == 25_000)
  }

  @Test(arguments: [
    (39_998.0, 29_999.0),  // below the cap: 20,000 + 9,999
    (40_000.0, 30_000.0),  // the corridor reaches the cap exactly
    (40_002.0, 30_000.0),  // the cap binds
    (90_000.0, 30_000.0),
  ])
  func lossCapBinds(variance: Double, provider: Double) {
    let share = RiskShare(overspend: Self.corridor, providerLossCap: 0.03)
    let split = share.split(variance: variance, budget: Self.budget)
    #expect(split.provider == provider)
    #expect(split.funder == variance - provider)
  }

  @Test func gainCapBinds() {
    let share = RiskShare(overspend: Self.corridor, providerLossCap: 0.03, providerGainCap: 0.01)
    #expect(share.split(variance: -50_000, budget: Self.budget).provider == -10_000)
    #expect(share.split(variance: -9_999, budget: Self.budget).provider == -9_999)
    #expect(share.split(variance: 50_000, budget: Self.budget).provider == 30_000)
  }

  @Test func aZeroBudgetPutsEverythingInTheLastBand() {
    let share = RiskShare(overspend: Self.corridor)
    #expect(share.split(variance: 1_000, budget: 0).provider == 0)
    let allIn = RiskShare(overspend: [RiskShare.Band(upTo: 0.02, provider: 0), RiskShare.Band(upTo: nil, provider: 1)])
    #expect(allIn.split(variance: 1_000, budget: 0).provider == 1_000)
  }

  @Test func thePartsAddUpExactlyForAwkwardAmounts() {
    // Amounts that do not sit on any binary grid, tiny and large: the parts are rounded to
    // multiples of 2^-8 and the funder's is the rest, so provider + funder is the rounded
    // variance exactly, and sums of parts are exact too.
    let share = RiskShare(overspend: Self.corridor, providerLossCap: 0.031)
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var sumV = 0.0, sumP = 0.0, sumF = 0.0
    for k in 0..<10_000 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let u = Double(state >> 11) * 0x1p-53
      let variance = (u - 0.5) * 0.2 * Self.budget * (k % 3 == 0 ? 1e-9 : 1) + 0.1
      let budget = Self.budget * (1 + u / 3)
      let split = share.split(variance: variance, budget: budget)
      let v = RiskShare.onGrid(variance)
      #expect(split.provider + split.funder == v)
      #expect(RiskShare.onGrid(split.provider) == split.provider && RiskShare.onGrid(split.funder) == split.funder)
      #expect(abs(v - variance) <= RiskShare.quantum / 2)
      sumV += v; sumP += split.provider; sumF += split.funder
    }
    #expect(sumP + sumF == sumV)
  }
}
