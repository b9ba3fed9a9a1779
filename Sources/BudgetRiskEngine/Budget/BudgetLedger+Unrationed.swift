@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskModel

extension BudgetLedger {
  /// Whether the last walk reached any pool's limit (need above the year-to-date limit budget
  /// plus the reserve left) in any period.
  ///
  /// The response acts only there: until a limit is reached `ration` delivers every share in
  /// full, so its walk, its feedback (nothing cut, nothing re-drawn), the arrangements' moves
  /// and every summed figure are those of `absorb`, to the bit (spend `x · 1 = x`, unmet
  /// `x · 0 = 0`, in the same order). A ration walk at the same budget on a path where the
  /// absorb walk returned `false` here can therefore be skipped and the absorb outcome
  /// recorded in its place (``Tests/BudgetRiskTests/UnrationedWalkTests`` checks the
  /// equality on every bundled scenario).
  package var reachedLimit: Bool {
    for p in 0..<plan.poolCount where exhausted[p] { return true }
    return false
  }
}

extension Array where Element == Evaluation {
  /// For each evaluation under `ration`, the index of the evaluation under `absorb` with the
  /// same proposed budget, whose walk it equals on paths that never reach a limit
  /// (``BudgetLedger/reachedLimit``); `nil` for the others.
  package var absorbTwins: [Int?] {
    map { evaluation in
      guard evaluation.response == .ration else { return nil }
      return firstIndex { $0.response == .absorb && $0.budget == evaluation.budget }
    }
  }
}
