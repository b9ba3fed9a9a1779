import Foundation
import Testing

/// `--estimator conditional` from the command line: the manifest, the reproduce line, the
/// JSON's conditional figures, and the refusals.
@Suite struct ConditionalCommandLineTests {
  static let minimal = CommandLineTests.minimal

  @Test func aConditionalRunRecordsItsEstimatorAndFigures() throws {
    let folder = try CommandLineTests.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let json = folder.appendingPathComponent("conditional.json")
    let r = try CommandLineTests.run(
      ["run", Self.minimal, "--sampling", "rqmc", "--estimator", "conditional", "--iterations", "256", "--quiet", "--json", json.path])
    #expect(r.status == 0, "\(r.error)")
    let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
    let manifest = try #require(document["manifest"] as? [String: Any])
    let sampling = try #require(manifest["sampling"] as? [String: Any])
    #expect(sampling["estimator"] as? String == "conditional")
    #expect((manifest["reproduce"] as? String)?.contains("--estimator conditional") == true)
    let body = try #require(document["figures"] as? [String: Any])
    let section = try #require(body["sampling"] as? [String: Any])
    #expect(section["estimator"] as? String == "conditional")
    let budgets = try #require(section["budgets"] as? [[String: Any]])
    for budget in budgets {
      let scope = try #require((budget["scopes"] as? [[String: Any]])?.first)
      let conditional = try #require(scope["conditional"] as? [String: Any])
      #expect(conditional["overspendProbability"] is [String: Any])
      #expect(conditional["flagged"] is Bool)
    }
  }

  @Test(arguments: [
    ["run", minimal, "--estimator", "conditional"],
    ["run", minimal, "--sampling", "rqmc", "--estimator", "exact"],
    ["outcomes", minimal, "--estimator", "conditional"],
  ])
  func unsupportedConditionalUsesExit64(arguments: [String]) throws {
    let r = try CommandLineTests.run(arguments + ["--iterations", "64", "--quiet"])
    #expect(r.status == 64, "\(r.error)")
    #expect(r.error.contains("estimator"), "\(r.error)")
  }
}
