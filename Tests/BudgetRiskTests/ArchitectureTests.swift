import Foundation
import Testing
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Data flows one way (`docs/architecture.md`): after the plan is compiled, nothing outside
/// the model reads the scenario. The modules keep a lower layer from importing a higher one;
/// these tests keep the reports from reaching back past the plan.
@Suite struct ArchitectureTests {
  static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Sources")

  /// Code lines of a file (comment lines dropped).
  static func code(_ file: String) throws -> [String] {
    try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
      .split(separator: "\n").map(String.init)
      .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
  }

  @Test func noReportNamesTheScenarioType() throws {
    let files = try #require(FileManager.default.enumerator(atPath: Self.sources.path)).compactMap { $0 as? String }
      .filter { $0.hasPrefix("BudgetRiskReports/") && $0.hasSuffix(".swift") }
    #expect(files.count > 20)
    let scenarioType = try Regex(#"\bScenario\b"#)
    for file in files {
      for line in try Self.code(file) {
        #expect(line.firstMatch(of: scenarioType) == nil, "\(file): \(line)")
      }
    }
  }

  /// The manifest's hash is of the bytes the run read: changing the file afterwards (or
  /// deleting it) does not change it, and it equals the hash of the text that was parsed.
  @Test func theManifestHashesTheBytesReadNotTheFileLater() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("br-arch-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("s.yaml").path
    let bundled = Self.sources.deletingLastPathComponent().appendingPathComponent("scenarios/community-health-network.yaml")
    let bytes = try Data(contentsOf: bundled)
    try bytes.write(to: URL(fileURLWithPath: path))
    let plan = try SimulationPlan(try ScenarioLoader.load(path: path))
    try Data("changed".utf8).write(to: URL(fileURLWithPath: path))
    let manifest = RunManifest(plan: plan, options: RunOptions(iterations: 64, seed: 1, threads: 1), elapsedSeconds: 1)
    #expect(manifest.scenarioSHA256 == SHA256.hex([UInt8](bytes)))
    #expect(manifest.scenarioSHA256.count == 64)
    // Every design of a file carries the file's hash.
    let designs = try ScenarioLoader.loadDesigns(path: bundled.path)
    #expect(designs.allSatisfy { $0.scenario.sourceSHA256 == SHA256.hex([UInt8](bytes)) })
  }

  /// `explain`'s build-up from the plan adds up: the segments, the services and the pools
  /// each sum to the same total (the split by segment is an attribution of that total).
  @Test func theBuildUpFromThePlanAddsUp() throws {
    let plan = try SimulationPlan(ReportFixture.scenario)
    let b = BudgetBuildUp(plan)
    let total = b.total.horizon
    #expect(total > 0)
    // Sums of a few dozen positive terms in a different order: 1e-9 relative.
    #expect(abs(b.bySegment.reduce(0) { $0 + $1.horizon } - total) <= 1e-9 * total)
    #expect(abs(b.byService.reduce(0) { $0 + $1.cost.horizon } - total) <= 1e-9 * total)
    #expect(b.periods == plan.periods && b.sourcePath == plan.sourcePath)
    #expect(ExplainReport.render(b).contains("budget-risk run \(plan.sourcePath) --report"))
  }
}
