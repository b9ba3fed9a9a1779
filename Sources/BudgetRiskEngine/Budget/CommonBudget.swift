import BudgetRiskModel

/// The budgets a comparison holds every design to, in money, so that designs are judged on a
/// common footing rather than each against a margin on its own expected cost (a design with
/// a larger expected cost would otherwise get a larger budget, and a larger pot is relatively
/// less noisy, so it "wins" on P(overspend) for no reason of design).
///
/// Each common budget is a ``ProposedBudget`` with money per pool per period
/// (``ProposedBudget/perPeriod``), put on the money grid like any budget.
package enum CommonBudget {
  /// Whether two plans can share budgets in money: the same periods and period length.
  package static func sameHorizon(_ a: SimulationPlan, _ b: SimulationPlan) -> Bool {
    a.periods == b.periods && a.periodsPerYear == b.periodsPerYear
  }

  /// The baseline's proposal `proposal` as money for `design`, under the same label.
  ///
  /// The baseline's amount for each pool and period at the expected population (a margin is
  /// the baseline's base × (1 + m); under a capitation base the amount at the expected
  /// population, fixed). A design with the baseline's pools (same names, same order) gets
  /// each pool's amount; any other design gets the baseline's total in each period, split
  /// over its pools in proportion to its own base budget in that period. The baseline itself
  /// gets exactly its own (non-capitation) budgets, bit for bit.
  ///
  /// - Precondition: ``sameHorizon(_:_:)``.
  package static func fromBaseline(_ proposal: ProposedBudget, baseline: SimulationPlan, design: SimulationPlan) -> ProposedBudget {
    precondition(sameHorizon(baseline, design), "common budgets need one horizon")
    let T = baseline.periods, P = baseline.poolCount, Q = design.poolCount
    var money = [Double](repeating: 0, count: Q * T)
    if design.poolNames == baseline.poolNames {
      for p in 0..<P { for t in 0..<T { money[p * T + t] = proposal.amount(pool: p, period: t, plan: baseline) } }
    } else {
      for t in 0..<T {
        var total = 0.0
        for p in 0..<P { total += proposal.amount(pool: p, period: t, plan: baseline) }
        split(total, periods: t..<(t + 1), design: design, into: &money)
      }
    }
    return ProposedBudget(label: proposal.label, perPeriod: money)
  }

  /// `annual` a year in total for `design`: each budget year gets `annual` (a partial last
  /// year its share, periods ÷ periods per year), spread over the year's periods and the
  /// design's pools in proportion to the design's base budget.
  package static func annual(_ annual: Double, label: String, design: SimulationPlan) -> ProposedBudget {
    let T = design.periods, ppy = design.periodsPerYear
    var money = [Double](repeating: 0, count: design.poolCount * T)
    var start = 0
    while start < T {
      let end = min(start + ppy, T)
      split(annual * Double(end - start) / Double(ppy), periods: start..<end, design: design, into: &money)
      start = end
    }
    return ProposedBudget(label: label, perPeriod: money)
  }

  /// Adds `amount` to `money` over `periods` and every pool of `design`, in proportion to its
  /// base budget there (evenly where that base is 0 throughout).
  static func split(_ amount: Double, periods: Range<Int>, design: SimulationPlan, into money: inout [Double]) {
    let T = design.periods, Q = design.poolCount
    var weight = 0.0
    for q in 0..<Q { for t in periods { weight += design.expectedBase[q * T + t] } }
    let cells = Double(Q * periods.count)
    for q in 0..<Q {
      for t in periods {
        // One pool over one period takes the whole amount exactly (no rounding through a ratio).
        if Q == 1 && periods.count == 1 { money[t] = amount; continue }
        money[q * T + t] = weight > 0 ? amount * (design.expectedBase[q * T + t] / weight) : amount / cells
      }
    }
  }
}
