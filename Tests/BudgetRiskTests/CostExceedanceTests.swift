import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// The exceedance curve of the cost of need, read from a deterministic budget's drift
/// histogram: it falls from 1 to 0 and, under `absorb`, passes through every proposed
/// budget's overspend probability.
@Suite struct CostExceedanceTests {
  let figures = ReportFixture.figures

  @Test func oneCurvePerResponseAndScopeFromTheFirstMargin() {
    #expect(figures.costExceedance.map { "\($0.response) \($0.scope)" } == [
      "absorb emergency", "absorb coordination", "absorb total", "ration emergency", "ration coordination", "ration total",
    ])
    #expect(figures.costExceedance.allSatisfy { $0.proposal == "margin 0%" && $0.points.count == 101 })
  }

  @Test func fallsMonotonically() {
    for curve in figures.costExceedance {
      let costs = curve.points.map(\.cost), p = curve.points.map(\.probability)
      #expect(zip(costs, costs.dropFirst()).allSatisfy { $0 < $1 })
      #expect(zip(p, p.dropFirst()).allSatisfy { $0 >= $1 })
      #expect(p.first! >= 0.99 && p.last! <= 0.01)
    }
  }

  /// Under absorb the cost of need is the same path for every budget, so P(cost > B) at a
  /// proposed budget B is its overspend probability. Between grid points the curve is
  /// interpolated; the histogram itself is exact at bin edges, so the tolerance is one
  /// grid step's fall in probability plus one bin's mass (5e−4 of B, at most a few
  /// iterations of 256 here).
  @Test func passesThroughEachBudgetsOverspendProbabilityUnderAbsorb() throws {
    for curve in figures.costExceedance where curve.response == "absorb" {
      let s = try #require(figures.scopeNames.firstIndex(of: curve.scope))
      for b in figures.budgets(response: "absorb") {
        let budget = b.scopes[s].budget.mean
        guard let k = curve.points.firstIndex(where: { $0.cost >= budget }), k > 0 else { continue }
        let (a, c) = (curve.points[k - 1], curve.points[k])
        let p = a.probability + (c.probability - a.probability) * (budget - a.cost) / (c.cost - a.cost)
        let step = a.probability - c.probability
        #expect(abs(p - b.scopes[s].overspendProbability.estimate) <= step + 3.0 / 256, "\(curve.scope) \(b.proposal)")
      }
    }
  }

  @Test func budgetIsTheFirstMarginsHorizonBudget() throws {
    for curve in figures.costExceedance {
      let s = try #require(figures.scopeNames.firstIndex(of: curve.scope))
      let b = try #require(figures.budgets.first { $0.response == curve.response && $0.proposal == curve.proposal })
      #expect(abs(curve.budget - b.scopes[s].budget.mean) <= 1e-9 * curve.budget)
    }
  }
}
