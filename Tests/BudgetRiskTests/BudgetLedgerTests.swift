import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// The ledger on its own, on paths written by hand into a tile (no simulation): one pool, a
/// proactive and a reactive service, a fixed budget of 1,200 for one year of months (100 a
/// month, the profile of a flat expected cost), no reserve. The need is 50 + 50 a month for
/// months 1–6 and 50 + 150 for months 7–12: 1,800 in all, 600 of it proactive.
///
/// Every figure below is worked by hand; the tolerance 1e−9 covers only the profile's
/// rounding (each month's share of the year is 1/12 to a few ulps).
@Suite struct BudgetLedgerTests {
  static let tolerance = 1e-9

  static func plan(order: RationingOrder) throws -> SimulationPlan {
    try SimulationPlan(TestScenario.make(
      services: [TestScenario.service("outreach", category: .proactive), TestScenario.service("crisis")],
      rates: [1, 1], base: .fixed(amounts: [[1_200]]), proposals: [.margin(0)],
      pools: [Pool(name: "care", services: [0, 1])], responses: [.absorb, .ration], order: order))
  }

  /// A ledger over a tile whose row 0 holds the hand-written path.
  /// `need`: month `t`'s proactive and reactive need (the default is the path above).
  static func ledger(
    order: RationingOrder = .proRata, need: (Int) -> (Double, Double) = { t in (50, t < 6 ? 50 : 150) }
  ) throws -> (BudgetLedger, SimulationPlan, TileWorkspace) {
    let plan = try plan(order: order)
    let tile = TileWorkspace(plan: plan)
    let T = plan.periods, V = plan.serviceCount
    for t in 0..<T {
      let (pro, rea) = need(t)
      tile.cost[t * V + 0] = pro; tile.cost[t * V + 1] = rea
      tile.poolCategoryCost[t * 2 + 0] = pro; tile.poolCategoryCost[t * 2 + 1] = rea
    }
    return (BudgetLedger(plan: plan, cells: TileCells(tile)), plan, tile)
  }

  static func walk(_ ledger: BudgetLedger, _ plan: SimulationPlan, _ response: ProviderResponse) -> PathOutcome {
    ledger.walk(row: 0, iteration: 0, seed: 1, evaluation: Evaluation(budget: plan.proposals[0], response: response))
  }

  @Test func absorbMeetsEveryNeedAndReportsTheDriftPath() throws {
    let (ledger, plan, _) = try Self.ledger()
    let o = Self.walk(ledger, plan, .absorb)
    let x = o.scopes[0]
    #expect(o.scopes.count == 1)
    #expect(x.costOfNeed == 1_800 && x.unmet == 0 && x.unmetShare == 0 && x.overspent)
    #expect(abs(x.budget - 1_200) < Self.tolerance)
    #expect(abs(x.drift - 0.5) < Self.tolerance)
    // Cumulative drift: 0 for months 1–6, then (600 + 200·(t − 5)) / (100·(t + 1)) − 1.
    for t in 0..<12 {
      let expected = t < 6 ? 0 : (600 + 200 * Double(t - 5)) / (100 * Double(t + 1)) - 1
      #expect(abs(o.driftPath(scope: 0)[t] - expected) < Self.tolerance)
    }
    #expect(o.overspent(scope: 0, year: 0))
    // Month 7 needs 200 against 100 of room: the (empty) reserve is exhausted even when absorbing.
    #expect(x.reserveExhausted)
    // Reviews every 3 months: at month 9 spend is 1,200 against 900 (+33 % > 5 %), at month 12
    // 1,800 against 1,200 (+50 %); months 3 and 6 are on budget. Both breaches are overspend.
    #expect(x.toleranceBreached)
    #expect(x.breaches.overspendReviews == 2 && x.breaches.underspendReviews == 0)
    #expect(x.breaches.firstOverspend == 8 && x.breaches.firstUnderspend == -1 && x.breaches.firstAny == 8)
    #expect(o.serviceUnmetShares[0] == 0 && o.serviceUnmetShares[1] == 0)
  }

  @Test func proRataRationingCutsBothCategoriesByTheSameShare() throws {
    let (ledger, plan, _) = try Self.ledger(order: .proRata)
    let o = Self.walk(ledger, plan, .ration)
    let x = o.scopes[0]
    // One budget year: its budget and unmet share are the horizon's.
    #expect(abs(o.budget(scope: 0, year: 0) - 1_200) < Self.tolerance)
    #expect(abs(o.unmetShare(scope: 0, year: 0) - 1.0 / 3) < Self.tolerance)
    // Months 7–12 may spend 100 of a need of 200: half of each category is delivered.
    // Unmet: proactive 6 × 25 = 150 of 600, reactive 6 × 75 = 450 of 1,200.
    #expect(x.costOfNeed == 1_800 && x.overspent)
    #expect(abs(x.unmet - 600) < Self.tolerance)
    #expect(abs(x.unmetShare - 1.0 / 3) < Self.tolerance)
    #expect(abs(x.unmetShareProactive - 0.25) < Self.tolerance)
    #expect(abs(x.unmetShareReactive - 0.375) < Self.tolerance)
    #expect(abs(x.spend - 1_200) < Self.tolerance)
  }

  @Test func proactiveFirstCutsPreventionBeforeCrisisCare() throws {
    let (ledger, plan, _) = try Self.ledger(order: .proactiveFirst)
    let o = Self.walk(ledger, plan, .ration)
    let x = o.scopes[0]
    // Months 7–12: 100 of room goes to the reactive need (100 of 150), nothing to outreach.
    // Unmet: proactive 6 × 50 = 300 of 600, reactive 6 × 50 = 300 of 1,200.
    #expect(abs(x.unmetShareProactive - 0.5) < Self.tolerance)
    #expect(abs(x.unmetShareReactive - 0.25) < Self.tolerance)
    #expect(abs(o.serviceUnmetShares[0] - 0.5) < Self.tolerance)
    #expect(abs(o.serviceUnmetShares[1] - 0.25) < Self.tolerance)
  }

  /// `record` adds exactly the walk's outcome: one iteration's accumulators hold its values.
  @Test func recordAddsTheWalksOutcome() throws {
    let (ledger, plan, tile) = try Self.ledger(order: .proRata)
    let evaluations = plan.scenarioEvaluations
    var acc = RunAccumulator(plan: plan, evaluations: evaluations)
    for (e, evaluation) in evaluations.enumerated() {
      let o = ledger.walk(row: 0, iteration: 0, seed: 1, evaluation: evaluation)
      acc.record(o, evaluation: e, scores: tile.factorScores(row: 0))
    }
    let reference = plan.scopes[0].reference
    #expect(abs(reference - 1_200) < Self.tolerance)
    let ration = acc.evaluations[1].scopes[0]
    #expect(ration.overspent.estimate == 1 && ration.overspentByYear[0].estimate == 1)
    #expect(abs(ration.costOfNeed.mean - 1.5) < 1e-9)
    #expect(abs(ration.unmetShare.mean - 1.0 / 3) < 1e-9)
    #expect(abs(ration.overspendAmount.mean - 0.5) < 1e-9)
    #expect(abs(acc.evaluations[1].unmetShareByService[1].mean - 0.375) < 1e-9)
    #expect(acc.evaluations[0].unmetShareByService[1].mean == 0)
  }
}
