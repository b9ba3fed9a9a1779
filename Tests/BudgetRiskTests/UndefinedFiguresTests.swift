import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// No NaN or infinity reaches an output: undefined figures are `null` with a reason in JSON,
/// empty in CSV and "undefined" or "–" in tables.
@Suite struct UndefinedFiguresTests {
  /// The unmodified full fixture puts every iteration's drift in one drivers bin, so every
  /// Spearman ρ ties: it used to print `−nan` and write "NaN" into the JSON.
  @Test func spearmanWithEveryIterationTiedIsUndefined() throws {
    let scenario = try ScenarioLoader.load(path: ScenarioText.fixture("full"))
    let run = try Engine.run(scenario, options: RunOptions(iterations: 256, seed: 1, threads: 2))
    let figures = RunFigures(run)
    let drivers = try #require(figures.drivers.first)
    let tied = drivers.factors.filter { !$0.spearman.mean.isFinite }
    try #require(!tied.isEmpty, "the fixture no longer ties; this test checks nothing")
    for factor in tied { #expect(factor.spearman.undefined?.contains("every iteration ties") == true) }
    let json = String(decoding: try JSONReport.encode(manifest: RunManifest(run: run), figures: figures), as: UTF8.self)
    #expect(!json.contains("NaN") && !json.contains("Infinity"))
    #expect(json.contains("\"undefined\" : \"every iteration ties"))
    let csv = (CSVReport.files(for: figures) + [DriversReport.csv(figures)])
      .map { String(decoding: $0.data, as: UTF8.self) }.joined()
    #expect(!csv.contains("NaN") && !csv.contains("Infinity"))
    let table = DriversReport.table(drivers)
    #expect(table.contains("undefined") && !table.lowercased().contains("nan"))
  }

  @Test func anEstimateOfOneValueHasNoStandardErrorAndSaysWhy() throws {
    var one = MeanAccumulator()
    one.add(0.25)
    let estimate = Estimate(one)
    #expect(estimate.mean == 0.25)
    #expect(estimate.undefined == "one value: a standard error needs two")
    let none = Estimate(MeanAccumulator())
    #expect(none.undefined == "no value: no iteration in this set")
    let json = String(decoding: try JSONReport.encode([estimate, none]), as: UTF8.self)
    #expect(!json.contains("NaN"))
    #expect(json.contains("\"standardError\" : null"))
    #expect(json.contains("\"mean\" : null"))
    // A defined estimate has no `undefined` key; decoding gives back what was encoded.
    var two = one
    two.add(0.75)
    let defined = String(decoding: try JSONReport.encode(Estimate(two)), as: UTF8.self)
    #expect(!defined.contains("undefined"))
    let back = try JSONDecoder().decode([Estimate].self, from: try JSONReport.encode([estimate, none]))
    #expect(back == [estimate, none])
  }

  /// Any other non-finite number in a JSON document is written `null`, never "NaN".
  @Test func everyNonFiniteNumberIsNullInJSON() throws {
    let text = String(decoding: try JSONReport.encode([1.5, .nan, .infinity, -.infinity]), as: UTF8.self)
    #expect(text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\n", with: "")
      == "[1.5,null,null,null]")
    // Text that reads "NaN" stays text; the marker's control character cannot come from a
    // scenario (the loader refuses control characters in text).
    let strings = String(decoding: try JSONReport.encode(["NaN", "undefined"]), as: UTF8.self)
    #expect(strings.contains("\"NaN\"") && !strings.contains("null"))
    let issues = validationIssues(ScenarioText.replacing(("name: Test pilot", "name: \"Test\\x01undefined\"")))
    expectIssue(issues, path: "name", "control character")
  }

  /// Found by the fuzzer: one overspending iteration left "± nan" under a driver's mean z in
  /// the HTML report, and a count's undefined standard error printed "nan".
  @Test func undefinedSpreadsInReportsAreDashes() {
    #expect(DriversSection.spread(.nan) == "± –")
    #expect(DriversSection.spread(0.0571) == "± 0.057")
    #expect(ReportFormat.plain(.nan) == "–" && ReportFormat.grouped(.infinity) == "–")
    #expect(CellUnit.count.spread(.nan) == "–")
  }

  /// Money of any size keeps its unit: no 300-digit numbers.
  @Test func moneyAtAnySizeHasAUnit() {
    #expect(ReportFormat.money(1.5e12, "GBP") == "GBP 1.50tn")
    #expect(ReportFormat.money(2.5e300, "GBP") == "GBP 2.50e300")
    #expect(ReportFormat.money(-3e17, "EUR") == "EUR −3.00e17")
    #expect(ReportFormat.money(845_200, "GBP") == "GBP 845.2k")
    #expect(ReportFormat.money(.nan, "GBP") == "GBP –")
  }
}
