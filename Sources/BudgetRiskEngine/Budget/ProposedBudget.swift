@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskModel

/// A proposed budget, compiled into the plan: the one place that says what a proposal gives
/// each pool in each period.
///
/// A margin `m` gives the base budget × (1 + m): the plan's expected base, or under a
/// capitation base the rate × the population realised in the iteration; margins by year give
/// year y's base × (1 + mᵧ). Stated amounts (one per pool and budget year) are profiled within
/// each year like the base budget. The ledger (per iteration), the cost
/// exceedance curve (over the horizon) and `explain` (per budget year) all read it here, and
/// the plan's base budget is the same capitation formula at margin 0.
package struct ProposedBudget: Sendable, Equatable {
  /// As reported: `margin 5%`, or the proposal's name.
  package let label: String
  /// The margin over the base budget; nil for stated amounts.
  package let margin: Double?
  /// Stated amounts per pool and budget year, `annual[pool][year]`; nil for a margin.
  package let annual: [[Double]]?
  /// A margin per budget year over the base budget (`yearlyMargins`); nil otherwise.
  package let marginsByYear: [Double]?
  /// Money per pool per period, `P × T` before the money grid, for a budget fixed in money
  /// from outside the scenario (a comparison's common budgets, ``CommonBudget``); nil otherwise.
  package let perPeriod: [Double]?

  package init(_ proposal: Proposal) {
    label = proposal.label
    perPeriod = nil
    switch proposal {
    case .margin(let m): margin = m; annual = nil; marginsByYear = nil
    case .amounts(_, let amounts): margin = nil; annual = amounts; marginsByYear = nil
    case .yearlyMargins(_, let margins): margin = nil; annual = nil; marginsByYear = margins
    }
  }

  /// A budget fixed in money: `perPeriod[p × T + t]` for pool p in period t (see ``CommonBudget``).
  package init(label: String, perPeriod: [Double]) {
    self.label = label
    margin = nil; annual = nil; marginsByYear = nil
    self.perPeriod = perPeriod
  }

  /// A margin proposal (the margin solver's budgets).
  package init(margin m: Double) { self.init(.margin(m)) }

  /// A capitation budget: `rate` per person per year, paid per period for `people`.
  @inline(__always)
  package static func capitation(rate: Double, periodsPerYear: Int, people: Double) -> Double {
    rate / Double(periodsPerYear) * people
  }

  /// Pool `p`'s budget in period `t` at the expected population, before it is put on the
  /// money grid.
  @inline(__always)
  package func amount(pool p: Int, period t: Int, plan: SimulationPlan) -> Double {
    let i = p * plan.periods + t
    if let perPeriod { return perPeriod[i] }
    if let annual { return annual[p][t / plan.periodsPerYear] * plan.profile[i] }
    if let marginsByYear { return plan.expectedBase[i] * (1 + marginsByYear[t / plan.periodsPerYear]) }
    return plan.expectedBase[i] * (1 + margin!)
  }

  /// Every pool's budget in every period, `P × T`, into `out`, for one iteration whose
  /// population (`T × S`, people per segment per period) is `population`: under a
  /// capitation base a margin follows the realised population, otherwise the expected one.
  /// Each period's amount is on the money grid and each year's amounts add up exactly to the
  /// year's total (`MoneyGrid.spread`), so `cost > budget` does not depend on period length.
  package func fill(_ out: Handle<Double>, plan: SimulationPlan, population: Handle<Double>) {
    let T = plan.periods, S = plan.segmentCount, P = plan.poolCount, ppy = plan.periodsPerYear
    if let m = margin, let rates = plan.capitationRates {
      for p in 0..<P {
        MoneyGrid.spread(periods: T, periodsPerYear: ppy, amount: { t in
          var people = 0.0
          for s in plan.capitationSegments { people += population[t * S + s] }
          return Self.capitation(rate: rates[p], periodsPerYear: ppy, people: people) * (1 + m)
        }, emit: { t, x in out[p * T + t] = x })
      }
    } else if let m = margin {
      // `amount(pool:period:plan:)` unrolled for the hot loop: the same expression per element.
      plan.expectedBase.withUnsafeBufferPointer { base in
        for p in 0..<P {
          MoneyGrid.spread(
            periods: T, periodsPerYear: ppy, amount: { base[p * T + $0] * (1 + m) }, emit: { t, x in out[p * T + t] = x })
        }
      }
    } else if let perPeriod {
      for p in 0..<P {
        MoneyGrid.spread(periods: T, periodsPerYear: ppy, amount: { perPeriod[p * T + $0] }, emit: { t, x in out[p * T + t] = x })
      }
    } else if let annual {
      plan.profile.withUnsafeBufferPointer { profile in
        for p in 0..<P {
          MoneyGrid.spread(
            periods: T, periodsPerYear: ppy, amount: { annual[p][$0 / ppy] * profile[p * T + $0] },
            emit: { t, x in out[p * T + t] = x })
        }
      }
    } else if let marginsByYear {
      // As a margin, with year y's margin: the realised population under capitation.
      for p in 0..<P {
        MoneyGrid.spread(periods: T, periodsPerYear: ppy, amount: { t in
          let factor = 1 + marginsByYear[t / ppy]
          guard let rates = plan.capitationRates else { return plan.expectedBase[p * T + t] * factor }
          var people = 0.0
          for s in plan.capitationSegments { people += population[t * S + s] }
          return Self.capitation(rate: rates[p], periodsPerYear: ppy, people: people) * factor
        }, emit: { t, x in out[p * T + t] = x })
      }
    }
  }

  /// The budget of `pools` together over the horizon, at the expected population, summed
  /// as the ledger sums it (each pool's periods on the money grid, so the sum is exact).
  package func horizon(pools: [Int], plan: SimulationPlan) -> Double {
    var total = 0.0
    for p in pools {
      MoneyGrid.spread(
        periods: plan.periods, periodsPerYear: plan.periodsPerYear, amount: { amount(pool: p, period: $0, plan: plan) },
        emit: { _, x in total += x })
    }
    return total
  }

  /// Pool `p`'s budget in each budget year, at the expected population, given the base
  /// budget's years `baseByYear`: the stated amount, or the base × (1 + margin). Only a
  /// scenario's proposals are built up by year (`explain`), never a budget in money.
  package func byYear(pool p: Int, baseByYear: [Double]) -> [Double] {
    precondition(perPeriod == nil, "a budget in money is not built up from the base budget")
    if let annual { return annual[p] }
    if let marginsByYear { return zip(baseByYear, marginsByYear).map { $0 * (1 + $1) } }
    return baseByYear.map { $0 * (1 + margin!) }
  }
}
