import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// The command line's outputs under failure and signals: every old file intact, no
/// temporary behind (the executable itself, run as a user would).
@Suite(.serialized) struct CommandLineOutputTests {
  static func folder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: URL(fileURLWithPath: ScenarioText.fixture("minimal")), to: folder.appendingPathComponent("s.yaml"))
    return folder
  }

  @Test func outputEqualToTheScenarioIsRefusedAndTheScenarioKept() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let before = try Data(contentsOf: folder.appendingPathComponent("s.yaml"))
    for arguments in [
      ["run", "s.yaml", "--iterations", "64", "--json", "s.yaml"],
      ["run", "s.yaml", "--iterations", "64", "--report", "./s.yaml"],
      ["margin", "s.yaml", "--overspend-at-most", "0.1", "--iterations", "64", "--json", "s.yaml"],
      ["run", "s.yaml", "--iterations", "64", "--json", "x.json", "--report", "x.json"],
    ] {
      guard let result = try CommandLineTool.run(arguments, in: folder) else { return }
      #expect(result.status == 73, "\(arguments)")
      #expect(result.standardError.contains("cannot write"), "\(arguments): \(result.standardError)")
    }
    #expect(try Data(contentsOf: folder.appendingPathComponent("s.yaml")) == before)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["s.yaml"])
  }

  /// `mkdir -p o/csv/figures.csv` used to leave o.json new and o.html old (exit 73).
  @Test func aFailedCSVLeavesEveryOldOutput() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let o = folder.appendingPathComponent("o")
    try FileManager.default.createDirectory(at: o.appendingPathComponent("csv/figures.csv"), withIntermediateDirectories: true)
    for name in ["o.json", "o.html"] { try Data("old".utf8).write(to: o.appendingPathComponent(name)) }
    guard let result = try CommandLineTool.run(
      ["run", "s.yaml", "--iterations", "64", "--json", "o/o.json", "--csv", "o/csv", "--report", "o/o.html", "--quiet"],
      in: folder)
    else { return }
    #expect(result.status == 73)
    #expect(result.standardError.contains("figures.csv: it is a folder"))
    #expect(try String(contentsOf: o.appendingPathComponent("o.json"), encoding: .utf8) == "old")
    #expect(try String(contentsOf: o.appendingPathComponent("o.html"), encoding: .utf8) == "old")
    #expect(Set(try FileManager.default.contentsOfDirectory(atPath: o.path)) == ["o.json", "o.html", "csv"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: o.appendingPathComponent("csv").path) == ["figures.csv"])
  }

  /// SIGTERM (and SIGHUP) at any moment, simulation or writing: exit 0 with every new file,
  /// or 128 + signal with every old file (nothing finished) or every new one (the finished
  /// prefix reported); never a temporary, never a mixed set.
  @Test(arguments: [SIGTERM, SIGHUP])
  func aSignalAtAnyMomentLeavesOldOrNewFilesAndNoTemporary(signal number: Int32) throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let o = folder.appendingPathComponent("o")
    var outcomes: Set<Int32> = []
    // Delays from the start to past the end of a run of about half a second.
    for delay in [0.15, 0.3, 0.45, 0.6, 0.8, 1.2] {
      try? FileManager.default.removeItem(at: o)
      try FileManager.default.createDirectory(at: o, withIntermediateDirectories: true)
      for name in ["o.json", "o.html"] { try Data("old".utf8).write(to: o.appendingPathComponent(name)) }
      guard let started = try CommandLineTool.start(
        ["run", "s.yaml", "--iterations", "20000", "--threads", "2", "--json", "o/o.json", "--csv", "o/csv",
         "--report", "o/o.html", "--quiet"], in: folder)
      else { return }
      Thread.sleep(forTimeInterval: delay)
      kill(started.process.processIdentifier, number)
      let result = started.finish()
      // Before the handlers are installed (while the process starts) the default action
      // ends it; nothing has been written then, which the checks below still verify.
      let status = result.reason == .exit ? result.status : 128 + number
      outcomes.insert(status)
      let json = try String(contentsOf: o.appendingPathComponent("o.json"), encoding: .utf8)
      let html = try String(contentsOf: o.appendingPathComponent("o.html"), encoding: .utf8)
      let names = Set(try FileManager.default.contentsOfDirectory(atPath: o.path))
      let allNew = json != "old" && html != "old" && names == ["o.json", "o.html", "csv"]
      let allOld = json == "old" && html == "old" && names == ["o.json", "o.html"]
      if status == 0 {
        #expect(allNew)
      } else {
        #expect(status == 128 + number, "\(result.standardError)")
        #expect(allNew || allOld, "\(names) \(result.standardError)")
        if allNew { #expect(result.standardError.contains("reporting those")) }
      }
    }
    // The signal was seen at least once (a test that cannot fail is a defect).
    #expect(outcomes.contains(128 + number))
    #expect(outcomes.isSubset(of: [0, 128 + number]))
  }

  /// The first Ctrl-C keeps the work: the finished prefix is reported as a run of that size,
  /// its manifest records the count, and `--iterations N` reproduces its figures bit for bit.
  @Test func theFirstCtrlCReportsTheFinishedPrefixReproducibly() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    guard let started = try CommandLineTool.start(
      ["run", "s.yaml", "--iterations", "2000000", "--threads", "2", "--seed", "5", "--json", "cut.json", "--quiet"],
      in: folder)
    else { return }
    Thread.sleep(forTimeInterval: 1.0)
    kill(started.process.processIdentifier, SIGINT)
    let result = started.finish()
    #expect(result.reason == .exit && result.status == 130, "\(result.standardError)")
    let cut = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("cut.json"))) as? [String: Any]
    let manifest = try #require(cut?["manifest"] as? [String: Any])
    let n = try #require(manifest["iterations"] as? Int)
    #expect(n > 0 && n < 2_000_000 && n % 256 == 0)
    #expect(result.standardError.contains("interrupted after \(n) of 2,000,000 iterations") || result.standardError.contains("interrupted after \(n) of 2000000 iterations"))
    guard let again = try CommandLineTool.run(
      ["run", "s.yaml", "--iterations", "\(n)", "--threads", "1", "--seed", "5", "--json", "full.json", "--quiet"], in: folder)
    else { return }
    #expect(again.status == 0)
    let full = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("full.json"))) as? [String: Any]
    let a = try JSONSerialization.data(withJSONObject: try #require(cut?["figures"]), options: [.sortedKeys])
    let b = try JSONSerialization.data(withJSONObject: try #require(full?["figures"]), options: [.sortedKeys])
    #expect(a == b)
  }

  /// A second Ctrl-C stops at once: nothing written. Blocks of 2²⁰ iterations make the
  /// first one wait for a block in flight for many seconds.
  @Test func aSecondCtrlCStopsAtOnceWritingNothing() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    guard let started = try CommandLineTool.start(
      ["run", "s.yaml", "--iterations", "4000000", "--threads", "1", "--block-size", "1048576", "--json", "o.json", "--quiet"],
      in: folder)
    else { return }
    Thread.sleep(forTimeInterval: 0.7)
    kill(started.process.processIdentifier, SIGINT)
    Thread.sleep(forTimeInterval: 0.3)
    let clock = ContinuousClock.now
    kill(started.process.processIdentifier, SIGINT)
    let result = started.finish()
    #expect(ContinuousClock.now - clock < .seconds(3))
    #expect(result.reason == .exit && result.status == 130, "\(result.standardError)")
    #expect(result.standardError.contains("stopped at once; nothing written"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["s.yaml"])
  }
}
