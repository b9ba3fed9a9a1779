import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies

/// The absorb evaluations taken from one pass over the need (`AbsorbPass`) equal the full
/// walk to the bit: every field of every outcome, row by row, on every bundled scenario (a
/// whole worker's accumulators: `UnrationedWalkTests`) (the pass applies to some, and declines the others:
/// aligned pools, rebasing, risk share, capitation).
@Suite struct AbsorbPassTests {
  /// Every field of a walk's outcome as bit patterns (a −0 for a +0 would show).
  static func snapshot(_ o: PathOutcome, plan: SimulationPlan, detailed: Bool) -> [UInt64] {
    var bits: [UInt64] = []
    let S = plan.scopes.count, T = plan.periods, Y = plan.years
    for s in 0..<S {
      let x = o.scopes[s]
      bits += [x.costOfNeed, x.budget, x.unmet, x.unmetShare, x.yearEndVariance, x.providerResult, x.funderResult,
        x.rebased, x.unmetShareProactive, x.unmetShareReactive].map(\.bitPattern)
      bits += [x.overspent, x.toleranceBreached, x.reserveExhausted].map { $0 ? 1 : 0 }
      bits += [x.rebasings, x.breaches.overspendReviews, x.breaches.underspendReviews, x.breaches.firstOverspend,
        x.breaches.firstUnderspend].map { UInt64(bitPattern: Int64($0)) }
      guard detailed else { continue }
      for t in 0..<T { bits.append(o.driftPath(scope: s)[t].bitPattern) }
      for y in 0..<Y {
        bits += [o.overspent(scope: s, year: y) ? 1 : 0, UInt64(bitPattern: Int64(o.rationingStart(scope: s, year: y)))]
        bits += [o.costOfNeed(scope: s, year: y), o.budget(scope: s, year: y), o.unmetShare(scope: s, year: y)]
          .map(\.bitPattern)
      }
      o.forEachRebasing(scope: s) { bits.append($0.bitPattern) }
    }
    if detailed { for v in 0..<o.serviceUnmetShares.count { bits.append(o.serviceUnmetShares[v].bitPattern) } }
    return bits
  }

  @Test func onePassEqualsTheFullWalkOnEveryBundledScenario() throws {
    var applied = 0, declined = 0, compared = 0, exhausted = 0, breached = 0, overspent = 0
    for path in UnrationedWalkTests.bundled {
      let plan = try SimulationPlan(ScenarioLoader.load(path: path))
      let evaluations = plan.scenarioEvaluations
      guard let pass = AbsorbPass(plan: plan, evaluations: evaluations) else {
        declined += 1
        continue
      }
      applied += 1
      let workspace = TileWorkspace(plan: plan)
      let fast = BudgetLedger(plan: plan, cells: TileCells(workspace))
      let full = BudgetLedger(plan: plan, cells: TileCells(workspace))
      for (tile, active) in [(5, 0..<32)] {
        workspace.simulate(tile: tile, active: active, seed: 29)
        pass.prepare(rows: active, cells: fast.cells)
        for (e, evaluation) in evaluations.enumerated() {
          guard let slot = pass.slot(of: e) else {
            #expect(evaluation.response == .ration)
            continue
          }
          for r in active {
            for detailed in [true, false] {
              let expected = Self.snapshot(
                full.walk(row: r, iteration: tile * TileWorkspace.rows + r, seed: 29, evaluation: evaluation,
                  detailed: detailed), plan: plan, detailed: detailed)
              let reached = full.reachedLimit
              let got = Self.snapshot(
                fast.walk(row: r, absorbing: pass, slot: slot, detailed: detailed), plan: plan, detailed: detailed)
              #expect(got == expected, "\(path), evaluation \(e), row \(r)")
              #expect(fast.reachedLimit == reached)
              compared += 1
            }
            let total = fast.outcomes[plan.scopes.count - 1]
            if total.reserveExhausted { exhausted += 1 }
            if total.toleranceBreached { breached += 1 }
            if total.overspent { overspent += 1 }
          }
        }
      }
    }
    // server-scale, behavioural-health-prevention and housing-and-health take the pass;
    // aligned pools (community), rebasing and a risk share (place-based) and a ration-only
    // capitation scenario (targeted older adults) and a place's pool that rations by its own
    // rule (locality-pooled) do not.
    #expect(applied == 3 && declined == 4)
    // Not vacuous: reserves run out on some paths and not on others, reviews breach, budgets overspend.
    #expect(compared > 1000)  // 3 scenarios × 11 absorb budgets × 32 rows × 2
    #expect(exhausted > 0 && exhausted < compared / 2)
    #expect(breached > 0 && overspent > 0)
  }

  @Test func thePassDeclinesWhatMovesTheLimit() throws {
    let root = UnrationedWalkTests.root.appendingPathComponent("scenarios")
    for name in ["community-health-network", "place-based-pooled", "targeted-older-adults"] {
      let plan = try SimulationPlan(ScenarioLoader.load(path: root.appendingPathComponent("\(name).yaml").path))
      #expect(AbsorbPass(plan: plan, evaluations: plan.scenarioEvaluations) == nil, "\(name)")
    }
    let plan = try SimulationPlan(ScenarioLoader.load(path: root.appendingPathComponent("benchmarks/server-scale.yaml").path))
    let evaluations = plan.scenarioEvaluations
    let pass = try #require(AbsorbPass(plan: plan, evaluations: evaluations))
    for (e, evaluation) in evaluations.enumerated() {
      #expect((pass.slot(of: e) != nil) == (evaluation.response == .absorb))
    }
  }

  /// The ledger fills a proposed budget once for consecutive walks of it; a walk after walks
  /// of other budgets, or of a budget that follows the population (capitation), equals a
  /// fresh ledger's walk.
  @Test func theBudgetCacheChangesNoWalk() throws {
    // Many budgets; and a capitation margin, which follows the population (not cached).
    let folder = UnrationedWalkTests.root.appendingPathComponent("scenarios")
    for name in ["benchmarks/server-scale", "targeted-older-adults"] {
      let path = folder.appendingPathComponent("\(name).yaml").path
      let plan = try SimulationPlan(ScenarioLoader.load(path: path))
      let evaluations = plan.scenarioEvaluations
      let workspace = TileWorkspace(plan: plan)
      workspace.simulate(tile: 1, active: 0..<TileWorkspace.rows, seed: 3)
      let cached = BudgetLedger(plan: plan, cells: TileCells(workspace))
      for r in [0, 7] {
        for e in evaluations.indices + evaluations.indices.reversed() {
          let got = Self.snapshot(
            cached.walk(row: r, iteration: TileWorkspace.rows + r, seed: 3, evaluation: evaluations[e]), plan: plan,
            detailed: true)
          let fresh = BudgetLedger(plan: plan, cells: TileCells(workspace))
          let expected = Self.snapshot(
            fresh.walk(row: r, iteration: TileWorkspace.rows + r, seed: 3, evaluation: evaluations[e]), plan: plan,
            detailed: true)
          #expect(got == expected, "\(path), evaluation \(e), row \(r)")
        }
      }
    }
  }
}
