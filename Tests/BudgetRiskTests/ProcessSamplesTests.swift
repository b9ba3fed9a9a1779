import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies

/// `run --samples` writes each factor process's multiplier per budget year
/// (`process.NAME.yearK`), and it is the multiplier the run's costs saw.
@Suite struct ProcessSamplesTests {
  @Test func processColumnsAreTheYearsMultipliers() throws {
    // One per-person service of fixed cost (100,000 a period, ``FactorProcessTests``) whose
    // rate factor (level 1) walks by year with σ = 0.1: year K's cost of need is exactly
    // 1,200,000·exp(X_{K−1}) (up to the money grid), X₀ = 0, and log year 3's multiplier is
    // N(0, 2σ²). A second, period-stepping AR(1) on another service checks the year's mean of
    // its monthly multipliers against that service's cost.
    let sigma = 0.1
    let scenario = FactorProcessTests.scenario([
      FactorProcess(kind: .randomWalk, step: .year, sigma: sigma),
      FactorProcess(kind: .ar1, step: .period, sigma: 0.05, phi: 0.5),
    ])
    let plan = try SimulationPlan(scenario)
    let n = 2_048
    let run = try Engine.run(plan, options: RunOptions(iterations: n, seed: 5, threads: 2, blockSize: 64), samples: true)
    let table = try #require(run.samples)
    let width = table.names.count
    func column(_ name: String) throws -> [Double] {
      let c = try #require(table.names.firstIndex(of: name), "no column \(name)")
      return (0..<table.rowCount).map { table.values[$0 * width + c] }
    }
    #expect(table.names.contains("process.f0.year1") && table.names.contains("process.f1.year3"))
    #expect(try column("process.f0.year1").allSatisfy { $0 == 1 })
    // The walk's year-3 multiplier: log variance 2σ² within 4 SE of the sample variance.
    let logs = try column("process.f0.year3").map { log($0) }
    let (_, variance, se) = FactorProcessTests.meanAndVariance(logs)
    #expect(abs(variance - 2 * sigma * sigma) <= 4 * se, "\(variance)")
    // The total scope holds both services: its year's cost is 1,200,000 × (the walk's year
    // multiplier + the AR(1)'s mean monthly multiplier), up to the money grid: each of the
    // year's 24 cells is rounded to 2⁻⁸, so within 24·2⁻⁹ plus 1e-12 relative.
    let total = plan.scopes.count - 1
    for y in 1...3 {
      let cost = try column("cost_of_need.\(plan.scopes[total].name).year\(y)")
      let walk = try column("process.f0.year\(y)"), ar = try column("process.f1.year\(y)")
      let worst = (0..<n).map { i in
        abs(cost[i] - 12 * FactorProcessTests.perPeriod * (walk[i] + ar[i])) - 1e-12 * cost[i]
      }.max()!
      #expect(worst <= 24 * MoneyGrid.quantum / 2, "year \(y): \(worst)")
    }
  }
}
