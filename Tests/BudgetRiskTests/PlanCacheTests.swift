import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine

/// `SimulationPlan.compiled` returns the plan a fresh compile gives, with the scenario's own
/// file hash, and never another scenario's plan.
@Suite struct PlanCacheTests {
  @Test func aCachedPlanIsTheFreshPlanWithItsOwnHash() throws {
    var scenario = ReportFixture.scenario
    scenario.sourceSHA256 = "first"
    let fresh = try SimulationPlan(scenario)
    let once = try SimulationPlan.compiled(scenario)
    scenario.sourceSHA256 = "second"
    let again = try SimulationPlan.compiled(scenario)
    #expect(once.sourceSHA256 == "first" && again.sourceSHA256 == "second")
    for plan in [once, again] {
      #expect(plan.expected.poolCost == fresh.expected.poolCost && plan.expectedBase == fresh.expectedBase)
      #expect(plan.scopes == fresh.scopes)
    }
    // A scenario that differs in one number gets its own plan.
    var other = scenario
    other.segments[0].population *= 2
    let doubled = try SimulationPlan.compiled(other)
    #expect(doubled.expected.poolCost != fresh.expected.poolCost)
    #expect(doubled.expected.poolCost == (try SimulationPlan(other)).expected.poolCost)
    #expect(try SimulationPlan.compiled(scenario).expected.poolCost == fresh.expected.poolCost)
  }

  /// A file's designs fill the cache past its capacity: every plan is still its own.
  @Test func manyScenariosEachGetTheirOwnPlan() throws {
    let scenarios = (1...12).map { k -> Scenario in
      var s = ReportFixture.scenario
      s.segments[0].population = Double(1_000 * k)
      return s
    }
    for _ in 0..<2 {
      for s in scenarios {
        #expect(try SimulationPlan.compiled(s).expected.population == (try SimulationPlan(s)).expected.population)
      }
    }
  }
}
