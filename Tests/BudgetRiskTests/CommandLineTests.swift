import Foundation
import Testing

/// The `budget-risk` executable end to end: exit statuses (0, 64, 65, 73, 130), what reaches
/// standard error, and that `validate` and `run` accept and refuse the same files.
///
/// The executable is the one `swift build` put next to this test bundle; a test fails (it is
/// never skipped) when it is missing. Runs are tiny (64 iterations) to keep the suite fast.
@Suite(.serialized) struct CommandLineTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static var executable: URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
      .appendingPathComponent("budget-risk")
  }

  struct Result {
    var status: Int32
    var output: String
    var error: String
  }

  /// Runs the executable with `arguments` from the package root; `interruptAfter` sends it
  /// SIGINT that many seconds after it has installed its handler (read from
  /// `/proc/PID/status`, so a slow start on a loaded machine does not lose the signal).
  /// A run still going 120 s later is killed (status 9).
  static func run(_ arguments: [String], interruptAfter: Double? = nil) throws -> Result {
    let path = executable.path
    try #require(FileManager.default.isExecutableFile(atPath: path), "no executable at \(path): run swift build")
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = root
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
    if let seconds = interruptAfter {
      let start = Date()
      while process.isRunning, !catchesInterrupt(process.processIdentifier), Date().timeIntervalSince(start) < 60 {
        Thread.sleep(forTimeInterval: 0.05)
      }
      Thread.sleep(forTimeInterval: seconds)
      process.interrupt()
    }
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let error = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    watchdog.cancel()
    return Result(
      status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
      error: String(decoding: error, as: UTF8.self))
  }

  /// Whether process `pid` has installed a SIGINT handler: bit 1 (signal 2) of the
  /// `SigCgt` mask in `/proc/PID/status`. Where `/proc` is unreadable, true (send at once).
  static func catchesInterrupt(_ pid: Int32) -> Bool {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return true }
    for line in status.split(separator: "\n") where line.hasPrefix("SigCgt:") {
      let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16) ?? 0
      return mask & (1 << (SIGINT - 1)) != 0
    }
    return true
  }

  /// A scratch folder, removed by the caller.
  static func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("budget-risk-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// `fixture` with `line` inserted before its `name:` key, written to `folder/file`.
  static func variant(of fixture: String, adding line: String, in folder: URL, file: String) throws -> String {
    let text = try String(contentsOf: root.appendingPathComponent(fixture), encoding: .utf8)
    let changed = text.replacingOccurrences(of: "\nname:", with: "\n\(line)\nname:")
    #expect(changed != text, "the fixture has no top-level name: key")
    let url = folder.appendingPathComponent(file)
    try changed.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  static let minimal = "Tests/BudgetRiskTests/Fixtures/minimal.yaml"
  static let quick = ["--iterations", "64", "--threads", "1", "--quiet"]

  @Test func aValidRunExitsZeroAndVersionIsPrinted() throws {
    let r = try Self.run(["run", Self.minimal] + Self.quick)
    #expect(r.status == 0 && r.error.isEmpty)
    let v = try Self.run(["--version"])
    #expect(v.status == 0 && v.output.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
  }

  @Test(arguments: [
    ["run"], ["run", minimal, "--threads", "0"], ["run", minimal, "--block-size", "100"],
    ["margin", minimal, "--overspend-at-most", "0.1", "--response", "sometimes"], ["no-such-command"],
  ])
  func badUsageExits64(arguments: [String]) throws {
    let r = try Self.run(arguments)
    #expect(r.status == 64)
    #expect(r.error.contains("Usage:") || r.error.contains("Error:"))
  }

  /// A scenario problem is exit 65 with `file:line: path: message` on standard error and
  /// nothing on standard output.
  @Test func aScenarioErrorExits65WithFileLineAndKey() throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let bad = try Self.variant(of: Self.minimal, adding: "unknown_key: 1", in: folder, file: "bad.yaml")
    for command in [["validate", bad], ["explain", bad], ["run", bad] + Self.quick] {
      let r = try Self.run(command)
      #expect(r.status == 65, "\(command)")
      #expect(r.output.isEmpty)
      let first = r.error.split(separator: "\n").first.map(String.init) ?? ""
      #expect(first.hasPrefix("\(bad):"), "\(first)")
      // file:line: path: message
      let parts = first.dropFirst(bad.count + 1).split(separator: ":", maxSplits: 2)
      #expect(parts.count == 3 && Int(parts[0]) != nil && parts[1].contains("unknown_key"), "\(first)")
    }
  }

  /// What the plan refuses (a threshold beyond a cell's random stream) every command refuses
  /// the same way: exit 65, the file named, no usage banner.
  @Test func everyCommandRefusesWhatThePlanRefuses() throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let bad = try Self.variant(of: Self.minimal, adding: "exact_sum_threshold: 300000", in: folder, file: "threshold.yaml")
    let commands = [
      ["validate", bad], ["explain", bad], ["run", bad] + Self.quick,
      ["margin", bad, "--overspend-at-most", "0.1"] + Self.quick, ["compare", bad, bad] + Self.quick,
    ]
    for command in commands {
      let r = try Self.run(command)
      #expect(r.status == 65, "\(command)")
      #expect(r.error.hasPrefix("\(bad):2: exact_sum_threshold: expected at most 200000"), "\(command): \(r.error)")
      #expect(!r.error.contains("Usage:"))
    }
  }

  /// Two processes running the same command write the same figures: nothing may follow a
  /// per-process order (a `Set`'s iteration order is seeded per process; following it once
  /// changed the expected cost's last bits between runs). Correlated factors and designs.
  @Test func twoProcessesWriteTheSameFigures() throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    var documents = [Data]()
    for k in 0..<2 {
      let json = folder.appendingPathComponent("run\(k).json")
      let r = try Self.run(
        ["compare", "scenarios/place-based-pooled.yaml", "--baseline", "separate", "--iterations", "128", "--threads", "2",
         "--json", json.path, "--quiet"])
      #expect(r.status == 0, "\(r.error)")
      documents.append(try Data(contentsOf: json))
    }
    #expect(documents[0] == documents[1])
  }

  @Test func anUnwritableOutputExits73BeforeSimulating() throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("plain-file")
    try Data("x".utf8).write(to: file)
    let r = try Self.run(["run", Self.minimal, "--json", file.appendingPathComponent("out.json").path] + Self.quick)
    #expect(r.status == 73)
    #expect(!r.error.isEmpty)
  }

  /// Ctrl-C stops a long run: exit 130, a line on standard error, and the finished prefix
  /// of iterations written as a run of that size (its manifest says how many), with no
  /// temporary left beside it.
  @Test func anInterruptedRunExits130AndWritesItsPrefix() throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let json = folder.appendingPathComponent("run.json")
    let r = try Self.run(
      ["run", "scenarios/benchmarks/server-scale.yaml", "--iterations", "10000000", "--threads", "1",
       "--json", json.path, "--quiet"],
      interruptAfter: 3)
    #expect(r.status == 130)
    #expect(r.error.contains("interrupted after"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["run.json"])
    let manifest = try #require(
      (try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])?["manifest"] as? [String: Any])
    let iterations = try #require(manifest["iterations"] as? Int)
    #expect(iterations > 0 && iterations < 10_000_000)
  }

  /// `validate` and `run` accept and refuse the same files: every fixture, every bundled
  /// scenario, and variants broken in the file and in what only the plan checks.
  @Test func validateAndRunAgreeOnEveryFile() throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let fixtures = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Tests/BudgetRiskTests/Fixtures").path)
      .filter { $0.hasSuffix(".yaml") }.sorted().map { "Tests/BudgetRiskTests/Fixtures/\($0)" }
    let bundled = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("scenarios").path)
      .filter { $0.hasSuffix(".yaml") }.sorted().map { "scenarios/\($0)" }
    let broken = [
      try Self.variant(of: Self.minimal, adding: "exact_sum_threshold: 300000", in: folder, file: "a.yaml"),
      try Self.variant(of: Self.minimal, adding: "exact_sum_threshold: -1", in: folder, file: "b.yaml"),
      try Self.variant(of: Self.minimal, adding: "currency: [GBP]", in: folder, file: "c.yaml"),
    ]
    #expect(fixtures.count >= 2 && bundled.count >= 5)
    var refused = 0
    for file in fixtures + bundled + broken {
      let v = try Self.run(["validate", file])
      let r = try Self.run(["run", file] + Self.quick)
      #expect(v.status == r.status, "\(file): validate \(v.status), run \(r.status)")
      #expect(v.status == 0 || v.status == 65, "\(file)")
      if v.status == 65 { refused += 1; #expect(v.error == r.error, "\(file)") }
    }
    #expect(refused == broken.count)
  }
}
