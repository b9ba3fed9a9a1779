import ArgumentParser
import BudgetRiskStudies
import BudgetRiskReports
import Foundation

/// The outputs of a finished run — JSON, CSV, HTML report, the terminal's tables — built
/// one way whether the run was just simulated (`run`) or read from saved state (`merge`,
/// `report`), so that the figures of a merge are those of one run byte for byte.
struct RunOutputs {
  let result: SimulationRun
  let manifest: RunManifest
  let driversAt: String?
  /// `run --tornado`: the tornado in money, reported with the rest (absent otherwise).
  var tornado: TornadoFigures? = nil

  /// Builds every output, writes them as one set (with `extra` files, e.g. a state), then
  /// prints the tables unless `--quiet`; `note` is printed after the figures' table.
  func write(
    output: OutputOptions, csv: String?, extra: [AtomicFile.Output] = [], inputs: [String],
    interrupt: InterruptHandler, note: String? = nil
  ) throws {
    let figures = RunFigures(result)
    guard let drivers = DriversReport.selected(figures, label: driversAt) else {
      let labels = Set(figures.drivers.map(\.proposal)).sorted()
      throw ValidationError("--drivers-at: no proposal '\(driversAt ?? "")' (proposals: \(labels.joined(separator: ", ")))")
    }
    // Build every output before writing any, so a failure leaves nothing half-written.
    let jsonData = try output.json.map { _ in try JSONReport.encode(manifest: manifest, figures: figures, tornado: tornado) }
    let csvFiles = csv.map {
      (folder: $0, files: CSVReport.files(for: figures) + [DriversReport.csv(figures)] + (tornado.map { [TornadoReport.csv($0)] } ?? []))
    }
    var sections: [any HTMLReportSection] = [DriversSection(label: driversAt)]
    if let tornado { sections.append(TornadoSection(tornado)) }
    let html = output.report.map { _ in Data(HTMLReport.render(
      figures: figures, manifest: manifest, assumptions: result.plan.assumptions, sections: sections).utf8) }
    try output.write(json: jsonData, report: html, csv: csvFiles, extra: extra, inputs: inputs, interrupt: interrupt)
    if !output.quiet {
      print(TableReport.render(figures, manifest: manifest), terminator: "")
      if let note { print(note) }
      if !drivers.factors.isEmpty { print(DriversReport.table(drivers), terminator: "") }
      if let tornado { print(TornadoReport.table(tornado), terminator: "") }
    }
  }
}
