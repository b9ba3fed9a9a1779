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
  /// The scenario file, for the command `explain` suggests next.
  public let sourcePath: String
  public let currency: String
  public let periods: Int
  /// `month` or `quarter`.
  public let periodLength: String
  public let years: Int
  public let periodsPerYear: Int
  /// How the scenario sets its base budget.
  public let baseRule: BaseBudget
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
    self.init(try SimulationPlan(scenario))
  }

  /// The build-up of a compiled plan: every line is read off the plan's analytic
  /// expectations (``SimulationPlan/expected``) and its proposed budgets.
  public init(_ plan: SimulationPlan) {
    let expected = plan.expected
    let T = plan.periods, ppy = plan.periodsPerYear
    let Y = plan.years
    self.scenario = plan.name; currency = plan.currency; years = Y; periodsPerYear = ppy
    sourcePath = plan.sourcePath; periods = T; periodLength = plan.periodLength.rawValue
    baseRule = plan.budget.base
    func yearly(_ perPeriod: (Int) -> Double) -> [Double] {
      (0..<Y).map { y in (y * ppy..<(y + 1) * ppy).reduce(0) { $0 + perPeriod($1) } }
    }

    population = plan.segmentNames.enumerated().map { s, name in
      Line(name: name, byYear: yearly { expected.population[s * T + $0] }.map { $0 / Double(ppy) })
    }
    bySegment = plan.segmentNames.enumerated().map { s, name in
      Line(name: name, byYear: yearly { plan.expectedSegmentCost[s * T + $0] })
    }

    byService = plan.serviceNames.enumerated().map { v, name in
      ServiceLine(
        service: name, category: plan.serviceCategories[v],
        pool: plan.poolNames[plan.poolOfService[v]],
        cost: Line(name: name, byYear: yearly { expected.serviceCost[v * T + $0] }))
    }

    let pools = plan.poolNames
    func withTotal(_ lines: [Line]) -> [Line] {
      guard lines.count > 1 else { return lines }
      return lines + [Line(name: "total", byYear: (0..<Y).map { y in lines.reduce(0) { $0 + $1.byYear[y] } })]
    }
    byPool = withTotal(pools.enumerated().map { p, pool in Line(name: pool, byYear: yearly { expected.poolCost[p * T + $0] }) })
    total = Line(name: "total", byYear: yearly { t in (0..<pools.count).reduce(0) { $0 + expected.poolCost[$1 * T + t] } })
    let base = pools.enumerated().map { p, pool in Line(name: pool, byYear: yearly { plan.expectedBase[p * T + $0] }) }
    baseBudget = withTotal(base)
    proposals = plan.proposals.map { proposal in
      let lines = base.enumerated().map { p, line in
        Line(name: line.name, byYear: proposal.byYear(pool: p, baseByYear: line.byYear))
      }
      return ProposalLine(proposal: proposal.label, pools: withTotal(lines))
    }
  }
}
