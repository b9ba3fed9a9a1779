import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// The output set is replaced as a whole or not at all, and never clobbers an input.
@Suite struct AtomicOutputTests {
  /// A fresh folder with `o.json`, `o.html` and `csv/figures.csv` holding "old".
  static func folderWithOldOutputs() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("csv"), withIntermediateDirectories: true)
    for name in ["o.json", "o.html", "csv/figures.csv"] {
      try Data("old".utf8).write(to: folder.appendingPathComponent(name))
    }
    return folder
  }

  static func outputs(_ folder: URL) -> [AtomicFile.Output] {
    [AtomicFile.Output(path: folder.appendingPathComponent("o.json").path, data: Data("new".utf8))]
      + AtomicFile.outputs(
        files: [("figures.csv", Data("new".utf8)), ("drift_path.csv", Data("new".utf8))],
        into: folder.appendingPathComponent("csv").path)
      + [AtomicFile.Output(path: folder.appendingPathComponent("o.html").path, data: Data("new".utf8))]
  }

  /// Every file under `folder`, relative, with its contents.
  static func contents(_ folder: URL) -> [String: String] {
    var result: [String: String] = [:]
    let enumerator = FileManager.default.enumerator(atPath: folder.path)
    while let name = enumerator?.nextObject() as? String {
      let url = folder.appendingPathComponent(name)
      var isFolder: ObjCBool = false
      FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
      result[name] = isFolder.boolValue ? "<folder>" : (try? String(contentsOf: url, encoding: .utf8)) ?? "?"
    }
    return result
  }

  static let old = ["o.json": "old", "o.html": "old", "csv": "<folder>", "csv/figures.csv": "old"]

  @Test func aCompleteWriteReplacesEveryFileAndLeavesNoTemporary() throws {
    let folder = try Self.folderWithOldOutputs()
    defer { try? FileManager.default.removeItem(at: folder) }
    try AtomicFile.write(Self.outputs(folder))
    #expect(Self.contents(folder) == [
      "o.json": "new", "o.html": "new", "csv": "<folder>", "csv/figures.csv": "new", "csv/drift_path.csv": "new",
    ])
  }

  /// A full disk part-way through the CSVs: the third write fails; nothing changes.
  @Test func aFailedWriteLeavesEveryOldFileAndNoTemporary() throws {
    let folder = try Self.folderWithOldOutputs()
    defer { try? FileManager.default.removeItem(at: folder) }
    var writes = 0
    #expect(throws: AtomicFile.WriteError.self) {
      try AtomicFile.write(Self.outputs(folder)) { data, url in
        writes += 1
        if writes == 3 { throw CocoaError(.fileWriteOutOfSpace) }
        try data.write(to: url)
      }
    }
    #expect(writes == 3)
    #expect(Self.contents(folder) == Self.old)
  }

  /// `mkdir -p o/csv/figures.csv`: refused before anything is written.
  @Test func aFolderInTheWayOfAnOutputIsRefusedAndNothingChanges() throws {
    let folder = try Self.folderWithOldOutputs()
    defer { try? FileManager.default.removeItem(at: folder) }
    let csv = folder.appendingPathComponent("csv/figures.csv")
    try FileManager.default.removeItem(at: csv)
    try FileManager.default.createDirectory(at: csv, withIntermediateDirectories: false)
    let error = #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write(Self.outputs(folder)) }
    #expect(error?.reason == "it is a folder")
    var expected = Self.old
    expected["csv/figures.csv"] = "<folder>"
    #expect(Self.contents(folder) == expected)
  }

  /// A rename that fails after others succeeded restores the ones already replaced.
  @Test func aFailedRenameRestoresTheFilesAlreadyReplaced() throws {
    let folder = try Self.folderWithOldOutputs()
    defer { try? FileManager.default.removeItem(at: folder) }
    let html = folder.appendingPathComponent("o.html")
    // The last target turns into a non-empty folder after the checks (as a racing process
    // might make it): its rename fails.
    var writes = 0
    #expect(throws: AtomicFile.WriteError.self) {
      try AtomicFile.write(Self.outputs(folder)) { data, url in
        writes += 1
        try data.write(to: url)
        if writes == 4 {
          try FileManager.default.removeItem(at: html)
          try FileManager.default.createDirectory(at: html.appendingPathComponent("x"), withIntermediateDirectories: true)
        }
      }
    }
    var expected = Self.old
    expected["o.html"] = "<folder>"
    expected["o.html/x"] = "<folder>"
    #expect(Self.contents(folder) == expected)
  }

  @Test func anOutputThatIsAnInputOrAnotherOutputIsRefused() throws {
    let folder = try Self.folderWithOldOutputs()
    defer { try? FileManager.default.removeItem(at: folder) }
    let scenario = folder.appendingPathComponent("s.yaml")
    try Data("name: x".utf8).write(to: scenario)
    let sameFile = folder.path + "/./csv/../s.yaml"
    let input = #expect(throws: AtomicFile.WriteError.self) {
      try AtomicFile.write(Data("new".utf8), to: sameFile, inputs: [scenario.path])
    }
    #expect(input?.reason.contains("it is an input of this run") == true)
    #expect(try String(contentsOf: scenario, encoding: .utf8) == "name: x")
    let json = folder.appendingPathComponent("new.json").path
    let twice = #expect(throws: AtomicFile.WriteError.self) {
      try AtomicFile.write([.init(path: json, data: Data()), .init(path: folder.path + "/csv/../new.json", data: Data())])
    }
    #expect(twice?.reason.contains("the same file as another output") == true)
    #expect(!FileManager.default.fileExists(atPath: json))
  }

  @Test func linksSpecialFilesAndEmptyPathsAreRefused() throws {
    let folder = try Self.folderWithOldOutputs()
    defer { try? FileManager.default.removeItem(at: folder) }
    let link = folder.appendingPathComponent("link.json")
    try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "o.json")
    let linked = #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write(Data(), to: link.path) }
    #expect(linked?.reason.contains("symbolic link") == true)
    let device = #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write(Data(), to: "/dev/null") }
    #expect(device?.reason.contains("not a regular file") == true)
    let empty = #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write(Data(), to: "") }
    #expect(empty?.description == "cannot write '': the path is empty")
    #expect(Self.contents(folder)["o.json"] == "old")
  }

  @Test func staleTemporariesOfDeadProcessesAreRemovedOnTheNextWrite() throws {
    let folder = try Self.folderWithOldOutputs()
    defer { try? FileManager.default.removeItem(at: folder) }
    // pid_t max on Linux is at most 2²² (4,194,304): 4,194,999 is never a live process.
    let dead: pid_t = 4_194_999
    let live = ProcessInfo.processInfo.processIdentifier
    let names = [
      ".o.json.budget-risk-\(dead).tmp", ".o.json.budget-risk-\(dead).old", ".o.json.tmp-\(dead)",
      ".o.html.budget-risk-\(live).tmp",
    ]
    for name in names { try Data("x".utf8).write(to: folder.appendingPathComponent(name)) }
    #expect(AtomicFile.stalePID(".o.json.budget-risk-17.tmp") == 17)
    #expect(AtomicFile.stalePID(".notes") == nil)
    try AtomicFile.write(Data("new".utf8), to: folder.appendingPathComponent("o.json").path)
    let left = Set(Self.contents(folder).keys)
    #expect(left == ["o.json", "o.html", "csv", "csv/figures.csv", ".o.html.budget-risk-\(live).tmp"])
  }
}
