import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Messages in our own words, at the right line, never forged by a value, and capped.
@Suite struct MessageTests {
  @Test func yamlSyntaxErrorsAreExplainedWithLineAndColumn() {
    let tab = validationIssues(ScenarioText.replacing(("  years: 2", "\tyears: 2")))
    #expect(tab.count == 1)
    #expect(tab.first?.line == 3)
    #expect(tab.first?.message == "invalid YAML at column 1: a tab; YAML indents with spaces only", "\(tab)")
    let colon = validationIssues(ScenarioText.replacing(("name: Test pilot", "name: Test: pilot")))
    #expect(colon.first?.message.contains("at column 11: an unexpected ':' (quote a value that contains ': '") == true, "\(colon)")
    let unclosed = validationIssues(ScenarioText.replacing(("name: Test pilot", "name: \"Test pilot")))
    #expect(unclosed.first?.message.contains("a quote or bracket is not closed") == true, "\(unclosed)")
    #expect(unclosed.allSatisfy { !$0.message.contains("while scanning") })
  }

  @Test func anEmptyValueIsReportedAtItsOwnLine() {
    let yaml = ScenarioText.replacing(("budget:\n  base: expected\n  margins: [0, 0.05, 0.1]\n", "budget:\n"))
    let issues = validationIssues(yaml)
    let line = yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "budget:" }.map { $0 + 1 }
    expectIssue(issues, path: "budget", "'budget' has no value", line: line)
  }

  @Test func aFolderOrAnEmptyPathIsNamedAsSuch() {
    let folder = #expect(throws: ScenarioValidationError.self) {
      try ScenarioLoader.load(path: FileManager.default.temporaryDirectory.path)
    }
    #expect(folder?.issues.first?.message == "this is a folder; give a scenario file (YAML) inside it")
    let empty = #expect(throws: ScenarioValidationError.self) { try ScenarioLoader.load(path: "") }
    #expect(empty?.description == "'': no scenario file given (the path is empty)")
  }

  /// 20,000 bad entries: every one recorded (the duplicate check is a set, not a scan), at
  /// most 100 printed, and how many more there were.
  @Test func manyProblemsArePrintedUpToALimitWithTheRestCounted() {
    let bad = (0..<20_000).map { "    - x\($0)" }.joined(separator: "\n")
    let yaml = ScenarioText.replacing(("budget:\n", "extra:\n\(bad)\nbudget:\n"))
    let issues = validationIssues(yaml)
    #expect(issues.count == 1)  // one unknown key 'extra'
    var list = ScenarioText.replacing(("  margins: [0, 0.05, 0.1]", "  margins: [\((0..<20_000).map { _ in "-1" }.joined(separator: ", "))]"))
    list += ""
    let error = ScenarioValidationError(issues: validationIssues(list))
    #expect(error.issues.count == 20_000)
    let lines = error.description.split(separator: "\n")
    #expect(lines.count == ScenarioValidationError.printedLimit + 1)
    #expect(lines.last == "… and 19900 more problems (fix these first)")
  }

  @Test func negativeIterationsAndTooManyThreadsAreExplained() throws {
    let folder = URL(fileURLWithPath: ScenarioText.fixture("minimal")).deletingLastPathComponent()
    guard let negative = try CommandLineTool.run(["run", "minimal.yaml", "--iterations", "-1"], in: folder) else { return }
    #expect(negative.status == 64)
    #expect(negative.standardError.contains("--iterations must be a whole number of at least 1, found -1"))
    #expect(!negative.standardError.contains("Missing value"))
    guard let threads = try CommandLineTool.run(["run", "minimal.yaml", "--threads", "100000"], in: folder) else { return }
    #expect(threads.status == 64)
    #expect(threads.standardError.contains("--threads must be at most"), "\(threads.standardError)")
  }
}
