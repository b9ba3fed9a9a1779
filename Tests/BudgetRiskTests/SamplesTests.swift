import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// `run --samples`: one row per iteration whose columns recount the run's figures exactly.
@Suite struct SamplesTests {
  static let scenario = DeterminismTests.scenario
  static let options = RunOptions(iterations: 450, seed: 21, threads: 3, blockSize: 64)

  @Test func overspentColumnsCountExactlyWhatTheRunCounted() throws {
    let plain = try Engine.run(Self.scenario, options: Self.options)
    let plan = try SimulationPlan(Self.scenario)
    let run = try Engine.run(plan, options: Self.options, samples: true)
    // Keeping the rows changes no figure.
    #expect(run.accumulator == plain.accumulator)
    let table = try #require(run.samples)
    let width = table.names.count
    #expect(table.rowCount == 450)
    #expect((0..<450).allSatisfy { table.values[$0 * width] == Double($0) })
    func column(_ name: String) throws -> [Double] {
      let c = try #require(table.names.firstIndex(of: name), "no column \(name)")
      return (0..<table.rowCount).map { table.values[$0 * width + c] }
    }
    let total = plan.scopes.count - 1
    for (e, evaluation) in plan.scenarioEvaluations.enumerated() {
      let key = "\(evaluation.budget.label).\(evaluation.response.rawValue)"
      let scope = run.accumulator.evaluations[e].scopes[total]
      // The count of rows with overspent = 1 is the run's count of overspends, exactly.
      let overspent = try column("overspent.\(key)")
      #expect(overspent.allSatisfy { $0 == 0 || $0 == 1 })
      #expect(UInt64(overspent.reduce(0, +)) == scope.overspent.successes)
      // The overspend amounts average to the run's expected overspend: the run sums them
      // exactly in units of the reference budget, the test in doubles (450 terms: a relative
      // difference of a few 1e-16 per term at most).
      let reference = plan.scopes[total].reference
      let mean = try column("overspend.\(key)").reduce(0, +) / 450
      #expect(abs(mean - scope.overspendAmount.mean * reference) <= 1e-12 * max(1, abs(mean)))
    }
    // Factor values are those the engine drew: a lognormal with mean 1, all positive.
    let demand = try column("factor.demand")
    #expect(demand.allSatisfy { $0 > 0 } && Set(demand).count > 400)
    let years = try column("cost_of_need.\(plan.scopes[total].name).year1")
    #expect(years.allSatisfy { $0 > 0 })
  }

  @Test func shardsSamplesAreTheWholeRunsRowsInOrder() throws {
    let plan = try SimulationPlan(Self.scenario)
    let whole = try #require(try Engine.run(plan, options: Self.options, samples: true).samples)
    var joined: [Double] = []
    for k in 0..<3 {
      let shard = Shard("\(k)/3")!
      joined += try #require(try Engine.run(plan, options: shard.options(ofRun: Self.options), samples: true).samples).values
    }
    #expect(joined == whole.values)
  }

  @Test func theFileIsGzipCSVThatReadsBackExactly() throws {
    let plan = try SimulationPlan(Self.scenario)
    let table = try #require(try Engine.run(plan, options: RunOptions(iterations: 100, seed: 3, threads: 1), samples: true).samples)
    let dir = try CommandLineTests.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("s.csv.gz")
    try SamplesFile.encode(table).write(to: file)
    // The system's gzip reads it (CRC and length checked).
    let text = try #require(try ShardCommandLineTests.gunzip(file))
    #expect(text == String(decoding: SamplesFile.csv(table), as: UTF8.self))
    let lines = text.split(separator: "\n")
    #expect(lines.count == 101 && lines[0].hasPrefix("iteration,factor.demand,cost_of_need."))
    // Every value reads back as the double the run computed.
    let values = lines.dropFirst().flatMap { $0.split(separator: ",").map { Double(String($0))! } }
    #expect(values == table.values)
  }
}
