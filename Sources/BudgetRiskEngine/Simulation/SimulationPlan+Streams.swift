import BudgetRiskModel

extension SimulationPlan {
  /// What keeps `scenario`'s random streams from being addressable and distinct, as issues
  /// of its file: at most 16,383 periods and services (a stream's substream and key fields),
  /// an exact-sum threshold whose draws fit a cell's stream, and no two services (factors,
  /// shocks) whose names hash to one key.
  ///
  /// The scenario's own validation cannot see these: they are limits of the engine's random
  /// numbers, not of the model, so the plan's initialiser checks them for every command.
  static func streamIssues(_ scenario: Scenario) -> [ScenarioIssue] {
    func issue(_ path: String, _ message: String) -> ScenarioIssue {
      ScenarioIssue(file: scenario.sourcePath, line: nil, path: path, message: message)
    }
    var issues = [ScenarioIssue]()
    if scenario.horizon.periods >= StreamID.limit {
      issues.append(issue("horizon", "at most \(StreamID.limit - 1) periods are supported, found \(scenario.horizon.periods)"))
    }
    if scenario.services.count >= StreamID.limit {
      issues.append(issue("services", "at most \(StreamID.limit - 1) services are supported, found \(scenario.services.count)"))
    }
    // A cell draws at most a few numbers per event summed exactly; 2¹⁸ blocks hold 524,288.
    if scenario.exactSumThreshold > 200_000 {
      issues.append(issue(
        "exact_sum_threshold",
        "expected at most 200000 (a cell's random stream holds 524,288 draws), found \(scenario.exactSumThreshold)"))
    }
    let kinds = [
      ("services", scenario.services.map(\.name)), ("factors", scenario.factors.map(\.name)),
      ("shocks", scenario.shocks.map(\.name)),
    ]
    for (kind, names) in kinds {
      if case .failure(let e) = StreamID.keys(names) {
        issues.append(issue(kind, "'\(e.first)' and '\(e.second)' would share a random stream; rename one"))
      }
    }
    return issues
  }
}

extension ScenarioValidationError: Equatable {
  /// Same issues, in the same order (``RunOptionsError`` and ``MarginSolverError`` carry one).
  public static func == (a: Self, b: Self) -> Bool { a.issues == b.issues }
}
