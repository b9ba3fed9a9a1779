import BudgetRiskModel
import BudgetRiskEngine

/// The deterministic budget build-up that `budget-risk explain` prints, computed before any
/// simulation: the analytic expected cost of need (``ExpectedCost``) by segment, service,
/// pool and budget year, each pool's base budget, and every proposed budget.
///
/// The service, pool and total lines are sums of ``ExpectedCost``'s per-period costs. The
/// segment lines split each service's expected cost among the segments that generate it:
/// an event service in proportion to each segment's expected events (expected people ×
/// its rate multipliers' means × utilisation), a per-person service in proportion to its
/// segments' expected people. So the segments, the services and the pools each add up to
/// the same total.
public struct BudgetBuildUp: Sendable {
  /// An amount per budget year and over the horizon.
  public struct Line: Sendable, Equatable {
    public var name: String
    public var byYear: [Double]
    public var horizon: Double { byYear.reduce(0, +) }
  }

  public struct ServiceLine: Sendable, Equatable {
    public var service: String
    public var category: String
    public var pool: String
    public var cost: Line
  }

  public struct ProposalLine: Sendable, Equatable {
    public var proposal: String
    /// Per pool, then the total when there are several pools.
    public var pools: [Line]
  }

  public let scenario: String
  public let currency: String
  public let years: Int
  public let periodsPerYear: Int
  /// Expected people per segment, averaged over each budget year's periods.
  public let population: [Line]
  public let bySegment: [Line]
  public let byService: [ServiceLine]
  /// Per pool, then the total when there are several pools.
  public let byPool: [Line]
  public let total: Line
  /// The base budget per pool (then the total); under capitation, at expected population.
  public let baseBudget: [Line]
  public let proposals: [ProposalLine]

  /// The build-up of `scenario`, refused (as by every command) where the plan refuses it.
  public init(_ scenario: Scenario) throws(ScenarioValidationError) {
    let plan = try SimulationPlan(scenario)
    let expected = plan.expected
    let T = plan.periods, S = plan.segmentCount, ppy = plan.periodsPerYear
    let Y = plan.years
    self.scenario = scenario.name; currency = scenario.currency; years = Y; periodsPerYear = ppy
    func yearly(_ perPeriod: (Int) -> Double) -> [Double] {
      (0..<Y).map { y in (y * ppy..<(y + 1) * ppy).reduce(0) { $0 + perPeriod($1) } }
    }

    population = scenario.segments.enumerated().map { s, segment in
      Line(name: segment.name, byYear: yearly { expected.population[s * T + $0] }.map { $0 / Double(ppy) })
    }

    // Each segment's share of each service's expected cost in each period.
    var segmentRate = [Double](repeating: 1, count: S)
    for factor in scenario.factors {
      if case .segmentRate(let targets) = FactorEffect(factor.role) {
        for s in targets { segmentRate[s] *= factor.distribution.mean }
      }
    }
    var segmentCost = [Double](repeating: 0, count: S * T)
    for (v, service) in scenario.services.enumerated() {
      for t in 0..<T {
        let cost = expected.serviceCost[v * T + t]
        guard cost != 0 else { continue }
        var weights = [Double](repeating: 0, count: S)
        switch service.cost {
        case .events:
          for s in 0..<S { weights[s] = expected.population[s * T + t] * segmentRate[s] * scenario.utilisation[s][v] }
        case .perPerson(let segments, _, _):
          for s in segments { weights[s] = expected.population[s * T + t] }
        }
        let sum = weights.reduce(0, +)
        guard sum > 0 else { continue }
        for s in 0..<S { segmentCost[s * T + t] += cost * weights[s] / sum }
      }
    }
    bySegment = scenario.segments.enumerated().map { s, segment in
      Line(name: segment.name, byYear: yearly { segmentCost[s * T + $0] })
    }

    byService = scenario.services.enumerated().map { v, service in
      ServiceLine(
        service: service.name, category: service.category.rawValue,
        pool: scenario.budget.pools[plan.poolOfService[v]].name,
        cost: Line(name: service.name, byYear: yearly { expected.serviceCost[v * T + $0] }))
    }

    let pools = scenario.budget.pools
    func withTotal(_ lines: [Line]) -> [Line] {
      guard lines.count > 1 else { return lines }
      return lines + [Line(name: "total", byYear: (0..<Y).map { y in lines.reduce(0) { $0 + $1.byYear[y] } })]
    }
    byPool = withTotal(pools.enumerated().map { p, pool in Line(name: pool.name, byYear: yearly { expected.poolCost[p * T + $0] }) })
    total = Line(name: "total", byYear: yearly { t in (0..<pools.count).reduce(0) { $0 + expected.poolCost[$1 * T + t] } })
    let base = pools.enumerated().map { p, pool in Line(name: pool.name, byYear: yearly { plan.expectedBase[p * T + $0] }) }
    baseBudget = withTotal(base)
    proposals = plan.proposals.map { proposal in
      let lines = base.enumerated().map { p, line in
        Line(name: line.name, byYear: proposal.byYear(pool: p, baseByYear: line.byYear))
      }
      return ProposalLine(proposal: proposal.label, pools: withTotal(lines))
    }
  }
}
