import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies

/// A ration walk whose path never reaches a limit is the absorb walk at the same budget, to
/// the bit, so the run records the absorb outcome for it instead of walking it
/// (`BudgetLedger.reachedLimit`, `RunWorker`). Checked on every bundled scenario: two workers,
/// one skipping and one walking every evaluation, accumulate exactly the same figures over
/// the same tiles. The same comparison covers the worker's other exact shortcuts: the one
/// absorb pass and the staged histogram adds.
@Suite struct UnrationedWalkTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static var bundled: [String] {
    let folder = root.appendingPathComponent("scenarios")
    let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return files.filter { $0.hasSuffix(".yaml") }.sorted().map { folder.appendingPathComponent($0).path }
      + [folder.appendingPathComponent("benchmarks/server-scale.yaml").path]
  }

  /// Two workers take the same two tiles (the second partly active: 104 iterations) and
  /// must accumulate exactly the same figures.
  static func processSameTiles(_ a: RunWorker, _ b: RunWorker, seed: UInt64, path: String) {
    for (tile, active) in [(0, 0..<TileWorkspace.rows), (3, 0..<40)] {
      a.process(tile: tile, active: active, seed: seed)
      b.process(tile: tile, active: active, seed: seed)
    }
    #expect(a.accumulator == b.accumulator, "\(path)")
  }

  @Test func skippingUnrationedWalksLeavesEveryFigureIdentical() throws {
    var scenarios = 0, skipped = 0, walked = 0
    for path in Self.bundled {
      let plan = try SimulationPlan(ScenarioLoader.load(path: path))
      let evaluations = plan.scenarioEvaluations
      let twins = evaluations.absorbTwins
      // Every shortcut of the plain loop against none: the skip, the one absorb pass
      // (`AbsorbPassTests`) and the histograms staged a tile at a time (`HistogramStage`).
      // The shared absorb fans are not exact shortcuts (`SharedFanTests`): both record every fan.
      let skipping = RunWorker(plan: plan, evaluations: evaluations, shareAbsorbFans: false)
      let walking = RunWorker(
        plan: plan, evaluations: evaluations, skipUnrationed: false, onePassAbsorb: false, stageHistograms: false,
        shareAbsorbFans: false)
      Self.processSameTiles(skipping, walking, seed: 17, path: path)
      // Not vacuous: the staged histograms hold every walk (every evaluation, every scope).
      for e in skipping.accumulator.evaluations {
        for s in e.scopes {
          #expect(s.driftDistribution.count == 104 && s.overspendDistribution.count == 104)
          #expect(s.yearly.overspendDistribution.allSatisfy { $0.count == 104 })
          if s.recordsCost { #expect(s.costDistributionByYear.allSatisfy { $0.count == 104 }) }
        }
      }
      #expect(skipping.accumulator.iterations == 104)
      scenarios += 1
      // How often the skip applies, counted on the walking worker's ledger.
      guard let ration = twins.firstIndex(where: { $0 != nil }), let absorb = twins[ration] else { continue }
      walking.workspace.simulate(tile: 0, active: 0..<TileWorkspace.rows, seed: 17)
      for r in 0..<TileWorkspace.rows {
        _ = walking.ledger.walk(row: r, iteration: r, seed: 17, evaluation: evaluations[absorb])
        if walking.ledger.reachedLimit { walked += 1 } else { skipped += 1 }
      }
    }
    #expect(scenarios == 7)
    // The comparison is not vacuous: both kinds of path occur.
    #expect(skipped > 0 && walked > 0)
  }

  @Test func twinsPairEachRationBudgetWithItsAbsorbBudget() throws {
    let plan = try SimulationPlan(ScenarioLoader.load(path: Self.bundled.last!))
    let evaluations = plan.scenarioEvaluations
    let twins = evaluations.absorbTwins
    #expect(twins.count == evaluations.count)
    for (e, twin) in twins.enumerated() {
      if evaluations[e].response == .absorb {
        #expect(twin == nil)
      } else {
        let a = try #require(twin)
        #expect(evaluations[a].response == .absorb && evaluations[a].budget == evaluations[e].budget)
      }
    }
  }
}
