import Foundation
import Testing

/// `--sampling rqmc` from the command line: the rounded iteration count, the manifest, the
/// JSON's replicate intervals, the reproduce line, and the refusals.
@Suite struct RQMCCommandLineTests {
  static let minimal = CommandLineTests.minimal

  /// The JSON document a run wrote.
  static func document(_ url: URL) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
  }

  /// A document's figures, keys sorted, for a byte-for-byte comparison.
  static func figures(_ document: [String: Any]) throws -> Data {
    try JSONSerialization.data(withJSONObject: try #require(document["figures"]), options: [.sortedKeys])
  }

  /// Runs a manifest's `reproduce` line as written (its first word, the program, dropped),
  /// writing JSON to `url`; the document it wrote.
  static func replay(_ command: String, into url: URL) throws -> [String: Any] {
    let words = Array(command.split(separator: " ").map(String.init).dropFirst())
    let replay = try CommandLineTests.run(words + ["--quiet", "--json", url.path])
    #expect(replay.status == 0, "\(replay.error)")
    return try document(url)
  }

  @Test func anRQMCRunRecordsItsSamplingAndReplicateIntervals() throws {
    let folder = try CommandLineTests.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    var figures = [Data]()
    for threads in ["1", "2"] {
      let json = folder.appendingPathComponent("rqmc\(threads).json")
      // 1,000 iterations with 16 replicates round to 16 × 64 = 1,024.
      let r = try CommandLineTests.run(
        ["run", Self.minimal, "--sampling", "rqmc", "--iterations", "1000", "--threads", threads, "--quiet", "--json", json.path])
      #expect(r.status == 0, "\(r.error)")
      let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
      let manifest = try #require(document["manifest"] as? [String: Any])
      #expect(manifest["iterations"] as? Int == 1_024)
      let sampling = try #require(manifest["sampling"] as? [String: Any])
      #expect(sampling["method"] as? String == "rqmc" && sampling["replicates"] as? Int == 16)
      // Rotated by default under RQMC (`--rotation gradient`), and the manifest says so.
      #expect(sampling["rotation"] as? String == "gradient")
      #expect((manifest["reproduce"] as? String)?.contains("--sampling rqmc --replicates 16") == true)
      let body = try #require(document["figures"] as? [String: Any])
      let section = try #require(body["sampling"] as? [String: Any])
      #expect(section["pointsPerReplicate"] as? Int == 64)
      let budgets = try #require(section["budgets"] as? [[String: Any]])
      #expect(budgets.count == (body["budgets"] as? [Any])?.count)
      figures.append(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
    }
    #expect(figures[0] == figures[1], "the figures depend on the thread count")
  }

  @Test func theHTMLReportSaysWhichSamplingWasUsed() throws {
    let folder = try CommandLineTests.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let report = folder.appendingPathComponent("rqmc.html")
    let r = try CommandLineTests.run(["run", Self.minimal, "--sampling", "rqmc", "--iterations", "256", "--quiet", "--report", report.path])
    #expect(r.status == 0, "\(r.error)")
    let html = try String(contentsOf: report, encoding: .utf8)
    #expect(html.contains("randomised QMC: 16 replicates"))
  }

  @Test(arguments: [
    ["run", minimal, "--sampling", "rqmc", "--replicates", "3"],
    ["run", minimal, "--sampling", "rqmc", "--state", "/tmp/never-written.json"],
    ["run", minimal, "--sampling", "sobol"],
    ["run", minimal, "--replicates", "16"],
    ["compare", "scenarios/place-based-pooled.yaml", "--sampling", "rqmc", "--tornado"],
    ["margin", minimal, "--overspend-at-most", "0.1", "--sampling", "rqmc", "--replicates", "3"],
    ["outcomes", minimal, "--sampling", "rqmc", "--replicates", "65"],
    ["run", minimal, "--rotation", "gradient"],
    ["compare", "scenarios/place-based-pooled.yaml", "--sampling", "rqmc", "--rotation", "gradient"],
    ["outcomes", minimal, "--sampling", "rqmc", "--rotation", "gradient"],
  ])
  func unsupportedRQMCUsesExit64(arguments: [String]) throws {
    let r = try CommandLineTests.run(arguments + ["--iterations", "64", "--quiet"])
    #expect(r.status == 64, "\(r.error)")
    #expect(r.error.contains("rqmc") || r.error.contains("replicates") || r.error.contains("sampling"), "\(r.error)")
  }
}

extension RQMCCommandLineTests {
  @Test func marginAndCompareRunUnderRQMCAndSaySo() throws {
    let folder = try CommandLineTests.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let marginJSON = folder.appendingPathComponent("margin.json"), marginHTML = folder.appendingPathComponent("margin.html")
    let m = try CommandLineTests.run(
      ["margin", Self.minimal, "--overspend-at-most", "0.1", "--sampling", "rqmc", "--iterations", "256", "--json", marginJSON.path,
       "--report", marginHTML.path])
    #expect(m.status == 0, "\(m.error)")
    #expect(m.output.contains("replicate test inversion"))
    #expect(try String(contentsOf: marginHTML, encoding: .utf8).contains("randomised quasi-Monte Carlo"))
    let margin = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: marginJSON)) as? [String: Any])
    let manifest = try #require(margin["manifest"] as? [String: Any])
    #expect((manifest["reproduce"] as? String)?.contains("--sampling rqmc --replicates 16") == true)
    let figures = try #require(margin["figures"] as? [String: Any])
    #expect((figures["sampling"] as? [String: Any])?["replicates"] as? Int == 16)
    let results = try #require(figures["results"] as? [[String: Any]])
    #expect(results.allSatisfy { $0["method"] as? String == "replicate-test-inversion" && $0["overspendInterval"] != nil })

    let compareJSON = folder.appendingPathComponent("compare.json")
    let c = try CommandLineTests.run(
      ["compare", "scenarios/place-based-pooled.yaml", "--sampling", "rqmc", "--iterations", "256", "--quiet", "--json", compareJSON.path])
    #expect(c.status == 0, "\(c.error)")
    let compare = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: compareJSON)) as? [String: Any])
    #expect((compare["reproduce"] as? String)?.contains("--sampling rqmc --replicates 16") == true)
    let comparison = try #require(compare["comparison"] as? [String: Any])
    #expect((comparison["sampling"] as? [String: Any])?["pointsPerReplicate"] as? Int == 16)
  }
}

extension RQMCCommandLineTests {
  /// The margin solve's text says when its point set was rotated (place-based-pooled has
  /// correlated factors, so its gradient rotation is not the identity), and not under
  /// `--rotation none`.
  @Test func theMarginTextSaysWhetherTheNormalsWereRotated() throws {
    let arguments = ["margin", "scenarios/place-based-pooled.yaml", "--overspend-at-most", "0.1", "--sampling", "rqmc", "--iterations", "256"]
    let rotated = try CommandLineTests.run(arguments)
    #expect(rotated.status == 0, "\(rotated.error)")
    #expect(rotated.output.contains("rotated onto the total cost's gradient"))
    let unrotated = try CommandLineTests.run(arguments + ["--rotation", "none"])
    #expect(unrotated.status == 0, "\(unrotated.error)")
    #expect(unrotated.output.contains("scrambled Sobol' points; replicate test inversion"))
    #expect(!unrotated.output.contains("rotated onto"))
  }
}

extension RQMCCommandLineTests {
  /// A precision run under RQMC stops on the finer grid (community's seed, unrotated: batches
  /// 256 → 448, 16 × 28 points, where doubling would have run 512; rotated, the first batch
  /// already meets the target), and the manifest's `reproduce` line,
  /// run as written, gives the same figures byte for byte.
  @Test func anRQMCPrecisionRunOffAPowerOfTwoReplaysFromItsReproduceLine() throws {
    let folder = try CommandLineTests.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let first = folder.appendingPathComponent("precision.json"), again = folder.appendingPathComponent("again.json")
    let r = try CommandLineTests.run(
      ["run", "scenarios/community-health-network.yaml", "--sampling", "rqmc", "--rotation", "none", "--iterations", "256", "--precision", "0.03",
       "--quiet", "--json", first.path])
    #expect(r.status == 0, "\(r.error)")
    let document = try Self.document(first)
    let manifest = try #require(document["manifest"] as? [String: Any])
    let batches = try #require((manifest["precision"] as? [String: Any])?["batches"] as? [Int])
    #expect(batches == [256, 448])
    let command = try #require(manifest["reproduce"] as? String)
    #expect(command.contains("--iterations 448 --sampling rqmc --replicates 16 --rotation none"))
    let other = try Self.replay(command, into: again)
    #expect((other["manifest"] as? [String: Any])?["iterations"] as? Int == 448)
    #expect(try Self.figures(document) == Self.figures(other))
  }
}

extension RQMCCommandLineTests {
  /// `--rotation none` keeps the unrotated point set: the manifest has no `rotation`, its
  /// `reproduce` line names the option (the default rotates), and replays the figures byte
  /// for byte; the rotated run's figures differ.
  @Test func anUnrotatedRunReplaysFromItsReproduceLine() throws {
    let folder = try CommandLineTests.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let plain = folder.appendingPathComponent("none.json"), again = folder.appendingPathComponent("again.json")
    let rotated = folder.appendingPathComponent("rotated.json")
    let r = try CommandLineTests.run(
      ["run", "scenarios/community-health-network.yaml", "--sampling", "rqmc", "--rotation", "none", "--iterations", "256",
       "--quiet", "--json", plain.path])
    #expect(r.status == 0, "\(r.error)")
    let document = try Self.document(plain)
    let manifest = try #require(document["manifest"] as? [String: Any])
    #expect((manifest["sampling"] as? [String: Any])?["rotation"] == nil)
    let command = try #require(manifest["reproduce"] as? String)
    #expect(command.contains("--sampling rqmc --replicates 16 --rotation none"))
    let a = try Self.figures(document)
    #expect(try a == Self.figures(Self.replay(command, into: again)))
    let turned = try CommandLineTests.run(
      ["run", "scenarios/community-health-network.yaml", "--sampling", "rqmc", "--iterations", "256", "--quiet", "--json", rotated.path])
    #expect(turned.status == 0, "\(turned.error)")
    let third = try Self.document(rotated)
    #expect(try a != Self.figures(third))
    // The rotated run's manifest names the direction: a unit vector, one weight per factor.
    #expect(manifest["rotation"] == nil)
    let rotation = try #require((third["manifest"] as? [String: Any])?["rotation"] as? [String: Any])
    let direction = try #require(rotation["direction"] as? [Double]), factors = try #require(rotation["factors"] as? [String])
    #expect(direction.count == factors.count && factors.count > 1)
    #expect(abs(direction.reduce(0) { $0 + $1 * $1 } - 1) < 1e-12)
  }
}
