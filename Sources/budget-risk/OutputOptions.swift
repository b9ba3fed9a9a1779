import ArgumentParser
import BudgetRiskReports
import Foundation

/// The output options every simulating command shares: the JSON file, the HTML report and
/// `--quiet`, with the one check that they can be written (before simulating) and the one
/// way they are written (every output built first, each through a temp file and a rename).
///
/// `run`, `compare` and `margin` take them through `@OptionGroup`; `run` and `compare` add
/// `--csv`, which `OutputOptions` checks and writes with the rest.
struct OutputOptions: ParsableArguments {
  @Option(help: "Write the figures and the run manifest as JSON to this file.")
  var json: String?

  @Option(help: "Write a self-contained HTML report (charts and tables) to this file.",
    completion: .file(extensions: ["html"]))
  var report: String?

  @Flag(help: "Print nothing on success and show no progress (files are still written).")
  var quiet = false

  /// Refuses an unwritable output before simulating, not after (exit 73).
  func checkWritable(csvFolder: String? = nil) throws {
    do {
      for path in [json, report].compactMap({ $0 }) { try AtomicFile.checkWritable(path) }
      if let folder = csvFolder {
        try AtomicFile.checkWritable(URL(fileURLWithPath: folder).appendingPathComponent("x").path)
      }
    } catch {
      printError("\(error)")
      throw Exit.cannotWrite
    }
  }

  /// Writes the outputs that were asked for, each built beforehand (exit 73 on failure).
  func write(json jsonData: Data?, report html: Data?, csv: (folder: String, files: [(name: String, data: Data)])? = nil) throws {
    do {
      if let path = json, let data = jsonData { try AtomicFile.write(data, to: path) }
      if let csv { try AtomicFile.write(files: csv.files, into: csv.folder) }
      if let path = report, let data = html { try AtomicFile.write(data, to: path) }
    } catch {
      printError("\(error)")
      throw Exit.cannotWrite
    }
  }
}
