// swift-tools-version:6.1
// Micro- and end-to-end benchmarks of BudgetRisk, with ordo-one/benchmark.
//
// A nested package, so that `swift build` / `swift test` at the top level never build it.
//   cd Benchmarks && swift package benchmark                      # run, print medians
//   swift package --allow-writing-to-package-directory benchmark thresholds update   # save Thresholds/
//   swift package benchmark thresholds check                      # compare with Thresholds/ (exit 2 on a regression)
// See docs/performance.md.
import PackageDescription

let benchmarkDependencies: [Target.Dependency] = [
  .product(name: "Benchmark", package: "benchmark"),
  .product(name: "BudgetRisk", package: "BudgetRisk"),
]

let package = Package(
  name: "BudgetRiskBenchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [
    // Named explicitly: a path dependency is otherwise known by its folder name (the checkout).
    .package(name: "BudgetRisk", path: "../"),
    // The MallocInterposer trait alone: the default traits also name a runtime interposer
    // that the local package mirror does not have.
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: ["Generator", "Samplers", "Engine"].map { name in
    .executableTarget(
      name: name,
      dependencies: benchmarkDependencies,
      path: name,
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
  }
)
