import ArgumentParser
import BudgetRisk

@main
struct BudgetRiskCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "budget-risk",
    abstract: "Monte Carlo risk of prospective and pooled health and social care budgets."
  )
}
