import Foundation
import Testing
@_spi(Benchmarks) @testable import BudgetRiskStudies
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskReports

/// The arithmetic behind `budget-risk bench` (no timing assertions: timings are the machine's).
@Suite struct ScalingBenchmarkTests {
  @Test func defaultThreadCountsArePowersOfTwoThenTheCoreCount() {
    #expect(ScalingBenchmark.defaultThreadCounts(cores: 1) == [1])
    #expect(ScalingBenchmark.defaultThreadCounts(cores: 2) == [1, 2])
    #expect(ScalingBenchmark.defaultThreadCounts(cores: 6) == [1, 2, 4, 6])
    #expect(ScalingBenchmark.defaultThreadCounts(cores: 16) == [1, 2, 4, 8, 16])
  }

  /// Hand-worked: 1 thread does 1,000 it/s; 2 threads 1,800 it/s → 1,800 / (2 × 1,000) = 0.9;
  /// 4 threads 3,000 it/s → 0.75. Cells are iterations × 576.
  @Test func efficiencyAndRatesFromHandWorkedTimings() {
    let m = ScalingBenchmark.measurements(
      [(1, 10_000, 10, 100), (2, 9_000, 5, 120), (4, 6_000, 2, nil)], cellsPerIteration: 576)
    #expect(m.map(\.threads) == [1, 2, 4])
    #expect(m.map(\.iterationsPerSecond) == [1_000, 1_800, 3_000])
    #expect(m.map(\.cellsPerSecond) == [576_000, 1_036_800, 1_728_000])
    #expect(m.map(\.cellsPerSecondPerCore) == [576_000, 518_400, 432_000])
    #expect(abs(m[0].parallelEfficiency - 1) < 1e-15)
    #expect(abs(m[1].parallelEfficiency - 0.9) < 1e-15)
    #expect(abs(m[2].parallelEfficiency - 0.75) < 1e-15)
    #expect(m.map(\.peakResidentBytes) == [100, 120, nil])
  }

  /// Without a single-thread entry the fewest threads are the reference: per-thread rates
  /// 2,000/2 and 3,000/4 → 0.75.
  @Test func efficiencyWithoutASingleThreadRunUsesTheFewestThreads() {
    let m = ScalingBenchmark.measurements([(2, 2_000, 1, nil), (4, 3_000, 1, nil)], cellsPerIteration: 1)
    #expect(m[0].parallelEfficiency == 1)
    #expect(m[1].parallelEfficiency == 0.75)
    #expect(ScalingBenchmark.parallelEfficiency(throughput: 0, threads: 1, referenceThroughput: 1, referenceThreads: 1) == 0)
  }

  @Test func aTinyRunReportsEveryThreadCountConsistently() throws {
    let report = try ScalingBenchmark.run(
      try SimulationPlan(DeterminismTests.scenario), file: "test.yaml", iterations: 128, seed: 3, threadCounts: [1, 2],
      blockSize: 64, warmUpIterations: 64)
    #expect(report.cellsPerIteration == 24 * 2)
    #expect(report.cores == ProcessInfo.processInfo.activeProcessorCount)
    #expect(report.openBLAS.contains("OpenBLAS"))
    #expect(report.measurements.map(\.threads) == [1, 2])
    for m in report.measurements {
      #expect(m.iterations == 128 && m.elapsedSeconds > 0)
      #expect(abs(m.cellsPerSecond - m.iterationsPerSecond * 48) <= 1e-9 * m.cellsPerSecond)
    }
    #expect(report.measurements[0].parallelEfficiency == 1)
    #if os(Linux)
      #expect((report.measurements[0].peakResidentBytes ?? 0) > 1_000_000)
    #endif
  }

  @Test func badThreadCountsAreRejected() {
    #expect(throws: RunOptionsError.self) {
      try ScalingBenchmark.run(try SimulationPlan(DeterminismTests.scenario), file: "t", iterations: 64, seed: 1, threadCounts: [])
    }
    #expect(throws: RunOptionsError.self) {
      try ScalingBenchmark.run(try SimulationPlan(DeterminismTests.scenario), file: "t", iterations: 64, seed: 1, threadCounts: [1, 0])
    }
  }

  /// The benchmark hook runs whole blocks into the worker's accumulators.
  @Test func engineBlockHookCountsItsIterations() throws {
    let block = try EngineBlockBenchmark(scenario: DeterminismTests.scenario, blockSize: 128)
    block.run(block: 0)
    block.run(block: 5)
    #expect(block.iterations == 256)
    #expect(block.cellsPerIteration == 48)
  }
}
