@_spi(HotPath) import BudgetRiskNumerics

/// What one walk of the ledger came to — one iteration under one evaluation: each scope's
/// outcome, and the detail the accumulators record (each scope's cumulative drift per period
/// overspend and cost of need per budget year, each service's unmet share, each rebasing's size).
///
/// A read-only view of the ledger's own buffers, made once per ledger and valid until its
/// next walk: nothing is copied or allocated per iteration. The ledger fills it and knows
/// nothing of the accumulators; ``RunAccumulator/record(_:evaluation:scores:)`` reads it.
package struct PathOutcome {
  /// Per scope (each pool, then the total when there are several).
  package let scopes: Handle<ScopeOutcome>
  package let periods: Int
  package let years: Int
  /// Each scope's cumulative drift at the end of each period, `scopes × T`.
  let driftPaths: Handle<Double>
  /// Whether each scope overspent each budget year, `scopes × years`.
  package let overspentByYear: Handle<Bool>
  /// Each scope's cost of need in each budget year (money), `scopes × years`.
  package let costOfNeedByYear: Handle<Double>
  /// Each scope's proposed budget in each budget year (money), `scopes × years`.
  package let budgetByYear: Handle<Double>
  /// Each scope's unmet share of need in each budget year (0 under absorb), `scopes × years`.
  package let unmetShareByYear: Handle<Double>
  /// Each scope's first period of each budget year in which rationing left need unmet (−1:
  /// none that year; always −1 under absorb), `scopes × years`.
  package let rationingStartByYear: Handle<Int>
  /// Each service's unmet share of its need over the horizon, `V` (0 under absorb).
  let serviceUnmetShares: Handle<Double>
  /// Each pool's rebasing amounts in the order they happened, `P × maxRebasings`, and how
  /// many happened (`poolHorizon[p].rebasings`).
  let rebasingAmounts: Handle<Double>
  let maxRebasings: Int
  let poolHorizon: Handle<PoolHorizon>
  /// The pools of each scope.
  let scopePools: [[Int]]

  /// Scope `s`'s cumulative drift per period, `T` values.
  @inline(__always)
  package func driftPath(scope s: Int) -> Handle<Double> { driftPaths.row(s, width: periods) }

  /// The index of scope `s`, budget year `y` in the `scopes × years` buffers.
  @inline(__always)
  private func at(_ s: Int, _ y: Int) -> Int {
    assert(y >= 0 && y < years)
    return s * years + y
  }

  @inline(__always)
  package func overspent(scope s: Int, year y: Int) -> Bool { overspentByYear[at(s, y)] }
  @inline(__always)
  package func costOfNeed(scope s: Int, year y: Int) -> Double { costOfNeedByYear[at(s, y)] }
  @inline(__always)
  package func budget(scope s: Int, year y: Int) -> Double { budgetByYear[at(s, y)] }
  @inline(__always)
  package func unmetShare(scope s: Int, year y: Int) -> Double { unmetShareByYear[at(s, y)] }
  @inline(__always)
  package func rationingStart(scope s: Int, year y: Int) -> Int { rationingStartByYear[at(s, y)] }

  /// Calls `body` with the size (money, unsigned) of every rebasing of scope `s`'s pools.
  @inline(__always)
  func forEachRebasing(scope s: Int, _ body: (Double) -> Void) {
    for p in scopePools[s] {
      for k in 0..<poolHorizon[p].rebasings { body(abs(rebasingAmounts[p * maxRebasings + k])) }
    }
  }
}
