import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies

/// `Engine.run` takes the first worker's accumulators as the run's total instead of merging
/// them into empty ones: exact only if an empty accumulator is the merge's identity, on every
/// bundled scenario's figures (histograms, fan, drivers, activity, per-year summaries).
@Suite struct RunMergeTests {
  @Test func anEmptyAccumulatorIsTheMergesIdentity() throws {
    for path in UnrationedWalkTests.bundled {
      let plan = try SimulationPlan(ScenarioLoader.load(path: path))
      let evaluations = plan.scenarioEvaluations
      let worker = RunWorker(plan: plan, evaluations: evaluations)
      for (tile, active) in [(0, 0..<TileWorkspace.rows), (5, 0..<23)] { worker.process(tile: tile, active: active, seed: 3) }
      var fromEmpty = RunAccumulator(plan: plan, evaluations: evaluations)
      fromEmpty.merge(worker.accumulator)
      #expect(fromEmpty == worker.accumulator, "\(path)")
      // Not vacuous: the worker recorded every row.
      #expect(worker.accumulator.iterations == 87 && worker.accumulator.evaluations[0].scopes[0].driftDistribution.count == 87)
      // And merged onward, the two totals stay equal.
      let other = RunWorker(plan: plan, evaluations: evaluations)
      other.process(tile: 9, active: 0..<TileWorkspace.rows, seed: 3)
      var direct = worker.accumulator
      direct.merge(other.accumulator)
      fromEmpty.merge(other.accumulator)
      #expect(direct == fromEmpty, "\(path)")
    }
  }
}
