/// Which proposed budget a run's headline describes: the one rule behind the `--precision`
/// stopping figure, the drivers shown by default and the HTML report's single-budget charts.
extension RunFigures {
  /// The headline budget under `response` on `scope`: the recommended margin; where no listed
  /// margin meets the targets, the largest listed margin (the nearest to meeting them);
  /// where the scenario lists no margins, the first proposal. Nil when `response` was not
  /// evaluated.
  public func headlineBudget(response: String, scope: String) -> BudgetFigures? {
    let candidates = budgets.filter { $0.response == response }
    let margins = candidates.filter { $0.margin != nil }
    if let m = recommendations.first(where: { $0.response == response && $0.scope == scope })?.margin,
      let b = margins.first(where: { $0.margin == m })
    {
      return b
    }
    return margins.max { $0.margin! < $1.margin! } ?? candidates.first
  }
}
