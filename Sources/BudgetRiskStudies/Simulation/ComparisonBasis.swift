import BudgetRiskModel
import BudgetRiskEngine

/// The budgets a comparison holds every design to (`compare --basis`).
///
/// Judged each against its own margins, a design with a larger expected cost gets a larger
/// budget in money, and P(overspend) then compares pots of different sizes: the ranking can
/// reverse with the way budgets are set. `baseline` and `amounts` put every design against
/// the same money; `own` keeps each design's own proposals and says so.
public enum ComparisonBasis: Sendable, Equatable {
  /// The baseline design's proposed budgets in money, the same for every design (see
  /// `CommonBudget.fromBaseline`).
  case baseline
  /// Stated budgets in money a year, the same for every design (see `CommonBudget.annual`).
  case amounts([CommonAmount])
  /// Each design's own proposals (margins on its own base budget).
  case own

  /// A stated common budget: `annual` money a year in total, reported as `label`.
  public struct CommonAmount: Sendable, Equatable {
    public var label: String
    public var annual: Double
    public init(label: String, annual: Double) { self.label = label; self.annual = annual }
  }

  /// `baseline`, `amounts` or `own`, as written in every output.
  public var name: String {
    switch self {
    case .baseline: "baseline"
    case .amounts: "amounts"
    case .own: "own"
    }
  }

  /// The budgets each design evaluates: every one of its responses × the basis's budgets.
  ///
  /// - Throws: `.invalid` when budgets in money cannot be shared (designs with different
  ///   horizons) or a stated amount is not a positive finite number.
  func evaluations(_ plans: [SimulationPlan], baseline b: Int, names: [String]) throws(RunOptionsError) -> [[Evaluation]] {
    switch self {
    case .own:
      return plans.map(\.scenarioEvaluations)
    case .baseline:
      try Self.checkHorizons(plans, baseline: b, names: names)
      return plans.map { plan in
        plan.budget.responses.flatMap { response in
          plans[b].proposals.map { Evaluation(budget: CommonBudget.fromBaseline($0, baseline: plans[b], design: plan), response: response) }
        }
      }
    case .amounts(let amounts):
      guard !amounts.isEmpty else { throw .invalid("--budget: give at least one amount") }
      for a in amounts where !(a.annual.isFinite && a.annual > 0) {
        throw .invalid("--budget: '\(a.label)' is not a positive amount of money a year")
      }
      try Self.checkHorizons(plans, baseline: b, names: names)
      return plans.map { plan in
        plan.budget.responses.flatMap { response in
          amounts.map { Evaluation(budget: CommonBudget.annual($0.annual, label: $0.label, design: plan), response: response) }
        }
      }
    }
  }

  private static func checkHorizons(_ plans: [SimulationPlan], baseline b: Int, names: [String]) throws(RunOptionsError) {
    for (d, plan) in plans.enumerated() where !CommonBudget.sameHorizon(plan, plans[b]) {
      throw .invalid(
        "design '\(names[d])' has another horizon (periods or period length) than the baseline '\(names[b])': budgets in money cannot be shared; use --basis own")
    }
  }
}
