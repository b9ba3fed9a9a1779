// Raw generator throughput: Philox4x32-10 blocks and RandomStream draws.
import Benchmark
import BudgetRisk

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput, .instructions, .mallocCountTotal, .peakMemoryResident],
    timeUnits: .nanoseconds, scalingFactor: .mega, maxDuration: .seconds(2), maxIterations: 1_000,
    thresholds: [
      // The harness allocates 16–18 times per sample itself; a draw that allocated would add a million.
      .mallocCountTotal: .init(absolute: [.p90: 8]),
      // This 2-core machine is shared: wall clock moves ±30 %, so only large slowdowns count.
      .wallClock: .init(relative: [.p90: 35]),
      .throughput: .init(relative: [.p90: 35]),
      .instructions: .init(relative: [.p90: 5]),
      // The process's resident peak moves by a few MB between runs (the harness's own buffers).
      .peakMemoryResident: .init(relative: [.p90: 20]),
    ])

  Benchmark("Philox4x32-10 block") { benchmark in
    let philox = Philox4x32(key: SIMD2(0x1234_5678, 0x9abc_def0))
    var acc = SIMD4<UInt32>(repeating: 0)
    for i in benchmark.scaledIterations { acc &+= philox.block(SIMD4(UInt32(truncatingIfNeeded: i), 0, 7, 0)) }
    blackHole(acc)
  }

  Benchmark("RandomStream.next") { benchmark in
    var stream = RandomStream(seed: 1, iteration: 0, stream: 2)
    var acc: UInt64 = 0
    for _ in benchmark.scaledIterations { acc &+= stream.next() }
    blackHole(acc)
  }

  Benchmark("RandomStream new stream + 4 draws (one cell)") { benchmark in
    var acc: UInt64 = 0
    for i in benchmark.scaledIterations {
      var stream = RandomStream(seed: 1, iteration: UInt64(i), stream: 2 << 28 | 5)
      acc &+= stream.next() &+ stream.next() &+ stream.next() &+ stream.next()
    }
    blackHole(acc)
  }
}
