import Foundation
import BudgetRiskNumerics
import BudgetRiskModel
import BudgetRiskEngine

/// What `budget-risk margin` is asked to find.
public struct MarginRequest: Sendable, Equatable {
  /// α: P(overspend) at the margin must be at most this.
  public var overspendTarget: Double
  /// β: if set, P(service gap) at the margin must be at most this too.
  public var serviceGapTarget: Double?
  /// The responses to solve for, one answer each; empty: the scenario's responses.
  public var responses: [ProviderResponse]
  /// The scope (a pool's name or `total`); nil: the total, or the only pool.
  public var scope: String?
  /// Batches until the margin's 95 % half-width is at most this much (nil: one batch).
  public var precision: PrecisionTarget?
  public var method: MarginMethod
  /// What α bounds (the horizon total, every year or the worst year); nil: the scenario's
  /// `budget.overspend_rule`.
  public var overspendRule: OverspendRule?
  /// P(service gap) targets per category (proactive, reactive), each met besides β; nil: the
  /// scenario's `budget.service_gap_targets`.
  public var categoryGapTargets: [Double?]?

  public init(
    overspendTarget: Double, serviceGapTarget: Double? = nil, responses: [ProviderResponse] = [],
    scope: String? = nil, precision: PrecisionTarget? = nil, method: MarginMethod = .automatic,
    overspendRule: OverspendRule? = nil, categoryGapTargets: [Double?]? = nil
  ) {
    self.overspendTarget = overspendTarget; self.serviceGapTarget = serviceGapTarget
    self.responses = responses; self.scope = scope; self.precision = precision; self.method = method
    self.overspendRule = overspendRule; self.categoryGapTargets = categoryGapTargets
  }

  /// Category `c`'s gap target, if one is set.
  func categoryTarget(_ c: Int) -> Double? {
    guard let targets = categoryGapTargets, c < targets.count else { return nil }
    return targets[c]
  }
}

/// How the margin is solved.
public enum MarginMethod: String, Sendable, Equatable {
  /// Order statistics for `absorb`, the search for `ration`.
  case automatic
  /// The search for every response (for checking the order-statistic answer).
  case search
}

public enum MarginSolverError: Error, CustomStringConvertible, Equatable {
  case invalid(String)
  /// The scenario cannot be simulated (``SimulationPlan/init(_:)`` refused it).
  case scenario(ScenarioValidationError)
  /// Stopped by the caller's `cancel` after `completed` iterations of the current pass.
  case cancelled(completed: Int)

  public var description: String {
    switch self {
    case .invalid(let message): return message
    case .scenario(let error): return error.description
    case .cancelled(let n): return "interrupted after \(n) iterations"
    }
  }
}

/// The contingency solver: the smallest continuous margin m such that
/// P(cost of need > base × (1 + m)) ≤ α (and, if asked, P(service gap) ≤ β), with a 95 %
/// interval, per provider response, for one scope.
///
/// The overspend event is the scenario's ``OverspendRule``: the horizon total's, any budget
/// year's (P(any year overspends) ≤ α) or the worst year's (every year's P(overspend) ≤ α).
/// Per-category gap targets (`budget.service_gap_targets`) are met besides β.
///
/// - **absorb** (need always met, so the overspend event is `R > m` with
///   R = cost of need / base − 1): the answer is the sample (1 − α) quantile of R, read from
///   a histogram of 1e−4 bins, with its distribution-free order-statistic interval
///   (``LogLinearQuantiles/quantileInterval(_:confidence:)``). Under absorb nothing goes unmet,
///   so a service-gap target is always met.
/// - **ration**, and a yearly rule under either response (a year's overspend is not a quantile
///   of one ratio: carried-forward underspend and rebasing move later years' budgets):
///   ``MarginSearch`` on
///   common random numbers. The point is the smallest m with P̂(m) ≤ α; the interval is a
///   test-inversion interval: its ends are the margins where the 95 % Wilson upper and lower
///   bounds of P(overspend | m) fall to α — the margins not rejected by a 95 % test of
///   P(overspend | m) = α. With a gap target the same is done for P(service gap | m) and β,
///   and each end is the larger of the two.
///
/// With a ``PrecisionTarget`` each response runs in batches (n₀, 2n₀, 4n₀, …) until its
/// margin's half-width is at most the target. Absorb batches are shards merged exactly;
/// the search is re-run over all iterations of the grown run. Either way the figures after a
/// batch are exactly those of one solve at that iteration count.
public enum MarginSolver {
  public static func solve(
    _ scenario: Scenario, request: MarginRequest, options: RunOptions,
    progress: MarginProgress? = nil, cancel: (@Sendable () -> Bool)? = nil
  ) throws(MarginSolverError) -> MarginFigures {
    let plan: SimulationPlan
    do { plan = try SimulationPlan(scenario) } catch { throw .scenario(error) }
    return try solve(plan, request: request, options: options, progress: progress, cancel: cancel)
  }

  /// Solves on a compiled plan: every pass evaluates its candidate margins on this one plan
  /// (the budgets are an input of each pass), never a rewritten scenario.
  public static func solve(
    _ plan: SimulationPlan, request: MarginRequest, options: RunOptions,
    progress: MarginProgress? = nil, cancel: (@Sendable () -> Bool)? = nil
  ) throws(MarginSolverError) -> MarginFigures {
    try validate(request, options: options)
    do { try Engine.check(options.sampling, options: options, plan: plan) } catch { throw .invalid(error.description) }
    var request = request
    let rule = request.overspendRule ?? plan.budget.overspendRule
    request.overspendRule = rule
    request.categoryGapTargets = request.categoryGapTargets ?? plan.budget.categoryGapTargets
    let scope = try scopeIndex(request.scope, plan: plan)
    let responses = request.responses.isEmpty ? plan.budget.responses : request.responses
    var results = [MarginResult]()
    for response in responses {
      let solver = ResponseSolver(
        plan: plan, request: request, options: options, scope: scope, response: response,
        progress: progress, cancel: cancel)
      results.append(try solver.solve())
    }
    return MarginFigures(
      scenario: plan.name, currency: plan.currency, seed: options.seed,
      firstIteration: options.firstIteration, periods: plan.periods, budgetYears: plan.years,
      overspendTarget: request.overspendTarget, serviceGapTarget: request.serviceGapTarget,
      serviceGapThreshold: plan.budget.serviceGapThreshold,
      precision: request.precision?.halfWidth, maxIterations: request.precision?.maxIterations,
      largestMarginSearched: MarginSearch.initialGrid.last!, results: results, overspendRule: rule.rawValue,
      sampling: MarginSampling(options.sampling))
  }

  package static func validate(_ request: MarginRequest, options: RunOptions) throws(MarginSolverError) {
    guard request.overspendTarget > 0, request.overspendTarget < 1 else {
      throw .invalid("--overspend-at-most must lie strictly between 0 and 1, found \(request.overspendTarget)")
    }
    if let beta = request.serviceGapTarget, !(beta > 0 && beta < 1) {
      throw .invalid("--gap-at-most must lie strictly between 0 and 1, found \(beta)")
    }
    for case let beta? in request.categoryGapTargets ?? [] where !(beta > 0 && beta < 1) {
      throw .invalid("a service-gap target per category must lie strictly between 0 and 1, found \(beta)")
    }
    guard options.iterations >= 1 else { throw .invalid("--iterations must be at least 1, found \(options.iterations)") }
    guard options.threads >= 1 else { throw .invalid("--threads must be at least 1, found \(options.threads)") }
    do { try request.precision?.validate(firstBatch: options.iterations) } catch { throw .invalid(error.description) }
  }

  /// The scope's index: by name, else the last scope (the total, or the only pool).
  static func scopeIndex(_ name: String?, plan: SimulationPlan) throws(MarginSolverError) -> Int {
    guard let name else { return plan.scopes.count - 1 }
    if let s = plan.scopes.firstIndex(where: { $0.name == name }) { return s }
    let names = plan.scopes.map(\.name)
    throw .invalid("--scope: no pool or total named '\(name)'; expected one of: \(names.joined(separator: ", "))")
  }
}

/// One response's solve, batch by batch.
struct ResponseSolver {
  package let plan: SimulationPlan
  package let request: MarginRequest
  package let options: RunOptions
  package let scope: Int
  package let response: ProviderResponse
  package let progress: MarginProgress?
  package let cancel: (@Sendable () -> Bool)?
  /// Passes made so far, for the progress label.
  private let passes = PassCounter()

  var rule: OverspendRule { request.overspendRule ?? plan.budget.overspendRule }

  /// The order statistic reads the horizon's ratio: only the horizon rule under absorb.
  var usesOrderStatistics: Bool {
    response == .absorb && request.method == .automatic && rule == .horizon && poolTargets.isEmpty
  }

  /// The search's targets: the overspend rule's, then (under ration) the service gap's and
  /// each category's that is set; nothing goes unmet under absorb, so gap targets are met there.
  var targets: [MarginTarget] {
    let rule = rule
    var overspend = MarginTarget(name: "overspend", target: request.overspendTarget, counter: { $0.overspent(by: rule) })
    if rule == .worstYear {
      overspend.replicate = { (pooled: MarginSearch.Counts, r: MarginSearch.Counts) -> ProportionCounter in
        guard let y = ProportionCounter.worstYearIndex(pooled.overspentByYear) else { return r.overspent }
        return r.overspentByYear[y]
      }
    }
    var targets = [overspend]
    for (p, beta) in poolTargets {
      targets.append(MarginTarget(name: "\(plan.poolNames[p]) gap", target: beta, counter: { $0.poolGap[p] }))
    }
    guard response != .absorb else { return targets }
    if let beta = request.serviceGapTarget { targets.append(MarginTarget(name: "service gap", target: beta, counter: { $0.serviceGap })) }
    for (c, category) in ServiceCategory.allCases.enumerated() {
      guard let beta = request.categoryTarget(c) else { continue }
      targets.append(MarginTarget(name: "\(category.rawValue) gap", target: beta, counter: { $0.categoryGap[c] }))
    }
    return targets
  }

  /// The scope's pools with their own gap target (`pool_rules`) that ration under this
  /// response (their own, or the evaluated one), in pool order: a pool that absorbs leaves
  /// nothing unmet and meets its target.
  var poolTargets: [(pool: Int, target: Double)] {
    plan.scopes[scope].pools.compactMap { p in
      guard (plan.poolResponse[p] ?? response) == .ration else { return nil }
      return plan.budget.poolRules[p]?.serviceGapTarget.map { (p, $0) }
    }
  }

  package func solve() throws(MarginSolverError) -> MarginResult {
    var total = options.iterations
    var ratios = ReplicateRatios(replicates: replicated ? options.sampling.replicates : 0)
    var done = 0
    while true {
      let estimate: MarginEstimate
      if usesOrderStatistics {
        try simulateRatios(from: done, to: total, into: &ratios)
        estimate =
          replicated ? replicateEstimate(ratios) : MarginEstimate.orderStatistic(ratios.all, target: request.overspendTarget)
      } else {
        estimate = try search(iterations: total)
      }
      done = total
      let reached = request.precision.map { (estimate.halfWidth ?? .infinity) <= $0.halfWidth }
      if let precision = request.precision, reached == false,
        let next = nextTotal(after: total, achieved: estimate.halfWidth ?? .infinity, precision)
      {
        total = next
        continue
      }
      return result(estimate, iterations: total, reached: reached)
    }
  }

  /// Adds R for iterations `start..<end` (relative to the run's first iteration) to `ratios`.
  private func simulateRatios(from start: Int, to end: Int, into ratios: inout ReplicateRatios) throws(MarginSolverError) {
    let plan = plan, scope = scope, sampling = options.sampling
    let workers = try run(plan, from: start, to: end) { ReturnRatioWorker(plan: plan, scope: scope, sampling: sampling) }
    for w in workers { ratios.merge(w) }
    guard ratios.all.nonFiniteCount == 0 else {
      throw .invalid("the simulation produced \(ratios.all.nonFiniteCount) non-finite cost ratios; no margin is reported")
    }
  }

  /// The search over margins at `iterations` iterations.
  private func search(iterations: Int) throws(MarginSolverError) -> MarginEstimate {
    let targets = targets
    let replicated = replicated
    let criteria = targets.flatMap { MarginEstimate.criteria($0, replicated: replicated) }
    var search = MarginSearch()
    let crossings: [MarginSearch.Crossing]
    do {
      crossings = try search.run(criteria) { candidates in try evaluate(candidates, iterations: iterations) }
    } catch let error as MarginSolverError {
      throw error
    } catch {
      throw .invalid("\(error)")
    }
    return MarginEstimate.fromSearch(search, crossings: crossings, targets: targets)
  }

  private func evaluate(_ candidates: [Double], iterations: Int) throws(MarginSolverError) -> [MarginSearch.Counts] {
    let plan = plan, scope = scope, response = response, byYear = rule != .horizon
    let poolGaps = !poolTargets.isEmpty, sampling = options.sampling
    let evaluations = candidates.map { Evaluation(budget: ProposedBudget(margin: $0), response: response) }
    let workers = try run(plan, from: 0, to: iterations) {
      MarginSearchWorker(
        plan: plan, candidates: evaluations, scope: scope, byYear: byYear, poolGaps: poolGaps, sampling: sampling)
    }
    var counts = Array(
      repeating: MarginSearch.Counts(
        years: byYear ? plan.years : 0, pools: poolGaps ? plan.poolNames.count : 0,
        replicates: replicated ? sampling.replicates : 0),
      count: candidates.count)
    for w in workers {
      for k in counts.indices { counts[k].merge(w.counts[k]) }
    }
    return counts
  }

  /// Runs workers over iterations `start..<end` of the run (a shard of it).
  private func run<Worker: TileWorker>(
    _ plan: SimulationPlan, from start: Int, to end: Int, makeWorker: @Sendable () -> Worker
  ) throws(MarginSolverError) -> [Worker] {
    guard end > start else { return [] }
    var shard = options
    shard.firstIteration = options.firstIteration + start
    shard.iterations = end - start
    progress?.beginPass("\(response.rawValue), pass \(passes.next())", shard.iterations)
    let (workers, completed) = ParallelTiles.run(
      options: shard, progress: progress?.advance, cancel: cancel, makeWorker: makeWorker)
    guard completed == shard.iterations else { throw .cancelled(completed: completed) }
    return workers
  }

  private func result(_ e: MarginEstimate, iterations: Int, reached: Bool?) -> MarginResult {
    let years = Double(plan.years)
    let scopeInfo = plan.scopes[scope]
    func money(_ annualBase: Double) -> MoneyInterval? {
      guard let m = e.margin, let lo = e.lower, let hi = e.upper else { return nil }
      return MoneyInterval(value: annualBase * m, lower: annualBase * lo, upper: annualBase * hi)
    }
    let pools = scopeInfo.pools.map { p -> PoolContingency in
      let base = plan.scopes.first { $0.pools == [p] }!.reference / years
      return PoolContingency(pool: plan.poolNames[p], annualBaseBudget: base, annualContingency: money(base))
    }
    var notes = e.notes
    if reached == false {
      notes.append("the precision target was not reached within \(request.precision!.maxIterations) iterations")
    }
    let categoryTargets = ServiceCategory.allCases.enumerated().compactMap { c, category in
      request.categoryTarget(c).map { target in
        CategoryGapTarget(
          category: category.rawValue, target: target,
          probability: e.categoryGaps.flatMap { c < $0.count ? $0[c] : nil })
      }
    }
    let poolGapTargets = plan.scopes[scope].pools.compactMap { p in
      plan.budget.poolRules[p]?.serviceGapTarget.map { target in
        PoolGapTarget(
          pool: plan.poolNames[p], target: target,
          probability: poolTargets.firstIndex { $0.pool == p }.flatMap { _ in e.poolGaps.flatMap { p < $0.count ? $0[p] : nil } })
      }
    }
    if response == .absorb, request.serviceGapTarget != nil || !categoryTargets.isEmpty {
      notes.append("nothing goes unmet under absorb: the service-gap target is always met")
    }
    if plan.capitationRates != nil {
      notes.append("under capitation the base varies with the realised population; money per year is at the expected population")
    }
    return MarginResult(
      scope: scopeInfo.name, response: response.rawValue,
      method: replicated ? "replicate-test-inversion" : usesOrderStatistics ? "order-statistic" : "test-inversion",
      iterations: UInt64(iterations), margin: e.margin, lower: e.lower, upper: e.upper, halfWidth: e.halfWidth,
      binding: e.binding, resolution: e.resolution, annualBaseBudget: scopeInfo.reference / years,
      annualContingency: money(scopeInfo.reference / years), pools: pools,
      overspendProbability: e.overspend, serviceGapProbability: e.serviceGap,
      precisionReached: reached, notes: notes, curve: e.curve,
      categoryGapTargets: categoryTargets.isEmpty ? nil : categoryTargets,
      poolGapTargets: poolGapTargets.isEmpty ? nil : poolGapTargets,
      overspendInterval: e.overspendInterval, serviceGapInterval: e.serviceGapInterval)
  }
}

/// Progress of a solve: each pass over the iterations is announced with a label and its size,
/// then advanced as tiles finish (from the workers' threads).
public struct MarginProgress: Sendable {
  public var beginPass: @Sendable (String, Int) -> Void
  public var advance: @Sendable (Int) -> Void
  public init(beginPass: @escaping @Sendable (String, Int) -> Void, advance: @escaping @Sendable (Int) -> Void) {
    self.beginPass = beginPass
    self.advance = advance
  }
}

/// Counts a response's passes (the solver is a value type; the count is shared state).
private final class PassCounter: @unchecked Sendable {
  private var count = 0
  func next() -> Int {
    count += 1
    return count
  }
}
