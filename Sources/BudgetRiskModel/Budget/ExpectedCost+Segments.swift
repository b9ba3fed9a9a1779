import BudgetRiskNumerics

extension ExpectedCost {
  /// Each segment's share of the expected cost of need, per period, `S × T`: every
  /// service's expected cost split over the segments that use it, in proportion to
  /// expected people × the segment's mean rate multipliers × its utilisation (events), or
  /// to expected people in the segments it covers (per person); an intervention with
  /// recipients lowers its segments' weights by its mean effect, and a programme's cost goes
  /// to its recipient segments by their people. An attribution for
  /// `explain`: the split of an expectation, not a separate model of each segment.
  package func costBySegment(_ scenario: Scenario) -> [Double] {
    let T = scenario.horizon.periods, S = scenario.segments.count
    var segmentRate = [Double](repeating: 1, count: S)
    for factor in scenario.factors {
      if case .segmentRate(let targets) = FactorEffect(factor.role) {
        for s in targets { segmentRate[s] *= factor.distribution.mean }
      }
    }
    // Interventions with recipients change their segments' demand only (at the effect's
    // mean), and their programme cost belongs to their recipient segments.
    let reach = scenario.interventionsAtMeanSpillover.map {
      $0.schedule(periods: T, periodsPerYear: scenario.horizon.periodsPerYear, expectedPopulation: population).reach
    }
    var meanEffect = scenario.interventions.map(\.effect)
    for factor in scenario.factors {
      if case .interventionEffect(let targets) = FactorEffect(factor.role) {
        for k in targets { meanEffect[k] = factor.distribution.mean }
      }
    }
    let F = scenario.factors.count
    let moments = ProcessMoments(scenario, correlation: (0..<(F * F)).map { $0 / F == $0 % F ? 1 : 0 })
    var segmentCost = [Double](repeating: 0, count: S * T)
    var weights = [Double](repeating: 0, count: S)
    for (v, service) in scenario.services.enumerated() {
      for t in 0..<T {
        let programme = programmeCost[v * T + t]
        if programme != 0 {
          // Over the recipient segments of the programmes this service carries, by people.
          var recipients = Set<Int>()
          for i in scenario.interventions where i.proactive.first == v { recipients.formUnion(i.recipients?.segments ?? []) }
          let people = recipients.reduce(0) { $0 + population[$1 * T + t] }
          if people > 0 { for s in recipients.sorted() { segmentCost[s * T + t] += programme * population[s * T + t] / people } }
        }
        let cost = serviceCost[v * T + t] - programme
        guard cost != 0 else { continue }
        for s in 0..<S { weights[s] = 0 }
        switch service.cost {
        case .events:
          for s in 0..<S { weights[s] = population[s * T + t] * segmentRate[s] * scenario.utilisation[s][v] }
          // A segment rate that wanders (a process) has mean level · E[exp(Xₜ)] at t; the
          // service's own processes are common to every segment and cancel in the shares.
          // `population` already holds a growth process's E[exp(Dₜ)]: divided out, so that
          // only its covariance with the rate processes is added.
          if !moments.isEmpty {
            for s in 0..<S {
              weights[s] *= moments.factor(segment: s, service: v, period: t) / moments.populationFactor(segment: s, period: t)
            }
          }
        case .perPerson(let segments, _, _):
          for s in segments { weights[s] = population[s * T + t] }
        }
        for (k, intervention) in scenario.interventions.enumerated()
        where intervention.recipients != nil && intervention.targets.contains(v) {
          for s in intervention.recipients!.segments { weights[s] *= 1 - meanEffect[k] * reach[k][t] }
        }
        let sum = weights.reduce(0, +)
        guard sum > 0 else { continue }
        for s in 0..<S { segmentCost[s * T + t] += cost * weights[s] / sum }
      }
    }
    return segmentCost
  }
}
