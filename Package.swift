// swift-tools-version:6.1
// BudgetRisk: Monte Carlo risk simulator for prospective and pooled health and social care budgets.
//
// One module per layer, so that data can only flow down (docs/architecture.md): a target
// lists only the layer below it, and the compiler refuses an import of a layer above.
//   BudgetRiskNumerics → BudgetRiskModel → BudgetRiskEngine → BudgetRiskStudies
//     → BudgetRiskReports → budget-risk (the command line)
// Across layers the code uses the `package` access level; `public` is the library's API
// (what the command line and the Benchmarks/ package use). The buffers of the engine's hot
// loop are `@_spi(HotPath) public` with `@inlinable` members instead: Swift does not inline
// a member of a `package` type into another module (docs/architecture.md). No unsafe flags.
import PackageDescription

let package = Package(
  name: "BudgetRisk",
  products: [
    // The library: `import BudgetRisk` re-exports every layer's public API (a thin umbrella
    // target); the layers are listed too so that a client (Benchmarks/) may import one.
    .library(
      name: "BudgetRisk",
      targets: [
        "BudgetRisk", "BudgetRiskNumerics", "BudgetRiskModel", "BudgetRiskEngine",
        "BudgetRiskStudies", "BudgetRiskReports",
      ]
    ),
    .executable(name: "budget-risk", targets: ["budget-risk"]),
  ],
  dependencies: [
    // Command line parsing for the `budget-risk` tool.
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    // YAML scenario files; the node API gives line numbers for error messages.
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    // Deflate (zlib) for the gzip-compressed `--samples` CSV: a well-kept wrapper rather than
    // a second hand-written C boundary.
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
  ],
  targets: [
    // The only place that sees OpenBLAS's C headers (libopenblas-dev, found through pkg-config).
    .systemLibrary(
      name: "COpenBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev", "pkg-config"])]
    ),
    // Random numbers, distributions, statistics, the C boundary, raw memory (Buffer).
    .target(
      name: "BudgetRiskNumerics",
      dependencies: ["COpenBLAS"]
    ),
    // The scenario: types, YAML loading and validation, designs; the analytic expected cost.
    .target(
      name: "BudgetRiskModel",
      dependencies: [
        "BudgetRiskNumerics",
        .product(name: "Yams", package: "Yams"),
      ]
    ),
    // The compiled plan (the one gate), tiles, cells, the ledger, the accumulators.
    .target(
      name: "BudgetRiskEngine",
      dependencies: ["BudgetRiskModel"]
    ),
    // What a command asks of the engine (run, precision, compare, margin, bench) and the
    // figures read off a finished run.
    .target(
      name: "BudgetRiskStudies",
      dependencies: ["BudgetRiskEngine"]
    ),
    // Table, JSON, CSV, HTML and SVG reports, explain, the run manifest, atomic writes.
    .target(
      name: "BudgetRiskReports",
      dependencies: ["BudgetRiskStudies", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
    ),
    // The umbrella module of the `BudgetRisk` library product: re-exports every layer.
    .target(
      name: "BudgetRisk",
      dependencies: ["BudgetRiskReports"]
    ),
    .executableTarget(
      name: "budget-risk",
      dependencies: [
        "BudgetRiskReports",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(
      name: "BudgetRiskTests",
      dependencies: [
        "BudgetRiskNumerics", "BudgetRiskModel", "BudgetRiskEngine", "BudgetRiskStudies",
        "BudgetRiskReports",
      ],
      resources: [.copy("Fixtures")]
    ),
  ]
)
