import BudgetRiskNumerics
import BudgetRiskEngine

/// "How much prevention should we fund?": one intervention's outcomes at several doses
/// (cohort sizes, or shares of its segments), every dose on the same random numbers.
///
/// Each dose is a plan compiled from the scenario with that dose (`Scenario.withDose`); each
/// runs the outcome pass (``InterventionOutcomes``) with the same seed and iterations, so
/// iteration i draws the same factors, shocks and cells at every dose and the doses'
/// differences are paired. The budget is held fixed across doses: the horizon base budget of
/// the `base` plan (the scenario as written, every pool), so P(overspend) compares like with
/// like. Every path is at full delivery; the cost of need includes the programme's cost.
public enum DoseSweep {
  public static func run(
    base: SimulationPlan, intervention name: String, unit: String, doses: [(dose: Double, plan: SimulationPlan)],
    options: RunOptions
  ) throws(RunOptionsError) -> DoseSweepFigures {
    guard let k = base.interventionNames.firstIndex(of: name) else { throw .invalid("no intervention '\(name)'") }
    guard !doses.isEmpty else { throw .invalid("give at least one dose") }
    let budget = base.expectedBase.reduce(0, +)
    var rows: [DoseFigures] = []
    for (dose, plan) in doses {
      let total = try InterventionOutcomes.accumulate(plan, options: options, budget: budget)
      rows.append(
        DoseFigures(
          dose: dose, costOfNeed: Estimate(total.totalCost), overspendProbability: Probability(total.overBudget),
          outcomes: InterventionOutcomes.figures(plan, total)[k]))
    }
    let cheapest = rows.min { $0.costOfNeed.mean < $1.costOfNeed.mean }!.dose
    let safest = rows.min { $0.overspendProbability.estimate < $1.overspendProbability.estimate }!.dose
    return DoseSweepFigures(
      intervention: name, unit: unit, budget: budget, doses: rows, lowestExpectedCostDose: cheapest,
      lowestOverspendDose: safest)
  }
}

public struct DoseSweepFigures: Codable, Sendable, Equatable {
  public var intervention: String
  /// What a dose counts: `people` (a cohort) or `share` (of the recipient segments).
  public var unit: String
  /// The fixed horizon budget, all pools: the scenario's base budget as written.
  public var budget: Double
  public var doses: [DoseFigures]
  /// The dose with the lowest expected cost of need, and with the lowest P(overspend) (the
  /// first of equals; with intervals, neighbours may not differ significantly).
  public var lowestExpectedCostDose: Double
  public var lowestOverspendDose: Double
}

public struct DoseFigures: Codable, Sendable, Equatable {
  public var dose: Double
  /// Horizon cost of need, every pool, programme included.
  public var costOfNeed: Estimate
  /// P(horizon cost of need > the fixed budget).
  public var overspendProbability: Probability
  public var outcomes: InterventionOutcomeFigures
}
