/// The budget side of a pilot design: how the base budget is set, which budgets are proposed,
/// how services are pooled and what the provider does when money runs out.
public struct BudgetSpec: Sendable, Equatable {
  public var base: BaseBudget
  public var proposals: [Proposal]
  public var pools: [Pool]
  /// Each proposed budget is evaluated under each response, on the same paths.
  public var responses: [ProviderResponse]
  /// Provider's reserve per pool as a share of that pool's annual base budget.
  public var reserveShare: Double
  public var rationingOrder: RationingOrder
  /// Service gap threshold g: a gap is an unmet share above it (default 1 %).
  public var serviceGapThreshold: Double
  /// Drift tolerance at reviews, as a fraction of the profiled budget (default 5 %).
  public var driftTolerance: Double
  /// Periods between the funder's reviews of spend against the profiled budget.
  public var reviewEvery: Int
  /// α: the acceptable overspend probability for the contingency recommendation.
  public var overspendTarget: Double
  /// β: the acceptable service-gap probability, if the recommendation must also meet it.
  public var serviceGapTarget: Double?
  /// What α bounds: the horizon total's overspend (default), every budget year's (P(any year
  /// overspends)), or the worst year's (the largest per-year P(overspend)).
  public var overspendRule: OverspendRule = .horizon
  /// Service-gap targets per category, in ``ServiceCategory/allCases`` order (proactive,
  /// reactive): the recommendation must meet each that is set, besides β. The headline gap
  /// can hide cuts to prevention; these bound each category's P(unmet share > g).
  public var categoryGapTargets: [Double?] = [nil, nil]
  /// Each partner's own rules (`budget.pool_rules`), per pool index: a fixed provider
  /// response (the pool responds so under every evaluated response), its own reserve share
  /// and rationing order. Pools without an entry follow the scenario-wide rules.
  public var poolRules: [Int: PoolRule] = [:]
  /// `separate` (default) or `aligned` pools.
  public var arrangement: PoolArrangement
  /// How year-end variance splits between provider and funder; nil: no risk share reported.
  public var riskShare: RiskShare?
  /// At a review past the drift tolerance the rest of the year's budget is rebased by this
  /// fraction of the year-to-date gap; nil: no rebasing.
  public var rebaseFraction: Double?
  /// Whether rebasing also takes money back after an underspend past the tolerance
  /// (default); `false`: only overspend is rebased.
  public var rebaseUnderspend: Bool
  /// Whether a year's underspend is added to the next year's budget.
  public var carryForward: Bool

  public init(
    base: BaseBudget, proposals: [Proposal], pools: [Pool], responses: [ProviderResponse],
    reserveShare: Double = 0, rationingOrder: RationingOrder = .proactiveFirst,
    serviceGapThreshold: Double = 0.01, driftTolerance: Double = 0.05, reviewEvery: Int = 3,
    overspendTarget: Double = 0.1, serviceGapTarget: Double? = nil,
    arrangement: PoolArrangement = .separate, riskShare: RiskShare? = nil,
    rebaseFraction: Double? = nil, rebaseUnderspend: Bool = true, carryForward: Bool = false
  ) {
    self.base = base; self.proposals = proposals; self.pools = pools; self.responses = responses
    self.reserveShare = reserveShare; self.rationingOrder = rationingOrder
    self.serviceGapThreshold = serviceGapThreshold; self.driftTolerance = driftTolerance
    self.reviewEvery = reviewEvery; self.overspendTarget = overspendTarget
    self.serviceGapTarget = serviceGapTarget
    self.arrangement = arrangement; self.riskShare = riskShare
    self.rebaseFraction = rebaseFraction; self.rebaseUnderspend = rebaseUnderspend
    self.carryForward = carryForward
  }
}

public enum BaseBudget: Sendable, Equatable {
  /// The model's own expected cost of need, computed analytically per pool and period.
  case expected
  /// Stated amounts, `amounts[pool][budgetYear]`, profiled within each year like expected cost.
  case fixed(amounts: [[Double]])
  /// `rates[pool]` per person per year times the population realised in the iteration
  /// (summed over `segments`), paid per period.
  case capitation(rates: [Double], segments: [Int])
}

public enum Proposal: Sendable, Equatable {
  /// The base budget times (1 + margin).
  case margin(Double)
  /// Explicit amounts per pool and budget year, `annual[pool][year]` (a pool given one amount
  /// has it in every year), profiled within each year like the base budget.
  case amounts(name: String, annual: [[Double]])
  /// The base budget times (1 + `margins[y]`) in budget year y: a contingency that changes
  /// from year to year.
  case yearlyMargins(name: String, margins: [Double])

  public var label: String {
    switch self {
    case .margin(let m): return "margin \(Proposal.percent(m))"
    case .amounts(let name, _), .yearlyMargins(let name, _): return name
    }
  }

  package static func percent(_ m: Double) -> String {
    let p = m * 100
    // Int(p) only where it is exact: a margin is at most 100 (10,000 %) once validated.
    return p == p.rounded() && abs(p) < 1e15 ? "\(Int(p))%" : "\(p)%"
  }
}

public struct Pool: Sendable, Equatable {
  public var name: String
  /// The pool's services: after a split by segments (``Scenario/splittingPoolsBySegments()``),
  /// its cells.
  public var services: [Int]
  /// The segments whose demand the pool pays for (a place, a population group); nil: every
  /// segment's. A pool over segments holds the listed services (every service when the file
  /// lists none) for these segments only.
  public var segments: [Int]?
  public init(name: String, services: [Int], segments: [Int]? = nil) {
    self.name = name; self.services = services; self.segments = segments
  }
}

public enum ProviderResponse: String, Sendable, CaseIterable {
  /// Keep meeting need; spending past the budget is drift.
  case absorb
  /// Deliver only what the budget and reserve cover; the rest is unmet need.
  case ration
}

/// What the overspend target α (and with it the recommendation) is judged on. Budgets
/// balance every year, so a margin that meets α over the horizon total may not in a year.
public enum OverspendRule: String, Sendable, CaseIterable {
  /// P(the horizon's total cost of need > its total budget) ≤ α.
  case horizon
  /// P(any budget year overspends) ≤ α: every year balances, together, with probability ≥ 1 − α.
  case everyYear = "every_year"
  /// max over budget years of P(that year overspends) ≤ α: the worst single year.
  case worstYear = "worst_year"

  /// What the rule bounds, in words for headlines.
  public var probabilityName: String {
    switch self {
    case .horizon: "P(horizon total overspends)"
    case .everyYear: "P(any year overspends)"
    case .worstYear: "P(overspend) in the worst year"
    }
  }
}

/// One pool's own provider rules; nil fields follow the scenario-wide ones.
public struct PoolRule: Sendable, Equatable {
  public var response: ProviderResponse?
  public var reserveShare: Double?
  public var rationingOrder: RationingOrder?
  /// The pool's own service-gap target: its P(unmet share > g) must be at most this, besides
  /// the scenario's targets, for any margin recommended or solved over a scope holding it.
  public var serviceGapTarget: Double?
  public init(
    response: ProviderResponse? = nil, reserveShare: Double? = nil, rationingOrder: RationingOrder? = nil,
    serviceGapTarget: Double? = nil
  ) {
    self.response = response; self.reserveShare = reserveShare; self.rationingOrder = rationingOrder
    self.serviceGapTarget = serviceGapTarget
  }
}

public enum RationingOrder: String, Sendable, CaseIterable {
  /// Cut proactive services first, then reactive ones.
  case proactiveFirst = "proactive_first"
  /// Cut every service by the same fraction.
  case proRata = "pro_rata"
  /// Cut only proactive services; reactive need is always met, even past the budget.
  case reactiveProtected = "reactive_protected"
}
