import Foundation
import BudgetRiskModel
import BudgetRiskNumerics

/// The limits of what the engine can compute with, checked on the compiled plan.
///
/// Every number of a scenario is already in the loader's envelope (0, or 1e-12 to 1e15 in
/// size). What the envelope cannot see is their products: people × rate × unit cost ×
/// factors × growth compounded over the horizon, set against the budget. The engine keeps
/// money divided by a scope's reference budget in ``ExactSum`` and sums its squares, so a
/// relative figure must stay below 2⁴⁰ (`ExactSum` holds |x| < 2⁸⁰) and a raw money total
/// (the risk share's) below about 1e24. The rules below keep a wide margin under both:
///
/// - each pool's base budget is positive in every budget year (overspend is a share of it);
/// - the expected cost of need and the base budget are finite, and at most
///   ``maximumMoney`` over the horizon;
/// - the cost at the factors' extreme quantiles (probability 1e−9 either side, compounded
///   over the horizon for growth and inflation, with every shock on, and each factor
///   process at the same tail of its spread at the horizon's end) is at most
///   ``maximumRatio`` times the pool's base budget, and at most ``maximumMoney``;
/// - every proposal's amounts are at most ``maximumRatio`` times the pool's base budget.
///
/// A file that passes runs; one that fails is refused by `validate` with the key to change.
/// (A draw beyond the 1e−9 quantiles of several factors at once could still exceed the
/// range; the engine then stops with an error, never a trap: see ``Engine``.)
extension SimulationPlan {
  /// Relative figures (cost ÷ budget) at most 2³⁰ ≈ 1.1e9: their squares stay below 2⁶⁰.
  static let maximumRatio = 0x1p30
  /// Money over the horizon, per pool, at most 1e18 (1e7 iterations then sum below 1e25).
  static let maximumMoney = 1e18
  /// The tail probability at which a factor's extremes are taken.
  static let extremeTail = 1e-9

  /// A limit that a scenario breaks, with the key path to change.
  struct LimitProblem: Equatable {
    package var path: String
    package var message: String
  }

  /// Every limit `scenario` breaks (empty when the engine can run it).
  static func limitProblems(_ scenario: Scenario) -> [LimitProblem] {
    let h = scenario.horizon
    // What the engine's random streams can address: the plan's own rule, here so that the
    // loader reports it at its key and line.
    let streams = streamIssues(scenario)
    guard streams.isEmpty, let plan = try? SimulationPlan.compiled(scenario) else {
      return streams.map { LimitProblem(path: $0.path, message: $0.message) }
    }
    var problems: [LimitProblem] = []
    let T = plan.periods, ppy = h.periodsPerYear
    let spread = factorSpread(scenario)
    for (p, pool) in scenario.budget.pools.enumerated() {
      let cost = (0..<T).reduce(0.0) { $0 + plan.expected.poolCost[p * T + $1] }
      let base = (0..<T).reduce(0.0) { $0 + plan.expectedBase[p * T + $1] }
      let name = "'\(pool.name)'"
      guard cost.isFinite, cost <= maximumMoney else {
        problems.append(LimitProblem(
          path: "segments",
          message: "the expected cost of pool \(name) over the horizon is \(describe(cost)); at most \(describe(maximumMoney)) is supported (check population, utilisation, unit_cost, growth, inflation and any factor process's sigma)"))
        continue
      }
      guard base.isFinite, base <= maximumMoney else {
        problems.append(LimitProblem(
          path: "budget", message: "the base budget of pool \(name) over the horizon is \(describe(base)); at most \(describe(maximumMoney)) is supported"))
        continue
      }
      for y in 0..<h.budgetYears {
        let year = (y * ppy..<(y + 1) * ppy).reduce(0.0) { $0 + plan.expectedBase[p * T + $1] }
        if !(year > 0) {
          problems.append(LimitProblem(
            path: "budget.base",
            message: "the base budget of pool \(name) is 0 in budget year \(y + 1) (its expected cost is 0 there); overspend is a share of the budget, so the budget must be positive"))
          break
        }
      }
      guard base > 0 else { continue }
      if cost / base > maximumRatio {
        problems.append(LimitProblem(
          path: "budget", message: "the expected cost of pool \(name) is \(describe(cost / base)) times its base budget; at most \(describe(maximumRatio)) times is supported"))
        continue
      }
      let services = Set(pool.services)
      let (logWorst, culprit) = spread(services)
      if log(max(cost, .leastNormalMagnitude) / base) + logWorst > log(maximumRatio)
        || log(max(cost, .leastNormalMagnitude)) + logWorst > log(maximumMoney)
      {
        problems.append(LimitProblem(
          path: culprit ?? "uncertainty",
          message: "at its extreme (probability 1e-9) the cost of pool \(name) reaches \(describe(exp(log(max(cost, .leastNormalMagnitude)) + logWorst))), \(describe(exp(log(max(cost, .leastNormalMagnitude) / base) + logWorst))) times its base budget; at most \(describe(maximumRatio)) times (and \(describe(maximumMoney))) is supported: narrow this spread"))
      }
      for (k, proposal) in scenario.budget.proposals.enumerated() {
        guard case .amounts(let label, let annual) = proposal else { continue }
        // Each budget year balances on its own, so each year's amount is held to its own cost.
        for (y, amount) in annual[p].enumerated() {
          let yearCost = (y * ppy..<(y + 1) * ppy).reduce(0.0) { $0 + plan.expected.poolCost[p * T + $1] }
          guard amount / base > maximumRatio || yearCost / amount > maximumRatio || amount / yearCost > maximumRatio else { continue }
          let margins = scenario.budget.proposals.filter { if case .margin = $0 { true } else { false } }.count
          problems.append(LimitProblem(
            path: "budget.proposals[\(k - margins)].annual.\(pool.name)",
            message: "proposal '\(label)' gives pool \(name) \(describe(amount)) in budget year \(y + 1) against an expected cost of \(describe(yearCost)) there; the ratio must lie within \(describe(maximumRatio)) either way"))
          break
        }
      }
    }
    return problems
  }

  /// For a set of services: the log of the largest factor by which the cost can exceed its
  /// expectation at the factors' extreme quantiles and with every shock on, and the key path
  /// of the widest contributor.
  private static func factorSpread(_ scenario: Scenario) -> (Set<Int>) -> (Double, String?) {
    let years = Double(scenario.horizon.budgetYears)
    // Per factor: (log of its worst ratio to the mean, services it touches, path).
    var terms: [(log: Double, services: Set<Int>, path: String)] = []
    let segmentServices: (Int) -> Set<Int> = { s in
      Set(scenario.services.indices.filter { v in
        if case .perPerson(let segments, _, _) = scenario.services[v].cost, segments.contains(s) { return true }
        return scenario.utilisation[s][v] > 0
      })
    }
    for (i, factor) in scenario.factors.enumerated() {
      let d = factor.distribution
      let lo = d.quantile(extremeTail), hi = d.quantile(1 - extremeTail), mean = d.mean
      let widest = max(abs(lo), abs(hi))
      var services: Set<Int> = []
      var ratio: Double
      switch factor.role {
      case .serviceRateMultiplier(let v), .unitCostMultiplier(let v):
        services = Set(v); ratio = widest / max(abs(mean), 1e-12)
      case .segmentRateMultiplier(let s), .populationMultiplier(let s):
        for x in s { services.formUnion(segmentServices(x)) }
        ratio = widest / max(abs(mean), 1e-12)
      case .inflation(let v):
        services = Set(v); ratio = pow((1 + widest) / max(1 + mean, 1e-12), years)
      case .growth(let s):
        for x in s { services.formUnion(segmentServices(x)) }
        ratio = pow((1 + widest) / max(1 + mean, 1e-12), years)
      case .interventionEffect(let k):
        for x in k { services.formUnion(scenario.interventions[x].targets) }
        ratio = (1 - min(lo, 0)) / max(1 - max(mean, 0), 1e-12)
      case .interventionSpillover(let k):
        // A share in [0, 1] of an effect whose own range the effect's term bounds.
        for x in k { services.formUnion(scenario.interventions[x].targets) }
        ratio = 1
      }
      let logRatio = ratio.isNaN ? .infinity : log(max(ratio, 1))
      terms.append((logRatio, services, "uncertainty.factors[\(i)].distribution"))
      // A process multiplies by exp(X), X normal with the spread at the horizon's end (a
      // walk's grows with t): its extreme is the same tail quantile of that normal.
      if let process = factor.process {
        var compounded = false
        if case .inflation = factor.role { compounded = true }
        var spread = process.horizonSpread(
          periods: scenario.horizon.periods, periodsPerYear: scenario.horizon.periodsPerYear, compounded: compounded)
        // A growth process's deviation of the last period's people, Dₜ.
        if case .growth = factor.role {
          spread = process.growthSpread(periods: scenario.horizon.periods, periodsPerYear: scenario.horizon.periodsPerYear)
        }
        terms.append((StandardNormal.quantile(1 - extremeTail) * spread, services, "uncertainty.factors[\(i)].process.sigma"))
      }
    }
    for (k, shock) in scenario.shocks.enumerated() {
      terms.append((log(max(shock.multiplier, 1)), Set(shock.services), "shocks[\(k)].multiplier"))
    }
    return { services in
      let hit = terms.filter { !$0.services.isDisjoint(with: services) }
      let total = hit.reduce(0.0) { $0 + $1.log }
      return (total, hit.max { $0.log < $1.log }?.path)
    }
  }

  /// A magnitude for a message: `1.2e+21`, `3.4 million`.
  private static func describe(_ x: Double) -> String {
    guard x.isFinite else { return "not a finite number" }
    return String(format: abs(x) >= 1e6 ? "%.3g" : "%.6g", x)
  }
}
