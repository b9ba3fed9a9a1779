import BudgetRiskNumerics
import BudgetRiskModel
import BudgetRiskEngine

/// "How much prevention should we fund?": one intervention's outcomes at several doses
/// (cohort sizes, or shares of its segments), every dose on the same random numbers.
///
/// Each dose replaces the intervention's cohort `number` (or its `share`) and runs the
/// outcome pass (``InterventionOutcomes``) with the same seed and iterations, so iteration i
/// draws the same factors, shocks and cells at every dose and the doses' differences are
/// paired. The budget is held fixed across doses: the horizon base budget of the scenario as
/// written (every pool), so P(overspend) compares like with like. Every path is at full
/// delivery; the cost of need includes the programme's cost.
public enum DoseSweep {
  public static func run(
    _ scenario: Scenario, intervention name: String, doses: [Double], options: RunOptions
  ) throws(DoseSweepError) -> DoseSweepFigures {
    guard let k = scenario.interventions.firstIndex(where: { $0.name == name }) else {
      throw .invalid("no intervention '\(name)' (the scenario has: \(scenario.interventions.map(\.name).joined(separator: ", ")))")
    }
    guard let recipients = scenario.interventions[k].recipients else {
      throw .invalid("intervention '\(name)' has no recipients: a dose sweep varies its cohort 'number' or its 'share'")
    }
    guard !doses.isEmpty else { throw .invalid("give at least one dose") }
    let base: SimulationPlan
    do { base = try SimulationPlan(scenario) } catch { throw .scenario(error) }
    let budget = base.expectedBase.reduce(0, +)
    var rows: [DoseFigures] = []
    for dose in doses {
      var variant = scenario
      var r = recipients
      switch r.size {
      case .share:
        guard dose > 0 && dose <= 1 else { throw .invalid("a dose of a share-based intervention is a share in (0, 1], found \(dose)") }
        r.size = .share(dose)
      case .cohort(_, let growth, let attrition):
        guard dose > 0 && dose.isFinite else { throw .invalid("a cohort dose is a number of people > 0, found \(dose)") }
        r.size = .cohort(people: dose, growth: growth, attrition: attrition)
      }
      variant.interventions[k].recipients = r
      let plan: SimulationPlan
      do { plan = try SimulationPlan(variant) } catch { throw .scenario(error) }
      let total: OutcomeAccumulator
      do { total = try InterventionOutcomes.accumulate(plan, options: options, budget: budget) } catch { throw .invalid("\(error)") }
      rows.append(
        DoseFigures(
          dose: dose, costOfNeed: Estimate(total.totalCost), overspendProbability: Probability(total.overBudget),
          outcomes: InterventionOutcomes.figures(plan, total)[k]))
    }
    let cheapest = rows.min { $0.costOfNeed.mean < $1.costOfNeed.mean }!.dose
    let safest = rows.min { $0.overspendProbability.estimate < $1.overspendProbability.estimate }!.dose
    return DoseSweepFigures(
      intervention: name, unit: { if case .share = recipients.size { "share" } else { "people" } }(), budget: budget,
      doses: rows, lowestExpectedCostDose: cheapest, lowestOverspendDose: safest)
  }
}

public enum DoseSweepError: Error, CustomStringConvertible {
  case invalid(String)
  case scenario(ScenarioValidationError)
  public var description: String {
    switch self {
    case .invalid(let s): return s
    case .scenario(let e): return "\(e)"
    }
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
