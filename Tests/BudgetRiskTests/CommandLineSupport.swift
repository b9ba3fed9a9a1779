import Foundation
import Testing

/// Runs the `budget-risk` executable that `swift test` built beside the test bundle.
enum CommandLineTool {
  /// The executable, or nil (recorded as a test issue by ``run``) when it is not built.
  static var executable: URL? {
    let candidates = [
      Bundle.main.bundleURL.deletingLastPathComponent(),
      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
      Bundle.main.bundleURL,
      URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug"),
    ].map { $0.appendingPathComponent("budget-risk") }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }

  /// A started process with its standard error captured.
  struct Started {
    let process: Process
    let standardError: Pipe

    /// Waits for the exit; returns the status and standard error.
    func finish() -> (status: Int32, reason: Process.TerminationReason, standardError: String) {
      let data = standardError.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      return (process.terminationStatus, process.terminationReason, String(decoding: data, as: UTF8.self))
    }
  }

  static func start(_ arguments: [String], in folder: URL, sourceLocation: SourceLocation = #_sourceLocation) throws -> Started? {
    guard let executable else {
      Issue.record("the budget-risk executable was not found beside the tests", sourceLocation: sourceLocation)
      return nil
    }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = folder
    process.standardOutput = FileHandle.nullDevice
    let pipe = Pipe()
    process.standardError = pipe
    try process.run()
    return Started(process: process, standardError: pipe)
  }

  static func run(_ arguments: [String], in folder: URL, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> (status: Int32, reason: Process.TerminationReason, standardError: String)?
  {
    try start(arguments, in: folder, sourceLocation: sourceLocation)?.finish()
  }
}
