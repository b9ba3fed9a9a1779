import Foundation
import Testing
@testable import BudgetRiskModel
@testable import BudgetRiskEngine

/// The copula quadrature keeps each compounded rate's values at a group's nodes and reuses
/// them across term lists (``CopulaQuadrature``): the expected cost must be the one taken
/// node by node, bit for bit, on every bundled scenario.
@Suite struct CopulaTermRowTests {
  @Test func expectedCostIsBitIdenticalToTheNodeByNodeSums() throws {
    var correlated = 0
    for path in UnrationedWalkTests.bundled {
      let scenario = try ScenarioLoader.load(path: path)
      let plan = try SimulationPlan(scenario)
      // The copula's normal correlation L·Lᵀ, as the plan builds it.
      let F = scenario.factors.count
      var normal = [Double](repeating: 0, count: F * F)
      for i in 0..<F {
        for j in 0..<F {
          var sum = 0.0
          for k in 0..<F { sum += plan.copulaTransposed[k * F + i] * plan.copulaTransposed[k * F + j] }
          normal[i * F + j] = i == j ? 1 : sum
        }
      }
      if normal.enumerated().contains(where: { $0.offset / F != $0.offset % F && $0.element != 0 }) { correlated += 1 }
      let kept = ExpectedCost(scenario, correlation: normal)
      let reference = ExpectedCost(scenario, correlation: normal, keepsTermRows: false)
      #expect(kept.population == reference.population, "\(path)")
      #expect(kept.serviceCost == reference.serviceCost, "\(path)")
      #expect(kept.programmeCost == reference.programmeCost, "\(path)")
      #expect(kept.poolCost == reference.poolCost, "\(path)")
      // And the plan's own base is this expected cost.
      #expect(plan.expected.poolCost == kept.poolCost, "\(path)")
    }
    // The comparison covers correlated groups (jointly integrated), not only single factors.
    #expect(correlated >= 5)
  }
}
