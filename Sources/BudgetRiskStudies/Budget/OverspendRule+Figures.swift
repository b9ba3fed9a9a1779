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
    case .worstYear: return ProportionCounter.worstYear(overspentByYear) ?? overspent
    }
  }
}

extension ProportionCounter {
  /// The year with the most overspent paths (the earliest on a tie), nil without years. The
  /// years count the same paths, so it also has the largest Wilson bounds.
  package static func worstYear(_ years: [ProportionCounter]) -> ProportionCounter? {
    years.reduce(nil) { (worst: ProportionCounter?, c) in worst.map { $0.successes >= c.successes ? $0 : c } ?? c }
  }

  /// The index of ``worstYear(_:)``'s year, nil without years.
  package static func worstYearIndex(_ years: [ProportionCounter]) -> Int? {
    years.indices.reduce(nil) { (worst: Int?, y) in worst.map { years[$0].successes >= years[y].successes ? $0 : y } ?? y }
  }
}

extension MarginSearch.Counts {
  /// The overspend counter that `rule` judges α against, as ``ScopeAccumulator/overspent(by:)``.
  package func overspent(by rule: OverspendRule) -> ProportionCounter {
    switch rule {
    case .horizon: return overspent
    case .everyYear: return anyYearOverspent
    case .worstYear: return ProportionCounter.worstYear(overspentByYear) ?? overspent
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
