import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// `budget-risk explain`: the deterministic build-up agrees with the analytic expected cost,
/// adds up every way, and prints the totals.
@Suite struct ExplainTests {
  /// Two segments using one event service and a per-person service, in two pools.
  static let yaml = """
    name: Explain test
    horizon: {years: 2}
    segments:
      - {name: older, population: 1000}
      - {name: younger, population: 4000}
    services:
      - {name: visit, category: reactive, stream: health, unit_cost: 100}
      - name: care
        category: reactive
        stream: social_care
        per_person: {segments: [older], annual_cost: 1200}
    utilisation:
      older: {visit: 3}
      younger: {visit: 0.5}
    uncertainty:
      factors:
        - name: older_rates
          distribution: {fixed: 2.0}
          role: rate_multiplier
          segments: [older]
    budget:
      margins: [0, 0.1]

    """

  @Test func closedFormTotalsBySegmentServiceAndPool() throws {
    let scenario = try ScenarioLoader.parse(yaml: Self.yaml, path: "explain.yaml")
    let b = try BudgetBuildUp(scenario)
    // visit: older 1000 × 3 × 2 (rate multiplier) × 100 = 600,000 a year; younger 4000 × 0.5 × 100 = 200,000.
    // care: 1000 × 1200 = 1,200,000 a year, all older.
    let tolerance = 1e-6
    #expect(abs(b.bySegment[0].byYear[0] - 1_800_000) < tolerance)
    #expect(abs(b.bySegment[1].byYear[0] - 200_000) < tolerance)
    #expect(abs(b.byService[0].cost.horizon - 1_600_000) < tolerance)
    #expect(abs(b.byService[1].cost.horizon - 2_400_000) < tolerance)
    #expect(b.byPool.map(\.name) == ["health", "social_care", "total"])
    #expect(abs(b.total.horizon - 4_000_000) < tolerance)
    #expect(abs(b.proposals[1].pools[2].horizon - 4_400_000) < tolerance)
    #expect(abs(b.population[0].byYear[1] - 1000) < tolerance)

    let text = ExplainReport.render(b)
    #expect(text.contains("4,000,000"))  // the horizon total
    #expect(text.contains("1,800,000"))  // older, year 1
    #expect(text.contains("4,400,000"))  // the 10 % margin over the horizon
    #expect(text.contains("no simulation"))
  }

  @Test func agreesWithTheAnalyticExpectedCostAndAddsUpEveryWay() throws {
    let scenario = try ScenarioLoader.parse(yaml: ScenarioText.valid, path: "valid.yaml")
    let b = try BudgetBuildUp(scenario)
    let plan = try SimulationPlan(scenario)
    let analytic = plan.expected.poolCost.reduce(0, +)
    let relative = { (x: Double) in abs(x - analytic) / analytic }
    #expect(relative(b.total.horizon) < 1e-12)
    #expect(relative(b.bySegment.map(\.horizon).reduce(0, +)) < 1e-12)
    #expect(relative(b.byService.map(\.cost.horizon).reduce(0, +)) < 1e-12)
    #expect(relative(b.byPool.last!.horizon) < 1e-12)
    // The base budget of an `expected` base is the expected cost; a margin scales it.
    #expect(relative(b.baseBudget.last!.horizon) < 1e-12)
    #expect(abs(b.proposals[2].pools.last!.horizon / b.baseBudget.last!.horizon - 1.1) < 1e-12)
    // The same totals as the run's figures report.
    let figures = RunFigures(try Engine.run(scenario, options: RunOptions(iterations: 64, seed: 1, threads: 1)))
    for (line, figure) in zip(b.byPool, figures.expectedCost) {
      #expect(line.name == figure.scope)
      #expect(abs(line.horizon - figure.horizon) <= 1e-9 * figure.horizon)
    }
    let text = ExplainReport.render(b)
    #expect(text.contains(ReportFormat.grouped(b.total.horizon)))
    for service in scenario.services { #expect(text.contains(service.name)) }
  }
}
