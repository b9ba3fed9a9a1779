// swift-tools-version:6.1
// BudgetRisk: Monte Carlo risk simulator for prospective and pooled health and social care budgets.
import PackageDescription

let package = Package(
  name: "BudgetRisk",
  products: [
    .library(name: "BudgetRisk", targets: ["BudgetRisk"]),
    .executable(name: "budget-risk", targets: ["budget-risk"]),
  ],
  dependencies: [
    // Command line parsing for the `budget-risk` tool.
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    // YAML scenario files; the node API gives line numbers for error messages.
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
  ],
  targets: [
    // The only place that sees OpenBLAS's C headers (libopenblas-dev, found through pkg-config).
    .systemLibrary(
      name: "COpenBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev", "pkg-config"])]
    ),
    .target(
      name: "BudgetRisk",
      dependencies: [
        "COpenBLAS",
        .product(name: "Yams", package: "Yams"),
      ]
    ),
    .executableTarget(
      name: "budget-risk",
      dependencies: [
        "BudgetRisk",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(
      name: "BudgetRiskTests",
      dependencies: ["BudgetRisk"],
      resources: [.copy("Fixtures")]
    ),
  ]
)
