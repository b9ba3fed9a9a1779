import BudgetRiskModel
import BudgetRiskEngine
import BudgetRiskNumerics

extension ScopeAccumulator {
  /// The overspend counter that the scenario's ``OverspendRule`` judges α against: the
  /// horizon's, the paths with any year overspent, or the year with the most overspends
  /// (the earliest on a tie).
  package func overspent(by rule: OverspendRule) -> ProportionCounter {
    switch rule {
    case .horizon: return overspent
    case .everyYear: return ProportionCounter(successes: yearly.overspentAtLeast(1), trials: yearly.paths)
    case .worstYear:
      return overspentByYear.reduce(nil) { (worst: ProportionCounter?, c) in
        worst.map { $0.successes >= c.successes ? $0 : c } ?? c
      } ?? overspent
    }
  }
}

extension ScopeFigures {
  /// The overspend probability that the scenario's ``OverspendRule`` judges α against (see
  /// ``ScopeAccumulator/overspent(by:)``).
  public func overspendProbability(by rule: OverspendRule) -> Probability {
    switch rule {
    case .horizon: return overspendProbability
    case .everyYear: return anyYearOverspends
    case .worstYear:
      return overspendProbabilityByYear.reduce(nil) { (worst: Probability?, p) in
        worst.map { $0.estimate >= p.estimate ? $0 : p } ?? p
      } ?? overspendProbability
    }
  }
}
