import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

@Suite struct ReportTests {
  @Test(arguments: [
    // FIPS 180-4 examples (NIST CSRC "SHA256.pdf"): "", "abc" and the two-block message.
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
  ])
  func sha256MatchesTheFIPSExamples(message: String, digest: String) {
    #expect(SHA256.hex(Array(message.utf8)) == digest)
  }

  @Test func csvQuotesOnlyWhatNeedsIt() {
    let data = CSVReport.table([["a", "b,c", "say \"hi\""], ["1", "2", "3"]])
    #expect(String(decoding: data, as: UTF8.self) == "a,\"b,c\",\"say \"\"hi\"\"\"\r\n1,2,3\r\n")
  }

  @Test func atomicWritesReplaceWholeFilesAndCreateMissingFolders() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("budget-risk-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("out.json").path
    try AtomicFile.write(Data("first".utf8), to: path)
    try AtomicFile.write(Data("second".utf8), to: path)
    #expect(String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self) == "second")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.json"])
    let nested = folder.appendingPathComponent("missing/deeper/out.json").path
    try AtomicFile.check([nested])
    try AtomicFile.write(Data("x".utf8), to: nested)
    #expect(FileManager.default.contents(atPath: nested) == Data("x".utf8))
    // A path through a regular file is refused, both before a run and at write time.
    let throughFile = folder.appendingPathComponent("out.json/x.json").path
    #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.check([throughFile]) }
    #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write(Data("x".utf8), to: throughFile) }
  }
}
