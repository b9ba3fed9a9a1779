import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// `cost > budget` on exact sums: a budget exactly on an attainable cost splits the sample
/// the same way whatever the period length.
@Suite struct OverspendComparisonTests {
  /// A discrete cost model: Poisson(5) events a year at exactly 75 each, so the year's cost
  /// is 75·N and a budget of 525 = 75·7 is attained with probability P(N = 7) ≈ 0.104.
  /// P(overspend) = P(N > 7) = 1 − Σₙ₌₀⁷ e⁻⁵ 5ⁿ/n! = 0.1333716... (a cost equal to the budget
  /// is not an overspend). Before the money grid, the monthly budget 525·(1/12) summed to
  /// 525 ± an ulp and counted a cost of exactly 525 as overspend or not by rounding: the
  /// estimate then moved by P(N = 7). Tolerance: 4 binomial SE at each period length, and
  /// the two horizons' estimates (different streams) within 4 SE of their difference.
  @Test func aBudgetOnAnAttainableCostIsNotAnOverspendAtAnyPeriodLength() throws {
    var below = 0.0
    for k in 0...7 {
      let logPMF: Double = -5 + Double(k) * log(5.0) - SpecialFunctions.logGamma(Double(k) + 1)
      below += exp(logPMF)
    }
    let exact = 1 - below
    let n = 20_000
    let se = (exact * (1 - exact) / Double(n)).squareRoot()
    var estimates = [Double]()
    for quarterly in [false, true] {
      var s = TestScenario.make(
        population: 1, services: [TestScenario.service("placements", unitCost: 75, severity: .fixed)],
        rates: [5], proposals: [.amounts(name: "on the cost", annual: [[525]])])
      if quarterly { s.horizon = Horizon(periods: 4, periodLength: .quarter) }
      let (_, figures) = try TestScenario.run(s, iterations: n, seed: 3)
      let scope = figures.budgets[0].scopes[0]
      #expect(abs(scope.budget.mean - 525) < 1e-9)
      let p = scope.overspendProbability.estimate
      #expect(abs(p - exact) < 4 * se, "quarterly: \(quarterly)")
      #expect(abs(scope.overspendProbabilityByYear[0].estimate - p) == 0)
      estimates.append(p)
    }
    #expect(abs(estimates[0] - estimates[1]) < 4 * se * 2.squareRoot())
  }

  @Test func spreadPeriodsAddUpToTheYearExactly() {
    // Shares of 1/12 and 1/4 are not exact in binary; the spread amounts add up exactly.
    for (periods, ppy) in [(24, 12), (8, 4), (36, 12)] {
      var out = [Double](repeating: .nan, count: periods)
      MoneyGrid.spread(periods: periods, periodsPerYear: ppy, amount: { _ in 525.1 / Double(ppy) }, emit: { out[$0] = $1 })
      for y in 0..<(periods / ppy) {
        let year = out[(y * ppy)..<((y + 1) * ppy)]
        #expect(year.reduce(0, +) == MoneyGrid.round(525.1))
        #expect(year.reversed().reduce(0, +) == MoneyGrid.round(525.1))
        #expect(year.allSatisfy { MoneyGrid.round($0) == $0 })
      }
    }
  }
}
