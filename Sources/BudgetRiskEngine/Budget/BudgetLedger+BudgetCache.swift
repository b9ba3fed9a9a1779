@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskModel

extension BudgetLedger {
  /// Puts `proposal`'s budget for row `r` into `budget`, unless it is there already.
  ///
  /// Only a budget relative to the base under a capitation base follows the row's realised
  /// population; every other budget is the same for every row, so the walks of one tile under
  /// one evaluation, and an absorb walk and its ration twin, fill it once (`fill` was 3.7 % of
  /// a server-scale run's instructions). The cache is keyed by the proposal itself
  /// (`ProposedBudget` is `Equatable`), so a proposal with more fields is cached the same way;
  /// `budget` is written nowhere else.
  @inline(__always)
  func fillBudget(_ proposal: ProposedBudget, row r: Int) {
    if filledBudget == proposal { return }
    proposal.fill(budget.handle, plan: plan, population: cells.population(row: r))
    filledBudget = proposal.dependsOnPopulation(plan) ? nil : proposal
  }
}

extension ProposedBudget {
  /// Whether the budget follows the iteration's realised population: a budget relative to
  /// the base (neither stated amounts nor money per period) under a capitation base.
  package func dependsOnPopulation(_ plan: SimulationPlan) -> Bool {
    plan.capitationRates != nil && annual == nil && perPeriod == nil
  }
}
