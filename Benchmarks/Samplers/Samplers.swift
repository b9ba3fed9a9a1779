// Each sampler at the parameters the engine meets: normal (inversion, and the ziggurat that the
// gamma sampler and the cost sums use), gamma (Marsaglia–Tsang on ziggurat normals, shape below
// and above 1 and large), Poisson (inversion below 10, PTRS to 100, PD above), negative binomial.
import Benchmark
import BudgetRisk

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput, .instructions, .mallocCountTotal],
    timeUnits: .nanoseconds, scalingFactor: .mega, maxDuration: .seconds(2), maxIterations: 1_000,
    thresholds: [
      // The harness allocates 16–18 times per sample itself; a draw that allocated would add a million.
      .mallocCountTotal: .init(absolute: [.p90: 8]),
      // This 2-core machine is shared: wall clock moves ±30 %, so only large slowdowns count.
      .wallClock: .init(relative: [.p90: 35]),
      .throughput: .init(relative: [.p90: 35]),
      .instructions: .init(relative: [.p90: 5]),
    ])

  func sampler(_ name: String, _ draw: @escaping (inout RandomStream) -> Double) {
    Benchmark(name) { benchmark in
      var stream = RandomStream(seed: 1, iteration: 0, stream: 3)
      var acc = 0.0
      for _ in benchmark.scaledIterations { acc += draw(&stream) }
      blackHole(acc)
    }
  }

  sampler("StandardNormal") { StandardNormal.sample(using: &$0) }
  sampler("ZigguratNormal") { ZigguratNormal.sample(using: &$0) }
  sampler("Gamma shape 0.5") { Gamma.sample(shape: 0.5, scale: 1, using: &$0) }
  sampler("Gamma shape 2.5") { Gamma.sample(shape: 2.5, scale: 1, using: &$0) }
  sampler("Gamma shape 10000") { Gamma.sample(shape: 10_000, scale: 1, using: &$0) }
  sampler("Poisson mean 3") { Poisson.sample(mean: 3, using: &$0) }
  sampler("Poisson mean 1000") { Poisson.sample(mean: 1_000, using: &$0) }
  sampler("NegativeBinomial mean 50 dispersion 10") {
    NegativeBinomial.sample(mean: 50, dispersion: 10, using: &$0)
  }
}
