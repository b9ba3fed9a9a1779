import Foundation
import BudgetRiskModel

extension SimulationPlan {
  /// The plan of `scenario`, compiled at most once per process for equal scenarios.
  ///
  /// Loading a file compiles every design's plan to check the engine's limits
  /// (``limitProblems(_:)``), and the command then compiles the design it runs: on
  /// server-scale each compile is ~0.56 G instructions (the analytic base's copula
  /// quadrature), as much as ~370 iterations. Compiling is deterministic — a plan is a
  /// function of its scenario — so the second compile returns the first's plan. The file's
  /// hash is set after the limit check, so it is left out of the match and copied onto the
  /// plan returned. A few recent plans are kept (a file's designs); the oldest goes first.
  package static func compiled(_ scenario: Scenario) throws(ScenarioValidationError) -> SimulationPlan {
    var key = scenario
    key.sourceSHA256 = nil
    if var plan = PlanCache.shared.plan(for: key) {
      plan.sourceSHA256 = scenario.sourceSHA256
      return plan
    }
    var plan = try SimulationPlan(key)
    PlanCache.shared.keep(plan, for: key)
    plan.sourceSHA256 = scenario.sourceSHA256
    return plan
  }
}

/// The recently compiled plans of ``SimulationPlan/compiled(_:)``, behind a lock (tests and
/// studies compile from several threads).
private final class PlanCache: @unchecked Sendable {
  static let shared = PlanCache()
  /// Enough for the designs of one file; plans are small (the analytic base's arrays).
  private static let capacity = 8
  private let lock = NSLock()
  private var entries: [(scenario: Scenario, plan: SimulationPlan)] = []

  func plan(for scenario: Scenario) -> SimulationPlan? {
    lock.withLock {
      guard let i = entries.firstIndex(where: { $0.scenario == scenario }) else { return nil }
      let entry = entries.remove(at: i)
      entries.append(entry)
      return entry.plan
    }
  }

  func keep(_ plan: SimulationPlan, for scenario: Scenario) {
    lock.withLock {
      entries.removeAll { $0.scenario == scenario }
      entries.append((scenario, plan))
      if entries.count > Self.capacity { entries.removeFirst(entries.count - Self.capacity) }
    }
  }
}
