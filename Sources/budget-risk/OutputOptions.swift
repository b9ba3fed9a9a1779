import ArgumentParser
import BudgetRiskReports
import Foundation

/// The output options every simulating command shares: the JSON file, the HTML report and
/// `--quiet`, with the one check that they can be written (before simulating) and the one
/// way they are written (every output built first, each through a temp file and a rename).
///
/// `run`, `compare`, `margin` and `outcomes` take them through `@OptionGroup`; `run`, `compare` and `outcomes` add
/// `--csv`, which `OutputOptions` checks and writes with the rest.
struct OutputOptions: ParsableArguments {
  @Option(help: "Write the figures and the run manifest as JSON to this file.")
  var json: String?

  @Option(help: "Write a self-contained HTML report (charts and tables) to this file.",
    completion: .file(extensions: ["html"]))
  var report: String?

  @Flag(help: "Print nothing on success and show no progress (files are still written).")
  var quiet = false

  /// Refuses an output that cannot or must not be written before simulating, not after
  /// (exit 73): an empty path, a folder, a link or device, one of the `inputs`, or two
  /// outputs naming the same file (see `AtomicFile.check`); `extra`: other files to be
  /// written with them (a state file).
  func checkWritable(csvFolder: String? = nil, also extra: [String] = [], inputs: [String]) throws {
    do {
      try AtomicFile.check([json, report].compactMap { $0 } + extra, inputs: inputs)
      if let folder = csvFolder { try AtomicFile.checkFolder(folder, inputs: inputs) }
    } catch {
      printError("\(error)")
      throw Exit.cannotWrite
    }
  }

  /// Writes the outputs that were asked for, each built beforehand, as one set: every file
  /// is replaced, or none (see `AtomicFile.write`); a second signal waits for the renames
  /// (exit 73 on failure).
  func write(
    json jsonData: Data?, report html: Data?, csv: (folder: String, files: [(name: String, data: Data)])? = nil,
    extra: [AtomicFile.Output] = [], inputs: [String], interrupt: InterruptHandler
  ) throws {
    do {
      var outputs: [AtomicFile.Output] = []
      if let path = json, let data = jsonData { outputs.append(.init(path: path, data: data)) }
      if let csv { outputs += AtomicFile.outputs(files: csv.files, into: csv.folder) }
      if let path = report, let data = html { outputs.append(.init(path: path, data: data)) }
      outputs += extra
      try interrupt.writing { try AtomicFile.write(outputs, inputs: inputs) }
    } catch {
      printError("\(error)")
      throw Exit.cannotWrite
    }
  }
}
