import BudgetRiskModel

/// One budget a run evaluates on every simulated path: a proposed budget under a provider
/// response.
///
/// The budgets are an input of a run, not part of the plan: a run takes a list of them
/// (by default the scenario's proposals under each of its responses,
/// ``SimulationPlan/scenarioEvaluations``), so the margin solver evaluates its candidate
/// margins on the same plan without rewriting the scenario or compiling a new plan.
package struct Evaluation: Sendable, Equatable {
  package var budget: ProposedBudget
  package var response: ProviderResponse

  package init(budget: ProposedBudget, response: ProviderResponse) {
    self.budget = budget
    self.response = response
  }
}

extension SimulationPlan {
  /// The scenario's proposed budgets under each of its responses, in report order
  /// (responses outer, proposals inner).
  package var scenarioEvaluations: [Evaluation] {
    budget.responses.flatMap { response in proposals.map { Evaluation(budget: $0, response: response) } }
  }
}
