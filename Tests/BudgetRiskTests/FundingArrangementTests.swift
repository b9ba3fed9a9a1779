import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Aligned pools, risk share, rebasing and carry-forward in the ledger, worked by hand on
/// deterministic paths: per-person services with fixed costs and a fixed population have no
/// randomness, so every figure is exact.
@Suite struct FundingArrangementTests {
  /// 1,200 people at `annual` a year each: a need of 100 × annual every month.
  static func perPerson(_ name: String, annual: Double, stream: String = "care") -> Service {
    Service(name: name, category: .reactive, stream: stream, cost: .perPerson(segments: [0], annualMean: annual, severity: .fixed), inflation: 0)
  }

  static let corridor = RiskShare(
    overspend: [
      RiskShare.Band(upTo: 0.02, provider: 1), RiskShare.Band(upTo: 0.05, provider: 0.5),
      RiskShare.Band(upTo: nil, provider: 0),
    ], lossThresholds: [4_000, 5_000])

  static func scenario(
    services: [Service], budgets: [[Double]], years: Int = 1, responses: [ProviderResponse] = [.ration]
  ) -> Scenario {
    TestScenario.make(
      population: 1_200, years: years, services: services, rates: services.map { _ in 0 },
      base: .fixed(amounts: budgets), proposals: [.margin(0)],
      pools: services.enumerated().map { Pool(name: $1.name, services: [$0]) }, responses: responses)
  }

  @Test func riskShareSplitsTheYearEndOverspend() throws {
    // Need 12,000 a month, 144,000 a year, against 129,600 (absorbing): overspend 14,400.
    // The provider bears 2 % of 129,600 = 2,592 in full and half of the next 3 %, 3,888:
    // 2,592 + 1,944 = 4,536. The funder pays the remaining 9,864.
    var s = Self.scenario(services: [Self.perPerson("care", annual: 120)], budgets: [[129_600]], responses: [.absorb])
    s.budget.riskShare = Self.corridor
    let (run, f) = try TestScenario.run(s, iterations: 64)
    let share = try #require(f.budgets[0].scopes[0].riskShare)
    #expect(share.yearEndVariance.mean == 14_400)
    #expect(share.providerResult.mean == 4_536)
    #expect(share.funderResult.mean == 9_864)
    #expect(share.providerLossProbabilities.map(\.probability.estimate) == [1, 0])
    #expect(share.providerLossProbabilities.map(\.threshold) == [4_000, 5_000])
    // Every iteration is the same: VaR and TVaR are that value (within a bin, 2.5e-4 of
    // the reference budget 129,600 ≈ 32).
    for x in share.providerLossValueAtRisk { #expect(abs(x.value - 4_536) < 33) }
    for x in share.funderExtraTailValueAtRisk { #expect(abs(x.value - 9_864) < 65) }
    #expect(f.budgets[0].scopes[0].rebasing == nil)
    let acc = try #require(run.accumulator.evaluations[0].scopes[0].riskShare)
    #expect(acc.providerTotal.scaled &+ acc.funderTotal.scaled == acc.varianceTotal.scaled)
  }

  @Test func providerAndFunderAddUpOverEveryIterationOfARandomRun() throws {
    // Random demand in two pools and the total, over both responses: the exact money sums
    // of the two parts equal the exact sum of the variance, to the last unit of 2^-40.
    var s = TestScenario.make(
      population: 2_000, services: [TestScenario.service("ae"), TestScenario.service("nursing", category: .proactive)],
      rates: [2, 6], proposals: [.margin(0), .margin(0.02)], responses: [.absorb, .ration], reserveShare: 0.01)
    s.budget.riskShare = RiskShare(overspend: Self.corridor.overspend, providerLossCap: 0.03, providerGainCap: 0.01)
    let (run, f) = try TestScenario.run(s, iterations: 640)
    for evaluation in run.accumulator.evaluations {
      for scope in evaluation.scopes {
        let a = try #require(scope.riskShare)
        #expect(a.providerTotal.scaled &+ a.funderTotal.scaled == a.varianceTotal.scaled)
        #expect(a.provider.count == 640)
      }
    }
    // The total scope is the sum of its pools: its provider result is the pools' sum.
    let scopes = f.budgets[0].scopes
    let pools = scopes[0].riskShare!.providerResult.mean + scopes[1].riskShare!.providerResult.mean
    #expect(abs(scopes[2].riskShare!.providerResult.mean - pools) < 1e-6 * max(1, abs(pools)))
  }

  @Test func everyIterationsOutcomeSplitsExactly() throws {
    // The ledger's per-iteration outcomes (what design comparison and the margin solver
    // read): provider + funder is the variance exactly in every iteration, scope and
    // evaluation, and so are their plain double sums over the run (all on the 2^-8 grid).
    var s = DeterminismTests.scenario
    s.budget.riskShare = RiskShare(overspend: Self.corridor.overspend, providerLossCap: 0.025, providerGainCap: 0.01)
    s.budget.arrangement = .aligned(transferLimit: 0.02)
    let plan = try SimulationPlan(s)
    let workspace = TileWorkspace(plan: plan)
    let ledger = BudgetLedger(plan: plan, cells: TileCells(workspace))
    let evaluations = plan.scenarioEvaluations
    var acc = RunAccumulator(plan: plan, evaluations: evaluations)
    var sums = [(variance: Double, provider: Double, funder: Double)](repeating: (0, 0, 0), count: evaluations.count * plan.scopes.count)
    var nonZero = 0
    for tile in 0..<4 {
      workspace.simulate(tile: tile, active: 0..<TileWorkspace.rows, seed: 3)
      for r in 0..<TileWorkspace.rows {
        for e in evaluations.indices {
          let outcome = ledger.walk(row: r, iteration: tile * TileWorkspace.rows + r, seed: 3, evaluation: evaluations[e])
          acc.record(outcome, evaluation: e, scores: workspace.factorScores(row: r))
          for (k, o) in outcome.scopes.enumerated() {
            #expect(o.providerResult + o.funderResult == o.yearEndVariance)
            if o.providerResult != 0 && o.funderResult != 0 { nonZero += 1 }
            let i = e * plan.scopes.count + k
            sums[i].variance += o.yearEndVariance; sums[i].provider += o.providerResult; sums[i].funder += o.funderResult
          }
        }
      }
    }
    for x in sums { #expect(x.provider + x.funder == x.variance) }
    #expect(nonZero > 100)  // the split is exercised, not trivially 0 + V
  }

  @Test func aFlatHalfShareHalvesTheOverspendDistribution() throws {
    // One pool, one budget year, absorbing, random demand; the provider bears half of any
    // variance (one unbounded band, no caps). Then provider = funder = V / 2 with
    // V = cost − budget, so, on the same iterations:
    //   P(provider loss > 0) = P(overspend)  (exactly: equal counts; a V within 2^-9 of 0
    //   would differ, which continuous costs make negligible),
    //   E[provider] = (E[cost] − budget) / 2  (to rounding: the fixed-point sums),
    //   VaR95 of the funder's payment = VaR95 of the overspend / 2 (within one bin of each
    //   histogram: 5e-4 and 2.5e-4 of the reference budget).
    var s = TestScenario.make(
      population: 5_000, services: [TestScenario.service("ae", severity: .lognormal(cv: 1.2), noise: .negativeBinomial(dispersion: 20))],
      rates: [3], proposals: [.margin(0)])
    s.budget.riskShare = RiskShare(overspend: [RiskShare.Band(upTo: nil, provider: 0.5)])
    let (run, f) = try TestScenario.run(s, iterations: 4_000)
    let scope = f.budgets[0].scopes[0]
    let share = try #require(scope.riskShare)
    #expect(share.providerLossProbabilities[0].probability == scope.overspendProbability)
    let variance = scope.costOfNeed.mean - scope.budget.mean
    #expect(abs(share.providerResult.mean - variance / 2) < 1e-6 * scope.budget.mean)
    #expect(abs(share.yearEndVariance.mean - variance) < 1e-6 * scope.budget.mean)
    let reference = run.plan.scopes[0].reference
    let funder95 = share.funderExtraValueAtRisk.first { $0.level == 0.95 }!.value
    let overspend95 = scope.valueAtRisk.first { $0.level == 0.95 }!.value
    #expect(overspend95 > 0)
    #expect(abs(funder95 - overspend95 / 2) <= (5e-4 + 2.5e-4) * reference)
  }

  @Test func alignedPoolsCoverOverspendUpToTheLimit() throws {
    // Pool "short": need 12,000 a month against 10,800; pool "spare": need 9,000 against
    // 10,800; rationing, no reserve. With a transfer limit of 5 % of "short"'s 129,600
    // (6,480 a year), months 1–5 take 1,200 each from "spare", month 6 the last 480, then
    // months 7–12 deliver 10,800: unmet 720 + 6 × 1,200 = 7,920, U = 0.055. Separate
    // pools leave 1,200 a month unmet, U = 0.1.
    // Risk share on the committed budget including transfers: "short" spends 136,080
    // against 129,600 + 6,480, variance 0; "spare" spends 108,000 against 129,600 − 6,480,
    // an underspend of 15,120 (11.7 %): the provider keeps 2,592 + 1,944 = 4,536.
    var s = Self.scenario(
      services: [Self.perPerson("short", annual: 120), Self.perPerson("spare", annual: 90, stream: "spare")],
      budgets: [[129_600], [129_600]])
    s.budget.riskShare = Self.corridor
    let (_, separate) = try TestScenario.run(s, iterations: 64)
    #expect(abs(separate.budgets[0].scopes[0].serviceGap.expectedUnmetShare.mean - 0.1) < 1e-12)
    s.budget.arrangement = .aligned(transferLimit: 0.05)
    let (_, aligned) = try TestScenario.run(s, iterations: 64)
    let scopes = aligned.budgets[0].scopes
    #expect(abs(scopes[0].serviceGap.expectedUnmetShare.mean - 0.055) < 1e-12)
    #expect(scopes[1].serviceGap.expectedUnmetShare.mean == 0)
    #expect(abs(scopes[2].serviceGap.expectedUnmetShare.mean - 7_920.0 / 252_000) < 1e-12)
    // Overspend stays measured against each pool's own proposed budget.
    #expect(scopes[0].overspendProbability.estimate == 1)
    #expect(scopes[0].riskShare!.yearEndVariance.mean == 0)
    #expect(scopes[1].riskShare!.yearEndVariance.mean == -15_120)
    #expect(scopes[1].riskShare!.providerResult.mean == -4_536)
    #expect(scopes[2].riskShare!.funderResult.mean == -10_584)
  }

  @Test func carryForwardAddsLastYearsUnderspendToTheLimit() throws {
    // Need 12,000 a month for two years; budgets 150,000 then 129,600; rationing, no
    // reserve. Year 1 underspends 6,000. Without carry-forward year 2 delivers 10,800 a
    // month: unmet 14,400 of 288,000, U = 0.05. With it, year 2's limit is 135,600
    // (11,300 a month): unmet 8,400, U = 8,400 / 288,000. The risk share then sees no
    // variance in either year (year 1's underspend was carried, year 2 spends its limit);
    // without carry-forward the provider keeps 3,000 + 1,500 of year 1's 6,000 (4 %).
    var s = Self.scenario(services: [Self.perPerson("care", annual: 120)], budgets: [[150_000, 129_600]], years: 2)
    s.budget.riskShare = Self.corridor
    let (_, off) = try TestScenario.run(s, iterations: 64)
    #expect(abs(off.budgets[0].scopes[0].serviceGap.expectedUnmetShare.mean - 0.05) < 1e-12)
    #expect(off.budgets[0].scopes[0].riskShare!.providerResult.mean == -4_500)
    s.budget.carryForward = true
    let (_, on) = try TestScenario.run(s, iterations: 64)
    #expect(abs(on.budgets[0].scopes[0].serviceGap.expectedUnmetShare.mean - 8_400.0 / 288_000) < 1e-12)
    #expect(on.budgets[0].scopes[0].riskShare!.yearEndVariance.mean == 0)
    #expect(on.budgets[0].scopes[0].riskShare!.providerResult.mean == 0)
    // Horizon overspend is still against the proposed 279,600: need 288,000 exceeds it.
    #expect(on.budgets[0].scopes[0].overspendProbability.estimate == 1)
  }

  @Test func rebasingFollowsTheWorkedReviews() throws {
    // Need 12,000 a month against 10,800, absorbing; reviews every 3 months, tolerance 5 %,
    // rebase half the gap over the rest of the year (flat profile):
    //   month 3: spend 36,000 vs 32,400 (+11.1 %): rebase 1,800, +200 a month for 9 months;
    //   month 6: 72,000 vs 65,400 (+10.1 %): rebase 3,300, +550 a month for 6 months;
    //   month 9: 108,000 vs 100,050 (+7.9 %): rebase 3,975, +1,325 a month for 3 months;
    //   month 12: the year end, nothing left to rebase.
    // 3 rebasings, 9,075 in all, 3,025 each on average.
    var s = Self.scenario(services: [Self.perPerson("care", annual: 120)], budgets: [[129_600]], responses: [.absorb])
    s.budget.rebaseFraction = 0.5
    let (_, f) = try TestScenario.run(s, iterations: 64)
    let scope = f.budgets[0].scopes[0]
    let r = try #require(scope.rebasing)
    #expect(r.probability.estimate == 1)
    #expect(r.expectedCount.mean == 3)
    #expect(abs(r.expectedTotal.mean - 9_075) < 1e-6)
    #expect(abs(r.meanSize!.mean - 3_025) < 1e-6)
    // Drift and overspend stay against the proposed budget.
    #expect(abs(scope.drift.mean - (144_000.0 / 129_600 - 1)) < 1e-12)
    #expect(scope.riskShare == nil)
  }

  @Test func rebasingRaisesARationingProvidersLimit() throws {
    // Rationing, need 12,000 a month against 10,800, reserve 5 % (6,480); month t may spend
    // limit budget to date + 6,480 − spent. Reviews every 3 months, tolerance 5 %, half:
    //   months 1–3 met (36,000); review: 36,000 vs 32,400 → rebase 1,800 (+200 a month);
    //   months 4–5 met; month 6 gets 65,400 + 6,480 − 60,000 = 11,880 (spent 71,880);
    //   review: 71,880 vs 65,400 (+9.9 %) → rebase 3,240 (+540 a month, 11,540);
    //   months 7–9 get 11,540 each (106,500); review: vs 100,020 (+6.5 %) → rebase 3,240
    //   (+1,080 a month, 12,620); months 10–12 are met (limits 12,620, 13,240, 13,860).
    // Delivered 142,500: U = 1,500 / 144,000. Without rebasing U = 0.055 (RationingTests).
    var s = Self.scenario(services: [Self.perPerson("care", annual: 120)], budgets: [[129_600]])
    s.budget.reserveShare = 0.05
    s.budget.rebaseFraction = 0.5
    let (_, f) = try TestScenario.run(s, iterations: 64)
    let scope = f.budgets[0].scopes[0]
    #expect(abs(scope.serviceGap.expectedUnmetShare.mean - 1_500.0 / 144_000) < 1e-12)
    let r = try #require(scope.rebasing)
    #expect(r.expectedCount.mean == 3)
    #expect(abs(r.expectedTotal.mean - 8_280) < 1e-6)
  }

  @Test func underspendIsRebasedDownUnlessSwitchedOff() throws {
    // The mirror of the worked reviews: need 10,800 a month against 12,000 (absorbing).
    //   month 3: 32,400 vs 36,000 (−10 %): rebase −1,800 (−200 a month, 11,800);
    //   month 6: 64,800 vs 71,400 (−9.2 %): rebase −3,300 (11,250);
    //   month 9: 97,200 vs 105,150 (−7.6 %): rebase −3,975.
    var s = Self.scenario(services: [Self.perPerson("care", annual: 108)], budgets: [[144_000]], responses: [.absorb])
    s.budget.rebaseFraction = 0.5
    let (_, both) = try TestScenario.run(s, iterations: 64)
    let r = try #require(both.budgets[0].scopes[0].rebasing)
    #expect(r.expectedCount.mean == 3)
    #expect(abs(r.expectedTotal.mean + 9_075) < 1e-6)
    #expect(abs(r.meanSize!.mean - 3_025) < 1e-6)
    s.budget.rebaseUnderspend = false
    let (_, up) = try TestScenario.run(s, iterations: 64)
    #expect(up.budgets[0].scopes[0].rebasing!.probability.estimate == 0)
  }

  @Test func noRebasingWithinTolerance() throws {
    // Need 12,000 a month against 11,500 (+4.3 %, inside 5 %): reviews never rebase.
    var s = Self.scenario(services: [Self.perPerson("care", annual: 120)], budgets: [[138_000]], responses: [.absorb])
    s.budget.rebaseFraction = 1
    let (_, f) = try TestScenario.run(s, iterations: 64)
    let r = try #require(f.budgets[0].scopes[0].rebasing)
    #expect(r.probability.estimate == 0)
    #expect(r.expectedCount.mean == 0)
    #expect(r.meanSize == nil)
  }

  @Test func arrangementFiguresDoNotDependOnHowTheRunIsSplit() throws {
    // Every arrangement on at once, with random demand and rationing feedback.
    var s = DeterminismTests.scenario
    s.budget.arrangement = .aligned(transferLimit: 0.03)
    s.budget.riskShare = RiskShare(overspend: Self.corridor.overspend, providerLossCap: 0.03, lossThresholds: [0, 10_000])
    s.budget.rebaseFraction = 0.5
    s.budget.carryForward = true
    var outputs = Set<Data>()
    for (threads, block) in [(1, 256), (3, 64), (8, 128)] {
      let (_, figures) = try TestScenario.run(s, iterations: 300, seed: 7, threads: threads, blockSize: block)
      #expect(figures.budgets.allSatisfy { $0.scopes.allSatisfy { $0.riskShare != nil && $0.rebasing != nil } })
      outputs.insert(try JSONReport.encode(figures: figures))
    }
    #expect(outputs.count == 1)
    let whole = try Engine.run(s, options: RunOptions(iterations: 300, seed: 7, threads: 2))
    var merged = try Engine.run(s, options: RunOptions(iterations: 100, seed: 7, threads: 1)).accumulator
    merged.merge(try Engine.run(s, options: RunOptions(iterations: 200, seed: 7, threads: 3, blockSize: 64, firstIteration: 100)).accumulator)
    #expect(merged == whole.accumulator)
  }
}
