import Dispatch
import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// A mutation fuzzer over the bundled scenarios and the test fixtures, run through the
/// `budget-risk` executable as a careless or hostile user would.
///
/// Each input is one corpus file with one to three mutations (a number replaced by an extreme
/// or scaled by up to 10⁸ either way, a line deleted, duplicated, swapped, re-indented, a tab or a quote inserted, a value
/// emptied, a name swapped). For each, `validate`, then `run --iterations 64 --json --csv --report`
/// over an old output (and `explain` when valid), asserting:
///
/// - no process ends by a signal (a trap, an abort);
/// - only documented exit codes (0, 64, 65, 73);
/// - `validate` and `run` agree: a file that validates runs (exit 0), one refused (65) is
///   refused by `run` too;
/// - no NaN or infinity in the JSON (which parses), the CSV files or the HTML report of a
///   successful run;
/// - on any failure the old output is intact and no temporary is left.
///
/// Inputs are drawn from a fixed seed, so a failure reproduces; each failing input is saved
/// (the path is in the failure message). The default is 40 inputs (a few seconds, part of
/// `swift test`); `BUDGET_RISK_FUZZ_INPUTS=N` sets the count, `BUDGET_RISK_FUZZ_SECONDS=S` runs
/// for S seconds instead, `BUDGET_RISK_FUZZ_SEED` changes the seed. CI runs 200 inputs.
@Suite struct FuzzTests {
  /// The mutations' generator: SplitMix64, as in the summary tests.
  typealias Generator = SummaryTestRandom

  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The bundled scenarios (not the benchmark-sized ones) and the test fixtures.
  static func corpus() throws -> [(name: String, text: String)] {
    var files: [URL] = []
    for folder in ["scenarios", "Tests/BudgetRiskTests/Fixtures"] {
      let url = repository.appendingPathComponent(folder)
      files += try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
        .filter { $0.pathExtension == "yaml" }
    }
    return try files.sorted { $0.path < $1.path }.map { ($0.lastPathComponent, try String(contentsOf: $0, encoding: .utf8)) }
  }

  static let extremes = [
    "0", "-1", "1e308", "5e-324", "1e15", "1e16", ".nan", ".inf", "-.inf", "1e-13", "100", "101", "2.15", "10",
    "1e9", "-0.0", "0.5", "1e17", "7", "16384", "1e13", "''", "~", "[]", "{}", "\"x\\ny.yaml:1: forged\"",
  ]

  /// One mutation of `lines`.
  static func mutate(_ lines: inout [String], names: [String], using g: inout Generator) {
    guard !lines.isEmpty else { return }
    let i = Int.random(in: 0..<lines.count, using: &g)
    switch Int.random(in: 0..<11, using: &g) {
    case 9, 10:  // a number scaled by 10^k, |k| ≤ 8: inside the envelope, often past the plan's limits
      let line = lines[i]
      if let range = line.ranges(of: /[0-9]+(\.[0-9]+)?/).randomElement(using: &g),
        let x = Double(line[range])
      {
        let scaled = x * pow(10, Double(Int.random(in: -8...8, using: &g)))
        lines[i] = line.replacingCharacters(in: range, with: "\(scaled)")
      }
    case 0, 1, 2:  // a number (or a value) replaced by an extreme
      let line = lines[i]
      let numbers = line.ranges(of: /-?[0-9][0-9_.eE+-]*/)
      let value = extremes.randomElement(using: &g)!
      if let range = numbers.randomElement(using: &g) {
        lines[i] = line.replacingCharacters(in: range, with: value)
      } else if let colon = line.firstIndex(of: ":") {
        lines[i] = String(line[...colon]) + " " + value
      }
    case 3: lines.remove(at: i)
    case 4: lines.insert(lines[i], at: i)
    case 5:
      let j = Int.random(in: 0..<lines.count, using: &g)
      lines.swapAt(i, j)
    case 6:  // re-indent, or a tab
      lines[i] = [" ", "\t", "   "].randomElement(using: &g)! + lines[i]
    case 7:  // empty a value
      if let colon = lines[i].firstIndex(of: ":") { lines[i] = String(lines[i][...colon]) }
    default:  // a name replaced by another
      if let name = names.randomElement(using: &g), let other = names.randomElement(using: &g),
        let range = lines[i].range(of: name)
      {
        lines[i] = lines[i].replacingCharacters(in: range, with: other)
      }
    }
  }

  /// The names declared in a text (`name: x` lines), for the name-swapping mutation.
  static func names(in text: String) -> [String] {
    text.split(separator: "\n").compactMap { line in
      guard let match = line.firstMatch(of: /name: ([A-Za-z0-9_-]+)/) else { return nil }
      return String(match.1)
    }
  }

  struct Outcome {
    var executions = 0
    var validated = 0
    var failures: [String] = []
  }

  /// Checks one input in `folder`; returns the executions and any failures.
  static func check(_ text: String, in folder: URL, label: String) throws -> Outcome {
    var outcome = Outcome()
    try Data(text.utf8).write(to: folder.appendingPathComponent("s.yaml"))
    let out = folder.appendingPathComponent("out")
    try? FileManager.default.removeItem(at: out)
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    try Data("old".utf8).write(to: out.appendingPathComponent("o.json"))
    func fail(_ message: String) { outcome.failures.append("\(label): \(message)") }
    func execute(_ arguments: [String]) throws -> (status: Int32, standardError: String)? {
      outcome.executions += 1
      guard let r = try CommandLineTool.run(arguments, in: folder) else { return nil }
      if r.reason == .uncaughtSignal {
        fail("\(arguments.prefix(2).joined(separator: " ")) ended by signal \(r.status): \(r.standardError.prefix(300))")
        return nil
      }
      if ![0, 64, 65, 73].contains(r.status) {
        fail("\(arguments.prefix(2).joined(separator: " ")) exit \(r.status) is not documented: \(r.standardError.prefix(300))")
      }
      return (r.status, r.standardError)
    }
    guard let validate = try execute(["validate", "s.yaml"]) else { return outcome }
    if validate.status == 0 { outcome.validated += 1 }
    guard let run = try execute(
      ["run", "s.yaml", "--iterations", "64", "--threads", "2", "--json", "out/o.json", "--csv", "out/csv",
       "--report", "out/o.html", "--quiet"])
    else { return outcome }
    if validate.status == 0 && run.status != 0 {
      fail("validates but run exits \(run.status): \(run.standardError.prefix(300))")
    }
    if validate.status == 65 && run.status != 65 { fail("refused by validate (65) but run exits \(run.status)") }
    let json = try Data(contentsOf: out.appendingPathComponent("o.json"))
    let names = Set(try FileManager.default.contentsOfDirectory(atPath: out.path))
    if run.status == 0 {
      let text = String(decoding: json, as: UTF8.self)
      if text.contains("NaN") || text.contains("Infinity") { fail("NaN or infinity in the JSON") }
      if (try? JSONSerialization.jsonObject(with: json)) == nil { fail("the JSON does not parse") }
      let html = (try? String(contentsOf: out.appendingPathComponent("o.html"), encoding: .utf8)) ?? ""
      if html.isEmpty { fail("no HTML report") }
      // Figures sit in number cells and intervals; scenario text (a pool may be named "-.inf")
      // sits in headers and text cells.
      if html.contains(/(?i)(<td class="num">|<span class="ci">)[^<a-z]*(nan|inf)\b/)
        || html.contains(/(?i)[±\[] ?[-−]?(nan|inf)\b/)
      {
        fail("NaN or infinity in the HTML report")
      }
      let csv = (try? FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("csv").path)) ?? []
      for name in csv {
        let text = (try? String(contentsOf: out.appendingPathComponent("csv/\(name)"), encoding: .utf8)) ?? ""
        if text.contains(/(^|,)-?(nan|NaN|inf|Infinity)(,|\r|$)/) { fail("NaN or infinity in \(name)") }
      }
    } else if json != Data("old".utf8) || names != ["o.json"] {
      fail("a failed run changed the outputs: \(names.sorted())")
    }
    if validate.status == 0 { _ = try execute(["explain", "s.yaml"]) }
    return outcome
  }

  @Test func mutatedScenariosNeverCrashAndValidateAgreesWithRun() throws {
    let environment = ProcessInfo.processInfo.environment
    let seconds = environment["BUDGET_RISK_FUZZ_SECONDS"].flatMap(Double.init)
    let count = environment["BUDGET_RISK_FUZZ_INPUTS"].flatMap(Int.init) ?? (seconds == nil ? 40 : .max)
    let seed = environment["BUDGET_RISK_FUZZ_SEED"].flatMap(UInt64.init) ?? 20_261_207
    guard CommandLineTool.executable != nil else {
      Issue.record("the budget-risk executable was not found beside the tests")
      return
    }
    let corpus = try Self.corpus()
    try #require(corpus.count >= 7)
    let deadline = seconds.map { Date().addingTimeInterval($0) }
    let failures = FileManager.default.temporaryDirectory.appendingPathComponent("budget-risk-fuzz-failures")
    // Two workers, each with its own folder; input k is mutated from seed + k alone, so the
    // inputs do not depend on the scheduling.
    let workers = 2
    let results = Results()
    DispatchQueue.concurrentPerform(iterations: workers) { w in
      let folder = FileManager.default.temporaryDirectory.appendingPathComponent("budget-risk-fuzz-\(UUID().uuidString)")
      try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: folder) }
      var k = w
      while k < count, deadline.map({ Date() < $0 }) ?? true {
        var g = Generator(seed: seed &+ UInt64(k) &* 0x1_0000_0001)
        let (name, text) = corpus[Int.random(in: 0..<corpus.count, using: &g)]
        var lines = text.components(separatedBy: "\n")
        let names = Self.names(in: text)
        for _ in 0..<Int.random(in: 1...3, using: &g) { Self.mutate(&lines, names: names, using: &g) }
        let mutated = lines.joined(separator: "\n")
        do {
          let outcome = try Self.check(mutated, in: folder, label: "input \(k) (\(name))")
          if !outcome.failures.isEmpty {
            try? FileManager.default.createDirectory(at: failures, withIntermediateDirectories: true)
            let saved = failures.appendingPathComponent("input-\(seed)-\(k).yaml")
            try? Data(mutated.utf8).write(to: saved)
            results.add(outcome, saved: saved.path)
          } else {
            results.add(outcome, saved: nil)
          }
        } catch {
          results.add(Outcome(failures: ["input \(k) (\(name)): \(error)"]), saved: nil)
        }
        k += workers
      }
    }
    let total = results.snapshot()
    print("fuzz: \(total.inputs) inputs, \(total.executions) executions, \(total.validated) valid, \(total.failures.count) failures (seed \(seed))")
    for failure in total.failures.prefix(20) { Issue.record(Comment(rawValue: failure)) }
    #expect(total.failures.isEmpty)
    #expect(total.inputs >= min(count, 10))
    // The corpus's mutants are not all refused: a fuzzer that only meets refusals tests little.
    #expect(total.validated > 0)
  }
}

/// The workers' tallies, behind a lock.
private final class Results: @unchecked Sendable {
  private let lock = NSLock()
  private var inputs = 0, executions = 0, validated = 0
  private var failures: [String] = []

  func add(_ o: FuzzTests.Outcome, saved: String?) {
    lock.lock()
    defer { lock.unlock() }
    inputs += 1
    executions += o.executions
    validated += o.validated
    failures += o.failures.map { failure in saved.map { "\(failure) [saved: \($0)]" } ?? failure }
  }

  func snapshot() -> (inputs: Int, executions: Int, validated: Int, failures: [String]) {
    lock.lock()
    defer { lock.unlock() }
    return (inputs, executions, validated, failures)
  }
}
