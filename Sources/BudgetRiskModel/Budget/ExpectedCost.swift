import Foundation
import BudgetRiskNumerics

/// The model's expected cost of need, computed analytically (not by simulation).
///
/// Given the factors, each cell's expected cost is a product of one function per factor
/// (a multiplier `x`, a compounded rate `(1 + x)^e`, an intervention effect `1 − x·r`)
/// and known amounts; its expectation over the factors is taken by ``CopulaQuadrature``:
/// factors without a correlation between them separately (the exact mean, or
/// ``FactorQuadrature``), correlated ones jointly over the normal copula, so that
/// `E[XY] = E[X]E[Y] + Cov(X, Y)` is included. Shocks enter through their exact
/// probability of being active, and interventions at full delivery (the expected cost of
/// need when nothing is rationed). Factors with a process (``FactorProcess``) add an exact
/// lognormal factor per cell (``ProcessMoments``).
package struct ExpectedCost: Sendable {
  /// Expected people per segment and period, `S × T`.
  package let population: [Double]
  /// Expected cost of need per service and period, `V × T`.
  package let serviceCost: [Double]
  /// The part of `serviceCost` that is interventions' programme cost (see ``Recipients``), `V × T`.
  package let programmeCost: [Double]
  /// Expected cost of need per pool and period, `P × T`.
  package let poolCost: [Double]

  /// - Parameter correlation: the copula's normal (Pearson) correlation, `F × F`
  ///   (nil: independent factors).
  /// - Parameter keepsTermRows: false takes the copula's terms node by node (the tests'
  ///   reference, see ``CopulaQuadrature``).
  package init(_ scenario: Scenario, correlation: [Double]? = nil, keepsTermRows: Bool = true) {
    let h = scenario.horizon
    let T = h.periods, S = scenario.segments.count, V = scenario.services.count, F = scenario.factors.count
    let K = scenario.interventions.count
    let ppy = Double(h.periodsPerYear)
    let normal = correlation ?? (0..<(F * F)).map { $0 / F == $0 % F ? 1 : 0 }
    let copula = CopulaQuadrature(factors: scenario.factors, correlation: normal, keepsTermRows: keepsTermRows)
    // Factors that wander over the horizon: a lognormal factor per cell (exact, see there).
    let moments = ProcessMoments(scenario, correlation: normal)

    // Which factors act on what; a replaced value (growth, inflation, effect) takes the
    // last factor naming it, as the simulation does.
    var populationFactors = [[Int]](repeating: [], count: S), segmentRateFactors = [[Int]](repeating: [], count: S)
    var serviceRateFactors = [[Int]](repeating: [], count: V), unitCostFactors = [[Int]](repeating: [], count: V)
    var growthFactor = [Int?](repeating: nil, count: S), inflationFactor = [Int?](repeating: nil, count: V)
    var effectFactor = [Int?](repeating: nil, count: K)
    for (f, factor) in scenario.factors.enumerated() {
      switch FactorEffect(factor.role) {
      case .population(let s): for i in s { populationFactors[i].append(f) }
      case .segmentRate(let s): for i in s { segmentRateFactors[i].append(f) }
      case .serviceRate(let v): for i in v { serviceRateFactors[i].append(f) }
      case .unitCost(let v): for i in v { unitCostFactors[i].append(f) }
      case .growth(let s): for i in s { growthFactor[i] = f }
      case .inflation(let v): for i in v { inflationFactor[i] = f }
      case .interventionEffect(let k): for i in k { effectFactor[i] = f }
      // Linear in the cell's rate and independent of the rest (checked): its mean, in the schedules.
      case .interventionSpillover: break
      }
    }
    /// The segment's people at `t` without the population level: its factors and known growth.
    func segmentTerms(_ s: Int, _ t: Int) -> (known: Double, terms: [(factor: Int, term: CopulaQuadrature.Term)]) {
      let years = Double(t) / ppy
      var terms = populationFactors[s].map { (factor: $0, term: CopulaQuadrature.Term.value) }
      var known = 1.0
      if let g = growthFactor[s] { terms.append((g, .compound(years))) } else { known = pow(1 + scenario.segments[s].growth, years) }
      return (known, terms)
    }

    var pop = [Double](repeating: 0, count: S * T)
    for (s, segment) in scenario.segments.enumerated() {
      for t in 0..<T {
        let (known, terms) = segmentTerms(s, t)
        pop[s * T + t] = segment.population * known * copula.expectation(terms) * moments.populationFactor(segment: s, period: t)
      }
    }
    population = pop

    let schedules = scenario.interventionsAtMeanSpillover.map {
      $0.schedule(periods: T, periodsPerYear: h.periodsPerYear, expectedPopulation: pop)
    }
    let targeting = (0..<V).map { v in scenario.interventions.indices.filter { scenario.interventions[$0].targets.contains(v) } }
    /// E[programme cost] of the interventions charging service `v` in period `t`: the
    /// recipients `a(t)·c(t)·N(t)` times the cost per recipient, plus the fixed cost from
    /// `start`, at the service's price (unit-cost factors and inflation, not its season,
    /// shocks or rate factors: a programme's size is its recipients).
    func programmeCost(_ v: Int, _ t: Int) -> Double {
      var total = 0.0
      for (k, intervention) in scenario.interventions.enumerated() where intervention.proactive.first == v {
        guard let r = intervention.recipients, r.costPerRecipient > 0 || r.fixedCost > 0 else { continue }
        let y = Double(h.budgetYear(ofPeriod: t))
        var price = unitCostFactors[v].map { (factor: $0, term: CopulaQuadrature.Term.value) }
        var known = 1.0
        if let i = inflationFactor[v] { price.append((i, .compound(y))) } else { known = pow(1 + scenario.services[v].inflation, y) }
        let enrolled = intervention.enrolment(atPeriod: t) * schedules[k].coverage[t]
        if enrolled > 0 && r.costPerRecipient > 0 {
          for s in r.segments {
            let (people, terms) = segmentTerms(s, t)
            total += enrolled * r.costPerRecipient / ppy * known * scenario.segments[s].population * people
              * copula.expectation(terms + price) * moments.factor(segment: nil, people: s, service: v, period: t, rates: false)
          }
        }
        let fixed = intervention.fixedCost(atPeriod: t, periodsPerYear: h.periodsPerYear)
        if fixed > 0 {
          total += fixed * known * copula.expectation(price) * moments.factor(segment: nil, service: v, period: t, rates: false)
        }
      }
      return total
    }

    var cost = [Double](repeating: 0, count: V * T), programme = [Double](repeating: 0, count: V * T)
    for (v, service) in scenario.services.enumerated() {
      for t in 0..<T {
        let y = Double(h.budgetYear(ofPeriod: t))
        var level = service.seasonality?[h.seasonIndex(ofPeriod: t)] ?? 1
        var serviceTerms = (serviceRateFactors[v] + unitCostFactors[v]).map { (factor: $0, term: CopulaQuadrature.Term.value) }
        if let i = inflationFactor[v] { serviceTerms.append((i, .compound(y))) } else { level *= pow(1 + service.inflation, y) }
        for shock in scenario.shocks where shock.services.contains(v) {
          level *= 1 + (shock.multiplier - 1) * shock.probabilityActive(atPeriod: t)
        }
        for (k, intervention) in scenario.interventions.enumerated()
        where intervention.targets.contains(v) && intervention.recipients == nil {
          if let f = effectFactor[k] {
            serviceTerms.append((f, .reduction(intervention.ramp(atPeriod: t))))
          } else {
            level *= 1 - intervention.effect * intervention.ramp(atPeriod: t)
          }
        }
        /// The effects of interventions with recipients on segment `s`: their factors' terms
        /// and the product of the known ones (see ``Recipients``).
        func recipientEffects(_ s: Int) -> (known: Double, terms: [(factor: Int, term: CopulaQuadrature.Term)]) {
          var known = 1.0
          var terms: [(factor: Int, term: CopulaQuadrature.Term)] = []
          for k in targeting[v] where scenario.interventions[k].recipients != nil && scenario.interventions[k].reaches(segment: s) {
            let reach = schedules[k].reach[t]
            guard reach > 0 else { continue }
            if let f = effectFactor[k] { terms.append((f, .reduction(reach))) } else { known *= 1 - scenario.interventions[k].effect * reach }
          }
          return (known, terms)
        }
        // Σ over the segments using the service of E[people · rates · price · effects].
        var total = 0.0
        switch service.cost {
        case .events(let unitCost, _, _):
          for s in 0..<S where scenario.utilisation[s][v] != 0 {
            let (known, terms) = segmentTerms(s, t)
            let effects = recipientEffects(s)
            let all = terms + segmentRateFactors[s].map { (factor: $0, term: CopulaQuadrature.Term.value) } + serviceTerms
              + effects.terms
            total += scenario.segments[s].population * known * effects.known * scenario.utilisation[s][v] / ppy
              * copula.expectation(all) * moments.factor(segment: s, service: v, period: t)
          }
          cost[v * T + t] = total * unitCost * level
        case .perPerson(let segments, let annualMean, _):
          for s in segments {
            let (known, terms) = segmentTerms(s, t)
            let effects = recipientEffects(s)
            total += scenario.segments[s].population * known * effects.known
              * copula.expectation(terms + serviceTerms + effects.terms) * moments.factor(segment: nil, people: s, service: v, period: t)
          }
          cost[v * T + t] = total * annualMean / ppy * level
        }
        programme[v * T + t] = programmeCost(v, t)
        cost[v * T + t] += programme[v * T + t]
      }
    }
    serviceCost = cost
    self.programmeCost = programme

    let P = scenario.budget.pools.count
    var pools = [Double](repeating: 0, count: P * T)
    for (p, pool) in scenario.budget.pools.enumerated() {
      for v in pool.services { for t in 0..<T { pools[p * T + t] += cost[v * T + t] } }
    }
    poolCost = pools
  }
}

extension Shock {
  /// Probability that the shock is active in period `t`: it started in one of the last
  /// `duration` periods (periods before 0 do not exist).
  func probabilityActive(atPeriod t: Int) -> Double {
    1 - pow(1 - probability, Double(min(duration, t + 1)))
  }
}

extension Intervention {
  /// Share of the full effect reached in period `t` (before the delivered-activity factor).
  package func ramp(atPeriod t: Int) -> Double {
    let since = t - start - lag
    guard since >= 0 else { return 0 }
    return min(1, Double(since + 1) / Double(rampPeriods))
  }
}

/// Expectations of functions of one factor, `E[h(X)] = ∫ h(Q(Φ(z))) φ(z) dz`.
///
/// Composite Simpson's rule on `z ∈ [−8, 8]` with 1,600 intervals: the mass outside is
/// 1.2e−15, and for the smooth `h` used here (powers of `1 + rate`) the rule's error is far
/// below that of any Monte Carlo comparison. Discrete and fixed factors are summed exactly.
struct FactorQuadrature: Sendable {
  private let values: [Double]
  private let weights: [Double]

  package init(_ distribution: Distribution) {
    switch distribution {
    case .fixed(let v):
      values = [v]; weights = [1]
    case .discrete(let v, let w):
      let total = w.reduce(0, +)
      values = v; weights = w.map { $0 / total }
    default:
      let n = 1_600, a = -8.0, b = 8.0, step = (b - a) / Double(n)
      var x = [Double](), w = [Double]()
      x.reserveCapacity(n + 1); w.reserveCapacity(n + 1)
      for j in 0...n {
        let z = a + Double(j) * step
        let simpson = (j == 0 || j == n) ? 1.0 : (j % 2 == 1 ? 4.0 : 2.0)
        x.append(distribution.quantile(StandardNormal.cdf(z)))
        w.append(simpson * step / 3 * exp(-z * z / 2) / (2 * Double.pi).squareRoot())
      }
      let total = w.reduce(0, +)
      values = x; weights = w.map { $0 / total }
    }
  }

  func expectation(_ h: (Double) -> Double) -> Double {
    var sum = 0.0
    for j in values.indices { sum += weights[j] * h(values[j]) }
    return sum
  }
}
