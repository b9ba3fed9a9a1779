import Foundation
import Testing

/// The design that ran is recorded in every output of `run` and `margin` (console header,
/// JSON manifest, HTML), and the manifest's `reproduce` command, run as written, gives the
/// same figures bit for bit: a design of a file has the same file hash as its base but
/// different figures, so a command without `--design` would not reproduce it.
@Suite(.serialized) struct DesignRecordTests {
  static let file = "scenarios/place-based-pooled.yaml"

  /// The shell words of a `reproduce` command (the tests' paths need no quoting).
  static func words(_ command: String) -> [String] {
    command.split(separator: " ").map(String.init)
  }

  static func manifest(_ data: Data) throws -> [String: Any] {
    let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    return try #require(root["manifest"] as? [String: Any])
  }

  /// The `figures` object's bytes as written (keys are sorted, so equal figures are equal text).
  static func figuresText(_ data: Data) throws -> Substring {
    let text = String(decoding: data, as: UTF8.self)
    let start = try #require(text.range(of: "\"figures\" : {"))
    let end = try #require(text.range(of: "\"manifest\" : {"))
    return text[start.lowerBound..<end.lowerBound]
  }

  @Test func aDesignRunRecordsItsDesignAndItsReproduceCommandGivesTheSameJSON() throws {
    let folder = try CommandLineTests.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let first = folder.appendingPathComponent("first.json"), html = folder.appendingPathComponent("first.html")
    let r = try CommandLineTests.run(
      ["run", Self.file, "--design", "separate", "--iterations", "64", "--seed", "11", "--threads", "2",
       "--json", first.path, "--report", html.path])
    #expect(r.status == 0, "\(r.error)")
    #expect(r.output.split(separator: "\n").first?.hasSuffix("— design separate") == true, "\(r.output.prefix(200))")
    let firstData = try Data(contentsOf: first)
    let m = try Self.manifest(firstData)
    #expect(m["design"] as? String == "separate")
    let command = try #require(m["reproduce"] as? String)
    #expect(command == "budget-risk run \(Self.file) --design separate --seed 11 --iterations 64")
    let page = try String(contentsOf: html, encoding: .utf8)
    #expect(page.contains("Design: <strong>separate</strong>"))
    #expect(page.contains("To reproduce: \(command)."))

    // Run the command as written (with one thread, and a JSON file), then compare.
    let again = folder.appendingPathComponent("again.json")
    let words = Self.words(command)
    #expect(words.first == "budget-risk")
    let rerun = try CommandLineTests.run(Array(words.dropFirst()) + ["--threads", "1", "--json", again.path, "--quiet"])
    #expect(rerun.status == 0, "\(rerun.error)")
    let againData = try Data(contentsOf: again)
    #expect(try Self.figuresText(againData) == Self.figuresText(firstData))
    let n = try Self.manifest(againData)
    for key in ["design", "reproduce", "scenarioSHA256", "seed", "iterations", "firstIteration"] {
      #expect("\(n[key] ?? "absent")" == "\(m[key] ?? "absent")", "manifest \(key)")
    }
    // The base document gives other figures: the design is what the command must carry.
    let base = folder.appendingPathComponent("base.json")
    let b = try CommandLineTests.run(
      ["run", Self.file, "--iterations", "64", "--seed", "11", "--threads", "1", "--json", base.path, "--quiet"])
    #expect(b.status == 0, "\(b.error)")
    let baseData = try Data(contentsOf: base)
    #expect(try Self.figuresText(baseData) != Self.figuresText(firstData))
    #expect(try Self.manifest(baseData)["design"] == nil)
  }

  @Test func aDesignMarginRecordsItsDesignAndReproduces() throws {
    let folder = try CommandLineTests.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let first = folder.appendingPathComponent("first.json"), html = folder.appendingPathComponent("first.html")
    let r = try CommandLineTests.run(
      ["margin", Self.file, "--overspend-at-most", "0.2", "--design", "separate", "--iterations", "128", "--seed", "5",
       "--threads", "2", "--json", first.path, "--report", html.path])
    #expect(r.status == 0, "\(r.error)")
    #expect(r.output.split(separator: "\n").first?.hasSuffix("— design separate") == true)
    let firstData = try Data(contentsOf: first)
    let m = try Self.manifest(firstData)
    #expect(m["design"] as? String == "separate")
    let command = try #require(m["reproduce"] as? String)
    #expect(command.hasPrefix("budget-risk margin \(Self.file) --design separate --seed 5 --iterations 128"))
    #expect(command.contains("--overspend-at-most 0.2"))
    #expect(try String(contentsOf: html, encoding: .utf8).contains("Design: <strong>separate</strong>"))
    let again = folder.appendingPathComponent("again.json")
    let rerun = try CommandLineTests.run(Array(Self.words(command).dropFirst()) + ["--json", again.path, "--quiet"])
    #expect(rerun.status == 0, "\(rerun.error)")
    let againData = try Data(contentsOf: again)
    #expect(try Self.figuresText(againData) == Self.figuresText(firstData))
  }
}

/// `compare --budget` and `--basis` on the command line: the basis in the output and the
/// reproduce command, and a clear refusal of an amount that is not money.
@Suite(.serialized) struct CompareBasisCommandLineTests {
  @Test func compareStatesItsBasisAndRefusesABadAmount() throws {
    let folder = try CommandLineTests.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let json = folder.appendingPathComponent("c.json")
    let r = try CommandLineTests.run(
      ["compare", DesignRecordTests.file, "--baseline", "separate", "--budget", "240m", "--iterations", "64", "--threads", "2",
       "--json", json.path])
    #expect(r.status == 0, "\(r.error)")
    #expect(r.output.contains("Basis (amounts): every design is held to the same budgets in money"))
    #expect(r.output.contains("240m a year"))
    let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
    #expect((root["comparison"] as? [String: Any])?["basis"] as? String == "amounts")
    #expect(root["reproduce"] as? String
      == "budget-risk compare \(DesignRecordTests.file) --seed 20250404 --iterations 64 --baseline separate --rank-by overspend --budget 240m")
    let bad = try CommandLineTests.run(["compare", DesignRecordTests.file, "--budget", "lots", "--iterations", "64", "--quiet"])
    #expect(bad.status == 64)
    #expect(bad.error.contains("--budget: 'lots' is not an amount of money a year"))
    let clash = try CommandLineTests.run(["compare", DesignRecordTests.file, "--budget", "1m", "--basis", "own", "--quiet"])
    #expect(clash.status == 64)
  }
}
