import Foundation
import Testing

@testable import BudgetRisk

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

  /// SIGTERM (and SIGHUP) at any moment, simulation or writing: exit 128 + signal with every
  /// old file, or 0 with every new one; never a temporary.
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
      if status == 0 {
        #expect(json != "old" && html != "old" && names == ["o.json", "o.html", "csv"])
      } else {
        #expect(status == 128 + number, "\(result.standardError)")
        #expect(json == "old" && html == "old" && names == ["o.json", "o.html"])
      }
    }
    // The signal was seen at least once (a test that cannot fail is a defect).
    #expect(outcomes.contains(128 + number))
    #expect(outcomes.isSubset(of: [0, 128 + number]))
  }
}
