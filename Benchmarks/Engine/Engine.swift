// One engine block (256 iterations of the server-scale scenario: simulate, then every
// margin under absorb and ration through the ledger), and the scenario end to end.
//
// Steady state allocates nothing: "Engine block x1" and "Engine block x4" run 1 and 4 blocks
// per benchmark iteration on a worker made once, and both must show the same
// mallocCountTotal (the harness's own 16–18; `--allocation-stacks` records 0 in the block).
// End to end, a run's allocations (plan, workers, accumulators, report-free) are the same
// at 2,560 and 10,240 iterations: constant per run, none per iteration.
import BudgetRisk
// The engine-block hook lives in the studies layer, outside the public API.
@_spi(Benchmarks) import BudgetRiskStudies
import Benchmark
import Foundation

let benchmarks: @Sendable () -> Void = {
  let path = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("scenarios/benchmarks/server-scale.yaml").path
  let scenario: Scenario
  do { scenario = try ScenarioLoader.load(path: path) } catch { fatalError("\(path): \(error)") }

  let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .instructions, .mallocCountTotal, .peakMemoryResident]
  Benchmark.defaultConfiguration = .init(
    metrics: metrics,
    timeUnits: .milliseconds, maxDuration: .seconds(5), maxIterations: 50,
    thresholds: [
      // The harness's own allocations vary by a few per sample; one per iteration would add 256.
      .mallocCountTotal: .init(absolute: [.p90: 8]),
      // This 2-core machine is shared: wall clock moves ±30 %, so only large slowdowns count.
      .wallClock: .init(relative: [.p90: 35]),
      .throughput: .init(relative: [.p90: 35]),
      .instructions: .init(relative: [.p90: 5]),
      .peakMemoryResident: .init(relative: [.p90: 20]),
    ])

  for blocks in [1, 4] {
    let engine = try! EngineBlockBenchmark(scenario: scenario)  // a bundled file the plan accepts
    var next = 0
    engine.run(block: 1_000_000)  // warm the workspace once
    // No peakMemoryResident here: its sampling thread allocates as it polls /proc, and the
    // process-wide malloc counter would charge those allocations to the block.
    Benchmark(
      "Engine block x\(blocks) (256 iterations each, server-scale)",
      configuration: .init(
        metrics: [.wallClock, .throughput, .instructions, .mallocCountTotal], timeUnits: .milliseconds,
        maxDuration: .seconds(5), maxIterations: 50,
        thresholds: Benchmark.defaultConfiguration.thresholds?.filter { $0.key != .peakMemoryResident })
    ) { benchmark in
      for _ in 0..<blocks {
        engine.run(block: next)
        next += 1
      }
      blackHole(engine.iterations)
    }
  }

  for iterations in [2_560, 10_240] {
    Benchmark(
      "server-scale end to end, \(iterations) iterations, 1 thread",
      configuration: .init(
        metrics: metrics, timeUnits: .milliseconds, maxDuration: .seconds(10), maxIterations: 10,
        thresholds: Benchmark.defaultConfiguration.thresholds)
    ) { benchmark in
      let run = try Engine.run(scenario, options: RunOptions(iterations: iterations, seed: 1, threads: 1))
      blackHole(run.accumulator.iterations)
    }
  }
}
