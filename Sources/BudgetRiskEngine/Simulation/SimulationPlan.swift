import Foundation
import BudgetRiskModel

/// A scenario compiled into everything the engine needs: the one gate between the scenario
/// (the model layer) and the engine, the figures and the studies.
///
/// Built once per run by the throwing initialiser, which also makes every check that
/// simulating needs beyond the scenario's own validation (random-stream limits and keys):
/// `validate`, `explain`, `run`, `compare` and `margin` all build a plan, so they accept and
/// refuse the same files. The plan does not keep the scenario: the per-service cell model,
/// the rows' default parameters, the budget rules, the stream keys and the names the reports
/// print are copied out of it here. Every matrix is row-major. `T` periods, `S` segments,
/// `V` services, `F` factors, `P` pools.
public struct SimulationPlan: Sendable {
  /// The scenario file, the SHA-256 of its bytes as read and its correlation repair, for
  /// the run manifest.
  package let sourcePath: String
  package internal(set) var sourceSHA256: String?
  package let correlationRepair: CorrelationRepair?
  /// The scenario's run defaults (seed, iterations, threads) for the command line.
  package let defaults: RunDefaults
  /// The scenario's name and currency, as the reports print them.
  package let name: String
  package let currency: String
  package let periodLength: PeriodLength
  package let segmentNames: [String]
  package let serviceNames: [String]
  package let interventionNames: [String]
  /// Each service's category (`proactive`, `reactive`, …) as the reports print it.
  package let serviceCategories: [String]
  package let poolNames: [String]
  /// The scenario's inputs in words, written by the model for the report's assumptions.
  public let assumptions: ScenarioAssumptions
  /// The uncertain factors (names and distributions): rows draw their values by inversion.
  package let factors: [Factor]
  /// The budget section: the base, the pools, the responses and every funding rule.
  package let budget: BudgetSpec

  /// The cell model of each service (events or per person, unit cost, severity, noise).
  let serviceCosts: [ServiceCost]
  /// Events per cell up to which severities are summed exactly.
  let exactSumThreshold: Int
  /// A row's parameters before its factors are applied: people and growth per segment,
  /// inflation per service, effect per intervention.
  let segmentPopulation: [Double]
  let segmentGrowth: [Double]
  let serviceInflation: [Double]
  package let interventionEffect: [Double]
  /// Per intervention, its proactive services (whose delivery the feedback follows).
  let interventionProactive: [[Int]]
  package let shocks: [Shock]

  package let periods: Int
  package let segmentCount: Int
  package let serviceCount: Int
  let factorCount: Int
  let poolCount: Int
  package let periodsPerYear: Int
  package let years: Int

  /// Expected events per person per period, `S × V`; zero for per-person services.
  let utilisationPerPeriod: [Double]
  /// Seasonal factor of each service in each period, `T × V` (1 where the service has none).
  let season: [Double]
  /// Lᵀ, `F × F`, where L·Lᵀ is the copula's normal correlation: correlated normals are
  /// independent normals (one row per iteration) times Lᵀ.
  let copulaTransposed: [Double]
  /// The gradient rotation of the factors' normals under RQMC, formed on first use and
  /// shared by the plan's copies (``gradientRotation``).
  let rotationMemo = FactorRotationMemo()
  /// Factors that wander over the horizon, and their innovations' copula (empty: none).
  package let processes: FactorProcesses
  /// One-hot map from services to pool × category columns, `V × 2P`: column `2p` is pool `p`'s
  /// proactive spend, `2p + 1` its reactive spend. Pool totals are one GEMM with it.
  let poolCategoryMap: [Double]
  package let poolOfService: [Int]
  let isProactive: [Bool]
  /// Services whose rates some intervention reduces.
  let isTarget: [Bool]
  /// Per service, the interventions targeting it (ascending); their ramp per period,
  /// `interventions × T`; and their lags. The cell loop reads these, not the scenario.
  package let interventionsTargeting: [[Int]]
  let interventionRamp: [Double]
  /// The reach's slope in the spillover, `interventions × T`, and the spillover each
  /// intervention's ramp holds (an `intervention_spillover` factor's mean), `interventions`:
  /// a row with spillover `σ` has reach `ramp + (σ − spilloverInRamp)·slope`.
  let interventionSpilloverSlope: [Double]
  let interventionSpilloverInRamp: [Double]
  let interventionLag: [Int]
  /// Whether intervention `k` reaches segment `s`, `interventions × S` (all true without
  /// recipients); and per service, whether some intervention targeting it has recipients (its
  /// multiplier is then mixed over the segments by their share of its demand).
  let interventionReaches: [Bool]
  let targetedByRecipients: [Bool]
  /// Programmes with a cost per recipient or a fixed cost: per intervention, the service
  /// charged (nil: none), its recipient segments, and per period (`interventions × T`) the
  /// cost per person of those segments `a(t)·c(t)·cost/ppy` and the fixed cost `fixed/ppy`,
  /// before the service's price (see ``Recipients``).
  let programmeService: [Int?]
  let programmeSegments: [[Int]]
  let programmePerPerson: [Double]
  let programmeFixed: [Double]
  /// For per-person services, the segments whose people carry the spend; empty otherwise.
  let perPersonSegments: [[Int]]
  let factorEffects: [FactorEffect]
  /// Services each shock multiplies, as flags `shocks × V`.
  let shockHits: [Bool]
  /// Whether any intervention can change demand when the provider rations.
  let hasFeedback: Bool
  /// Random stream keys (``StreamID/key(_:)``) of each service, factor and shock, from their
  /// names: designs that share an input draw the same numbers for it.
  let serviceStreamKey: [UInt32]
  /// Per service, the first cell of the file's service it is a cell of (itself unless pools
  /// over segments split the service): cells of one service share its year count's
  /// dispersion. `splitsServices`: whether any service is split.
  let dispersionCell: [Int]
  package let splitsServices: Bool
  /// The number of services in the file (the cells of a split service count once).
  package var fileServiceCount: Int { dispersionCell.indices.filter { dispersionCell[$0] == $0 }.count }
  let factorStreamKey: [UInt32]
  let shockStreamKey: [UInt32]

  /// The analytic expected cost of need.
  package let expected: ExpectedCost
  /// The expected cost of need attributed to each segment, `S × T` (for `explain`).
  package let expectedSegmentCost: [Double]
  /// Deterministic base budget per pool per period, `P × T` (capitation: at expected population).
  package let expectedBase: [Double]
  /// Within-year profile of each pool's base budget, `P × T` (each year's entries sum to 1).
  package let profile: [Double]
  /// The provider's reserve per pool, in money.
  package let reserve: [Double]
  /// Per pool: a response fixed by `pool_rules` (nil: the evaluated one), and the rationing order.
  package let poolResponse: [ProviderResponse?]
  package let poolRationingOrder: [RationingOrder]
  /// Whether a pool rations under every evaluation while feedback can make the cost of need
  /// depend on the budget: then no evaluation shares another's cost of need.
  package var costDependsOnBudgetUnderAbsorb: Bool { hasFeedback && poolResponse.contains(.ration) }
  /// The proposed budgets, in the scenario's order.
  package let proposals: [ProposedBudget]
  /// Under a capitation base, its rate per pool per person per year and the segments it pays
  /// for: margins then follow the population realised in each iteration.
  package let capitationRates: [Double]?
  let capitationSegments: [Int]
  /// Reported scopes: each pool, then the total when there is more than one pool.
  package let scopes: [Scope]

  package struct Scope: Sendable, Equatable {
    package var name: String
    /// Pools summed in this scope.
    package var pools: [Int]
    /// Expected horizon base budget of the scope: money figures are accumulated divided by it.
    package var reference: Double
  }

  /// Compiles `scenario`, refusing (with the file's name) what the engine cannot simulate.
  public init(_ scenario: Scenario) throws(ScenarioValidationError) {
    let issues = Self.streamIssues(scenario)
    guard issues.isEmpty else { throw ScenarioValidationError(issues: issues) }
    let h = scenario.horizon
    sourcePath = scenario.sourcePath; sourceSHA256 = scenario.sourceSHA256
    correlationRepair = scenario.correlation?.repair; defaults = scenario.defaults
    name = scenario.name; currency = scenario.currency; periodLength = h.periodLength
    segmentNames = scenario.segments.map(\.name)
    serviceNames = scenario.services.map(\.name)
    interventionNames = scenario.interventions.map(\.name)
    serviceCategories = scenario.services.map(\.category.rawValue)
    assumptions = ScenarioAssumptions(scenario)
    poolNames = scenario.budget.pools.map(\.name)
    factors = scenario.factors
    budget = scenario.budget
    serviceCosts = scenario.services.map(\.cost)
    exactSumThreshold = scenario.exactSumThreshold
    segmentPopulation = scenario.segments.map(\.population)
    segmentGrowth = scenario.segments.map(\.growth)
    serviceInflation = scenario.services.map(\.inflation)
    interventionEffect = scenario.interventions.map(\.effect)
    interventionProactive = scenario.interventions.map(\.proactive)
    shocks = scenario.shocks
    let T = h.periods, S = scenario.segments.count, V = scenario.services.count
    let P = scenario.budget.pools.count, F = scenario.factors.count
    periods = T; segmentCount = S; serviceCount = V; factorCount = F; poolCount = P
    periodsPerYear = h.periodsPerYear; years = h.budgetYears

    var u = [Double](repeating: 0, count: S * V)
    for s in 0..<S {
      for v in 0..<V { u[s * V + v] = scenario.utilisation[s][v] / Double(h.periodsPerYear) }
    }
    utilisationPerPeriod = u

    var seasonal = [Double](repeating: 1, count: T * V)
    for (v, service) in scenario.services.enumerated() {
      guard let profile = service.seasonality else { continue }
      for t in 0..<T { seasonal[t * V + v] = profile[h.seasonIndex(ofPeriod: t)] }
    }
    season = seasonal

    let lower = CorrelationMatrix.gaussianCopulaFactor(
      spearman: scenario.correlation?.spearman ?? SimulationPlan.identity(F), count: F)
    var lt = [Double](repeating: 0, count: F * F)
    for i in 0..<F { for j in 0..<F { lt[j * F + i] = lower[i * F + j] } }
    copulaTransposed = lt

    var pools = [Int](repeating: 0, count: V)
    for (p, pool) in scenario.budget.pools.enumerated() { for v in pool.services { pools[v] = p } }
    poolOfService = pools
    isProactive = scenario.services.map { $0.category == .proactive }
    isTarget = (0..<V).map { v in scenario.interventions.contains { $0.targets.contains(v) } }
    interventionsTargeting = (0..<V).map { v in
      scenario.interventions.indices.filter { scenario.interventions[$0].targets.contains(v) }
    }
    interventionLag = scenario.interventions.map(\.lag)
    interventionReaches = scenario.interventions.flatMap { i in (0..<S).map { i.reaches(segment: $0) } }
    targetedByRecipients = (0..<V).map { v in
      scenario.interventions.contains { $0.targets.contains(v) && $0.recipients != nil }
    }
    var map = [Double](repeating: 0, count: V * 2 * P)
    for v in 0..<V { map[v * 2 * P + 2 * pools[v] + (isProactive[v] ? 0 : 1)] = 1 }
    poolCategoryMap = map
    perPersonSegments = scenario.services.map {
      if case .perPerson(let segments, _, _) = $0.cost { return segments } else { return [] }
    }
    factorEffects = scenario.factors.map { FactorEffect($0.role) }
    var hits = [Bool](repeating: false, count: scenario.shocks.count * V)
    for (k, shock) in scenario.shocks.enumerated() { for v in shock.services { hits[k * V + v] = true } }
    shockHits = hits
    hasFeedback = !scenario.interventions.isEmpty
    serviceStreamKey = scenario.services.map { StreamID.key($0.name) }
    let fileService = scenario.services.map { $0.cellOf ?? $0.name }
    dispersionCell = fileService.indices.map { v in fileService.firstIndex(of: fileService[v]) ?? v }
    splitsServices = scenario.services.contains { $0.cellOf != nil }
    factorStreamKey = scenario.factors.map { StreamID.key($0.name) }
    shockStreamKey = scenario.shocks.map { StreamID.key($0.name) }

    // The copula's normal correlation L·Lᵀ, for the expectation of correlated factors.
    var normalCorrelation = [Double](repeating: 0, count: F * F)
    for i in 0..<F {
      for j in 0..<F {
        var sum = 0.0
        for k in 0..<F { sum += lower[i * F + k] * lower[j * F + k] }
        normalCorrelation[i * F + j] = i == j ? 1 : sum
      }
    }
    processes = FactorProcesses(scenario, normalCorrelation: normalCorrelation)
    let expected = ExpectedCost(scenario, correlation: normalCorrelation)
    self.expected = expected
    let atMean = scenario.interventionsAtMeanSpillover
    let schedules = atMean.map {
      $0.schedule(periods: T, periodsPerYear: h.periodsPerYear, expectedPopulation: expected.population)
    }
    // Reach is affine in the spillover (``Recipients``): its slope, the reach at spillover 1
    // less that at 0, moves a row's reach with its own spillover draw.
    let spillover = atMean.map { $0.recipients?.spillover ?? 0 }
    let slope = atMean.flatMap { i -> [Double] in
      guard var r = i.recipients else { return [Double](repeating: 0, count: T) }
      var at0 = i, at1 = i
      r.spillover = 0; at0.recipients = r
      r.spillover = 1; at1.recipients = r
      let lo = at0.schedule(periods: T, periodsPerYear: h.periodsPerYear, expectedPopulation: expected.population).reach
      let hi = at1.schedule(periods: T, periodsPerYear: h.periodsPerYear, expectedPopulation: expected.population).reach
      return zip(hi, lo).map { $0 - $1 }
    }
    interventionRamp = schedules.flatMap(\.reach)
    interventionSpilloverSlope = slope
    interventionSpilloverInRamp = spillover
    programmeService = scenario.interventions.map { i in
      guard let r = i.recipients, r.costPerRecipient > 0 || r.fixedCost > 0 else { return nil }
      return i.proactive.first
    }
    programmeSegments = scenario.interventions.map { $0.recipients?.segments ?? [] }
    let ppy = Double(h.periodsPerYear)
    programmePerPerson = zip(scenario.interventions, schedules).flatMap { i, schedule in
      (0..<T).map { t in i.enrolment(atPeriod: t) * schedule.coverage[t] * (i.recipients?.costPerRecipient ?? 0) / ppy }
    }
    programmeFixed = scenario.interventions.flatMap { i in
      (0..<T).map { i.fixedCost(atPeriod: $0, periodsPerYear: h.periodsPerYear) }
    }
    expectedSegmentCost = expected.costBySegment(scenario)
    var base = [Double](repeating: 0, count: P * T)
    var prof = [Double](repeating: 0, count: P * T)
    for p in 0..<P {
      for y in 0..<years {
        let range = (y * h.periodsPerYear)..<((y + 1) * h.periodsPerYear)
        let yearCost = range.reduce(0) { $0 + expected.poolCost[p * T + $1] }
        for t in range {
          let share = yearCost > 0
            ? expected.poolCost[p * T + t] / yearCost : 1 / Double(h.periodsPerYear)
          prof[p * T + t] = share
          switch scenario.budget.base {
          case .expected: base[p * T + t] = expected.poolCost[p * T + t]
          case .fixed(let amounts): base[p * T + t] = amounts[p][y] * share
          case .capitation(let rates, let segments):
            let people = segments.reduce(0) { $0 + expected.population[$1 * T + t] }
            base[p * T + t] = ProposedBudget.capitation(rate: rates[p], periodsPerYear: h.periodsPerYear, people: people)
          }
        }
      }
    }
    expectedBase = base
    profile = prof
    reserve = (0..<P).map { p in
      let horizonBase = (0..<T).reduce(0) { $0 + base[p * T + $1] }
      return (scenario.budget.poolRules[p]?.reserveShare ?? scenario.budget.reserveShare) * horizonBase / Double(h.budgetYears)
    }
    poolResponse = (0..<P).map { scenario.budget.poolRules[$0]?.response }
    poolRationingOrder = (0..<P).map { scenario.budget.poolRules[$0]?.rationingOrder ?? scenario.budget.rationingOrder }

    proposals = scenario.budget.proposals.map(ProposedBudget.init)
    if case .capitation(let rates, let segments) = scenario.budget.base {
      capitationRates = rates; capitationSegments = segments
    } else {
      capitationRates = nil; capitationSegments = []
    }
    func reference(_ pools: [Int]) -> Double {
      let total = pools.reduce(0.0) { acc, p in acc + (0..<T).reduce(0) { $0 + base[p * T + $1] } }
      return total > 0 ? total : 1
    }
    var scopes = scenario.budget.pools.enumerated().map { p, pool in
      Scope(name: pool.name, pools: [p], reference: reference([p]))
    }
    if P > 1 { scopes.append(Scope(name: "total", pools: Array(0..<P), reference: reference(Array(0..<P)))) }
    self.scopes = scopes
  }

  package static func identity(_ n: Int) -> [Double] {
    var m = [Double](repeating: 0, count: n * n)
    for i in 0..<n { m[i * n + i] = 1 }
    return m
  }
}
