import BudgetRiskStudies
import BudgetRiskModel

/// Lookups the HTML report makes on a run's figures.
extension RunFigures {
  /// Provider responses in report order.
  var responses: [String] {
    budgets.reduce(into: [String]()) { if !$0.contains($1.response) { $0.append($1.response) } }
  }

  /// Reported scopes: each pool, then `total` when there are several.
  var scopeNames: [String] { budgets.first?.scopes.map(\.scope) ?? expectedCost.map(\.scope) }

  /// The scope the headline and the main charts describe: the total, or the only pool.
  var headlineScope: Int { max(0, scopeNames.count - 1) }

  func budgets(response: String) -> [BudgetFigures] { budgets.filter { $0.response == response } }

  /// Margin proposals under a response, by increasing margin.
  func marginBudgets(response: String) -> [BudgetFigures] {
    budgets(response: response).filter { $0.margin != nil }.sorted { $0.margin! < $1.margin! }
  }

  func recommendation(response: String, scope: String) -> Recommendation? {
    recommendations.first { $0.response == response && $0.scope == scope }
  }

  /// The response whose cost of need is the need itself: `absorb` if evaluated.
  var needResponse: String { responses.contains("absorb") ? "absorb" : (responses.first ?? "absorb") }

  /// The response whose service gap is worth showing: `ration` if evaluated.
  var gapResponse: String { responses.contains("ration") ? "ration" : (responses.first ?? "absorb") }

  func exceedance(scope: String) -> CostExceedance? {
    costExceedance.first { $0.scope == scope && $0.response == needResponse }
      ?? costExceedance.first { $0.scope == scope }
  }

  /// Words for a period count: `36 months`, `1 quarter`.
  func periodWords(_ n: Int) -> String { "\(n) \(periodLength)\(n == 1 ? "" : "s")" }

  /// Words for a response: what the provider does when the money runs out.
  static func responseWords(_ response: String) -> String {
    switch response {
    case "absorb": return "provider absorbs overspend"
    case "ration": return "provider rations care"
    default: return "provider response \(response)"
    }
  }

  /// A short label for a proposed budget on a chart: `+5 %` for a margin, else its name.
  static func shortLabel(_ b: BudgetFigures) -> String {
    b.margin.map { "+" + ReportFormat.margin($0) } ?? b.proposal
  }
}
