import BudgetRiskNumerics

extension ExpectedCost {
  /// Each segment's share of the expected cost of need, per period, `S × T`: every
  /// service's expected cost split over the segments that use it, in proportion to
  /// expected people × the segment's mean rate multipliers × its utilisation (events), or
  /// to expected people in the segments it covers (per person). An attribution for
  /// `explain`: the split of an expectation, not a separate model of each segment.
  package func costBySegment(_ scenario: Scenario) -> [Double] {
    let T = scenario.horizon.periods, S = scenario.segments.count
    var segmentRate = [Double](repeating: 1, count: S)
    for factor in scenario.factors {
      if case .segmentRate(let targets) = FactorEffect(factor.role) {
        for s in targets { segmentRate[s] *= factor.distribution.mean }
      }
    }
    var segmentCost = [Double](repeating: 0, count: S * T)
    var weights = [Double](repeating: 0, count: S)
    for (v, service) in scenario.services.enumerated() {
      for t in 0..<T {
        let cost = serviceCost[v * T + t]
        guard cost != 0 else { continue }
        for s in 0..<S { weights[s] = 0 }
        switch service.cost {
        case .events:
          for s in 0..<S { weights[s] = population[s * T + t] * segmentRate[s] * scenario.utilisation[s][v] }
        case .perPerson(let segments, _, _):
          for s in segments { weights[s] = population[s * T + t] }
        }
        let sum = weights.reduce(0, +)
        guard sum > 0 else { continue }
        for s in 0..<S { segmentCost[s * T + t] += cost * weights[s] / sum }
      }
    }
    return segmentCost
  }
}
