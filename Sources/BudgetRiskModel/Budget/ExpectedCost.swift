import Foundation
import BudgetRiskNumerics

/// The model's expected cost of need, computed analytically (not by simulation).
///
/// Expectations of non-linear functions of a factor, such as `(1 + g)^(t/12)` for an
/// uncertain growth rate, are integrals over the factor's distribution, evaluated by
/// ``FactorQuadrature``. Products of factors are taken as products of their expectations,
/// which is exact when the factors that multiply one another are uncorrelated; with a
/// correlation between two such factors the base misses their covariance term (documented
/// in `docs/engine.md`). Shocks enter through their exact probability of being active, and
/// interventions at full delivery (the expected cost of need when nothing is rationed).
package struct ExpectedCost: Sendable {
  /// Expected people per segment and period, `S × T`.
  package let population: [Double]
  /// Expected cost of need per service and period, `V × T`.
  package let serviceCost: [Double]
  /// Expected cost of need per pool and period, `P × T`.
  package let poolCost: [Double]

  package init(_ scenario: Scenario) {
    let h = scenario.horizon
    let T = h.periods, S = scenario.segments.count, V = scenario.services.count
    let ppy = Double(h.periodsPerYear)

    // Means of multipliers and quadratures of replaced rates, factor by factor.
    var populationMean = [Double](repeating: 1, count: S)
    var segmentRateMean = [Double](repeating: 1, count: S)
    var serviceRateMean = [Double](repeating: 1, count: V)
    var unitCostMean = [Double](repeating: 1, count: V)
    var growth: [FactorQuadrature?] = Array(repeating: nil, count: S)
    var inflation: [FactorQuadrature?] = Array(repeating: nil, count: V)
    var effect = scenario.interventions.map(\.effect)
    for factor in scenario.factors {
      let d = factor.distribution
      switch FactorEffect(factor.role) {
      case .population(let s): for i in s { populationMean[i] *= d.mean }
      case .segmentRate(let s): for i in s { segmentRateMean[i] *= d.mean }
      case .serviceRate(let v): for i in v { serviceRateMean[i] *= d.mean }
      case .unitCost(let v): for i in v { unitCostMean[i] *= d.mean }
      case .growth(let s): for i in s { growth[i] = FactorQuadrature(d) }
      case .inflation(let v): for i in v { inflation[i] = FactorQuadrature(d) }
      case .interventionEffect(let k): for i in k { effect[i] = d.mean }
      }
    }

    var pop = [Double](repeating: 0, count: S * T)
    for (s, segment) in scenario.segments.enumerated() {
      for t in 0..<T {
        let years = Double(t) / ppy
        let g = growth[s]?.expectation { pow(1 + $0, years) } ?? pow(1 + segment.growth, years)
        pop[s * T + t] = segment.population * populationMean[s] * g
      }
    }
    population = pop

    var cost = [Double](repeating: 0, count: V * T)
    for (v, service) in scenario.services.enumerated() {
      for t in 0..<T {
        let y = Double(h.budgetYear(ofPeriod: t))
        let price = inflation[v]?.expectation { pow(1 + $0, y) } ?? pow(1 + service.inflation, y)
        var level = serviceRateMean[v] * unitCostMean[v] * price
        level *= service.seasonality?[h.seasonIndex(ofPeriod: t)] ?? 1
        for shock in scenario.shocks where shock.services.contains(v) {
          level *= 1 + (shock.multiplier - 1) * shock.probabilityActive(atPeriod: t)
        }
        for (k, intervention) in scenario.interventions.enumerated()
        where intervention.targets.contains(v) {
          level *= 1 - effect[k] * intervention.ramp(atPeriod: t)
        }
        switch service.cost {
        case .events(let unitCost, _, _):
          var events = 0.0
          for s in 0..<S {
            events += pop[s * T + t] * segmentRateMean[s] * scenario.utilisation[s][v] / ppy
          }
          cost[v * T + t] = events * unitCost * level
        case .perPerson(let segments, let annualMean, _):
          let people = segments.reduce(0) { $0 + pop[$1 * T + t] }
          cost[v * T + t] = people * annualMean / ppy * level
        }
      }
    }
    serviceCost = cost

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
