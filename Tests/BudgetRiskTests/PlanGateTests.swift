import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// The plan is the one gate between a validated scenario and the engine: what it refuses,
/// every entry point refuses, with the file's name.
@Suite struct PlanGateTests {
  static func tooLargeThreshold() -> Scenario {
    var s = DeterminismTests.scenario
    s.exactSumThreshold = 300_000
    return s
  }

  @Test func refusesAThresholdBeyondACellsStreamNamingTheFileAndKey() {
    #expect {
      _ = try SimulationPlan(Self.tooLargeThreshold())
    } throws: { error in
      guard let e = error as? ScenarioValidationError, let issue = e.issues.first else { return false }
      return e.issues.count == 1 && issue.file == "test.yaml" && issue.path == "exact_sum_threshold"
        && issue.description.hasPrefix("test.yaml: exact_sum_threshold: expected at most 200000")
    }
  }

  @Test func acceptsTheLargestSupportedThreshold() throws {
    var s = DeterminismTests.scenario
    s.exactSumThreshold = 200_000
    _ = try SimulationPlan(s)
  }

  @Test func refusesServicesWhoseStreamsWouldCollide() throws {
    var s = DeterminismTests.scenario
    s.services.append(s.services[0])  // the same name twice: one stream key
    s.utilisation = s.utilisation.map { $0 + [$0[0]] }
    #expect {
      _ = try SimulationPlan(s)
    } throws: { error in
      (error as? ScenarioValidationError)?.issues.contains { $0.path == "services" && $0.message.contains("would share a random stream") } ?? false
    }
  }

  /// `run`, a precision run, `compare`, `margin` and `explain` all go through the plan.
  @Test func everyEntryPointRefusesWhatThePlanRefuses() {
    let bad = Self.tooLargeThreshold()
    let options = RunOptions(iterations: 64, seed: 1, threads: 1)
    let expected = ScenarioValidationError(issues: SimulationPlan.streamIssues(bad))
    #expect(throws: RunOptionsError.scenario(expected)) { try Engine.run(bad, options: options) }
    #expect(throws: RunOptionsError.scenario(expected)) {
      try Engine.run(bad, options: options, precision: PrecisionTarget(halfWidth: 0.01, maxIterations: 128))
    }
    let designs = [Design(name: "a", description: "", scenario: DeterminismTests.scenario), Design(name: "b", description: "", scenario: bad)]
    #expect(throws: RunOptionsError.scenario(expected)) { try DesignComparison.run(designs, baseline: 0, options: options) }
    #expect(throws: MarginSolverError.scenario(expected)) {
      try MarginSolver.solve(bad, request: MarginRequest(overspendTarget: 0.1), options: options)
    }
    #expect(throws: ScenarioValidationError.self) { try BudgetBuildUp(bad) }
  }
}
