import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// `run --precision`: batches until the overspend probability at the recommended margin has
/// the requested Wilson half-width, reproducibly.
@Suite struct PrecisionRunTests {
  static let scenario = MarginSolverTests.uncertain()

  /// The stopping figure, read off the accumulators, is the half-width at the headline budget
  /// of the figures (one rule, ``HeadlineRule``), for a scenario meeting its target and for
  /// one whose margins all miss it (the largest margin counts).
  @Test(arguments: [0.10, 0.0001])
  func stoppingFigureIsTheHeadlineBudgetsHalfWidth(target: Double) throws {
    var scenario = Self.scenario
    scenario.budget.overspendTarget = target
    let (run, figures) = try TestScenario.run(scenario, iterations: 2_000, seed: 5)
    let scope = try #require(figures.expectedCost.last?.scope)
    let widths = try figures.responses.map { response in
      let b = try #require(figures.headlineBudget(response: response, scope: scope))
      let p = try #require(b.scopes.first { $0.scope == scope }?.overspendProbability)
      return (p.upper - p.lower) / 2
    }
    #expect(Engine.decisionHalfWidth(run) == widths.max())
    if target < 0.001 { #expect(figures.recommendations.allSatisfy { $0.margin == nil }) }
  }

  @Test func stopsWithinTheHalfWidthWithTheFiguresOfOneRun() throws {
    let options = RunOptions(iterations: 1_000, seed: 3, threads: 2)
    let (run, note) = try Engine.run(Self.scenario, options: options, precision: PrecisionTarget(halfWidth: 0.006))
    #expect(note.reached && note.achieved <= 0.006)
    // The schedule projects: each later total is the previous one's projection on the grid.
    for (a, b) in zip(note.batches, note.batches.dropFirst()) {
      let (at, _) = try TestScenario.run(Self.scenario, iterations: a, seed: 3)
      #expect(b == PrecisionTarget(halfWidth: 0.006).projectedTotal(after: a, achieved: Engine.decisionHalfWidth(at), replicates: 1))
    }
    #expect(note.batches.count > 1)
    #expect(run.isComplete && run.completedIterations == note.batches.last!)
    let figures = RunFigures(run)
    let r = figures.recommendations[0]
    let p = try #require(r.overspendProbability)
    #expect((p.upper - p.lower) / 2 == note.achieved)
    // The merged batches are exactly one run over all the iterations.
    let (_, single) = try TestScenario.run(Self.scenario, iterations: note.batches.last!, seed: 3)
    #expect(single == figures)
    // The batch before the last had not reached the target.
    if note.batches.count > 1 {
      let (before, _) = try TestScenario.run(Self.scenario, iterations: note.batches[note.batches.count - 2], seed: 3)
      #expect(Engine.decisionHalfWidth(before) > 0.006)
    }
    let (again, againNote) = try Engine.run(Self.scenario, options: options, precision: PrecisionTarget(halfWidth: 0.006))
    #expect(RunFigures(again) == figures && againNote == note)
  }

  @Test func maxIterationsCaps() throws {
    let options = RunOptions(iterations: 1_000, seed: 3, threads: 2)
    let (run, note) = try Engine.run(Self.scenario, options: options, precision: PrecisionTarget(halfWidth: 1e-4, maxIterations: 2_500))
    #expect(!note.reached)
    // The projection (≈ 1,000 × (0.02 / 1e−4)²) is past the cap: the run goes straight to it.
    #expect(note.batches == [1_000, 2_500])
    #expect(run.completedIterations == 2_500 && run.options.iterations == 2_500)
  }

  @Test func badTargetsAreRefused() {
    let options = RunOptions(iterations: 1_000, seed: 3)
    #expect(throws: RunOptionsError.self) { try Engine.run(Self.scenario, options: options, precision: PrecisionTarget(halfWidth: 0)) }
    #expect(throws: RunOptionsError.self) {
      try Engine.run(Self.scenario, options: options, precision: PrecisionTarget(halfWidth: 0.01, maxIterations: 500))
    }
  }
}
