import BudgetRiskNumerics
import BudgetRiskModel
import BudgetRiskEngine

/// The activity of a run: expected events per service and per scope × category, per budget
/// year and over the horizon, each with its Monte Carlo standard error and 95 % interval
/// (``ActivityAccumulator`` says what is counted).
public struct ActivityFigures: Codable, Sendable, Equatable {
  /// Services with events (one entry each), in the scenario's order.
  public var services: [ServiceActivity]
  /// Per scope (each pool, then the total) and category, the events of its event services.
  public var scopes: [ScopeActivity]
  /// Per-person services, which have no events and are left out of both lists.
  public var perPersonServices: [String]
}

public struct ServiceActivity: Codable, Sendable, Equatable {
  public var service: String
  public var pool: String
  public var category: String
  /// Budget years in order (`year` 1, 2, …), then the horizon (`year` nil).
  public var events: [ExpectedEvents]
}

public struct ScopeActivity: Codable, Sendable, Equatable {
  public var scope: String
  public var category: String
  /// Budget years in order, then the horizon.
  public var events: [ExpectedEvents]
}

/// The expected events of one year (or the horizon): the mean over iterations, its standard
/// error and the 95 % interval `mean ± 1.96·SE` for the expectation (the central limit
/// theorem over iterations; no NaN: an undefined figure carries its reason).
public struct ExpectedEvents: Codable, Sendable, Equatable {
  /// The budget year (1-based); nil for the whole horizon.
  public var year: Int?
  public var expected: Estimate
  public var lower: Double
  public var upper: Double

  init(_ m: MeanAccumulator, year: Int?) {
    self.year = year
    expected = Estimate(m)
    let half = 1.959963984540054 * expected.standardError
    lower = expected.mean - half
    upper = expected.mean + half
  }
}

extension ActivityFigures {
  /// Reads the activity of a finished run off its accumulator.
  init(_ a: ActivityAccumulator, plan: SimulationPlan) {
    let Y = a.years
    func years(_ at: (Int) -> MeanAccumulator) -> [ExpectedEvents] {
      (0...Y).map { y in ExpectedEvents(at(y), year: y < Y ? y + 1 : nil) }
    }
    let eventServices = (0..<plan.serviceCount).filter { ActivityAccumulator.hasEvents(plan, $0) }
    services = eventServices.map { v in
      ServiceActivity(
        service: plan.serviceNames[v], pool: plan.poolNames[plan.poolOfService[v]],
        category: plan.serviceCategories[v], events: years { a[service: v, year: $0] })
    }
    scopes = plan.scopes.enumerated().flatMap { s, scope in
      ServiceCategory.allCases.enumerated().map { c, category in
        ScopeActivity(scope: scope.name, category: category.rawValue, events: years { a[scope: s, category: c, year: $0] })
      }
    }
    perPersonServices = (0..<plan.serviceCount).filter { !ActivityAccumulator.hasEvents(plan, $0) }.map { plan.serviceNames[$0] }
  }
}
