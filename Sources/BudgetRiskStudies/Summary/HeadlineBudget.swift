/// The headline budget read off a run's figures (``HeadlineRule``).
extension RunFigures {
  /// The headline budget under `response` on `scope`: the recommended margin; where no listed
  /// margin meets the targets, the largest listed margin (the nearest to meeting them);
  /// where the scenario lists no margins, the first proposal. Nil when `response` was not
  /// evaluated.
  public func headlineBudget(response: String, scope: String) -> BudgetFigures? {
    let candidates = budgets.filter { $0.response == response }
    let margins = candidates.map(\.margin)
    let m = recommendations.first { $0.response == response && $0.scope == scope }?.margin
    let recommended = m.flatMap { m in candidates.firstIndex { $0.margin == m } }
    return HeadlineRule.headline(margins: margins, recommended: recommended).map { candidates[$0] }
  }
}
