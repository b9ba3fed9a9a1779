/// The exceedance curve of the horizon cost of need for one response and scope:
/// `P(cost of need > cost)` at evenly spaced cost levels.
///
/// Read from the horizon drift histogram of one proposed budget whose horizon budget `B`
/// is the same in every iteration (a margin on an `expected` or `fixed` base, or explicit
/// amounts): there `cost = B · (1 + drift)`, so
///
/// ```
/// P(cost > c) = P(drift > c / B − 1)
/// ```
///
/// with the histogram's error (at most one bin, 5e−4 of `B`, in the cost level). Under
/// `absorb` the cost of need is the same path for every proposed budget, so the curve
/// answers for all of them: at a proposed budget's level it is that budget's overspend
/// probability. Under `ration` the cost of need depends on the budget (rationed prevention
/// raises later crisis demand), so the curve belongs to `proposal`. Under a `capitation`
/// base the budget follows the realised population and no curve is reported.
public struct CostExceedance: Codable, Sendable, Equatable {
  public var response: String
  public var scope: String
  /// The proposed budget whose drift histogram the curve is read from.
  public var proposal: String
  /// That proposal's horizon budget `B`, money.
  public var budget: Double
  /// Cost levels (money, ascending) from the 0.5 % to the 99.9 % quantile of the cost of
  /// need (further into the upper tail, where budgets are tested, than the lower), with the estimated share of iterations whose cost of need is above each.
  public var points: [CostExceedancePoint]
}

public struct CostExceedancePoint: Codable, Sendable, Equatable {
  public var cost: Double
  public var probability: Double
}

extension RunFigures {
  /// Cost levels on each curve.
  static let exceedancePointCount = 101

  package static func costExceedance(_ run: SimulationRun) -> [CostExceedance] {
    let plan = run.plan, spec = plan.budget
    if case .capitation = spec.base { return [] }
    // The first margin proposal, else the first proposal.
    let proposal = spec.proposals.firstIndex { if case .margin = $0 { true } else { false } } ?? 0
    var out = [CostExceedance]()
    for (e, evaluation) in run.evaluations.enumerated() where evaluation.budget == plan.proposals[proposal] {
      for (s, scope) in plan.scopes.enumerated() {
        let budget = plan.proposals[proposal].horizon(pools: scope.pools, plan: plan)
        let drift = run.accumulator.evaluations[e].scopes[s].driftDistribution
        guard budget > 0, drift.count > 0 else { continue }
        let low = budget * (1 + drift.quantile(0.005)), high = budget * (1 + drift.quantile(0.999))
        let n = high > low ? exceedancePointCount : 1
        let points = (0..<n).map { i in
          let cost = n == 1 ? low : low + (high - low) * Double(i) / Double(n - 1)
          return CostExceedancePoint(cost: cost, probability: drift.exceedanceFraction(above: cost / budget - 1))
        }
        out.append(CostExceedance(
          response: evaluation.response.rawValue, scope: scope.name,
          proposal: plan.proposals[proposal].label, budget: budget, points: points))
      }
    }
    return out
  }
}
