import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// The `--csv` tables: the documented columns (docs/output-format.md), one rectangular
/// table per file that a spreadsheet opens cleanly, and the documented figure names.
@Suite struct CSVReportTests {
  static let files = Dictionary(uniqueKeysWithValues: CSVReport.files(for: ReportFixture.figures).map { ($0.name, $0.data) })

  /// Reads RFC 4180 text: quoted fields may hold commas, quotes (doubled) and line breaks.
  static func parse(_ data: Data) -> [[String]] {
    let text = String(decoding: data, as: UTF8.self)
    var rows = [[String]](), row = [String](), field = "", quoted = false
    var chars = Array(text)[...]
    while let c = chars.popFirst() {
      if quoted {
        if c == "\"" {
          if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
        } else { field.append(c) }
      } else if c == "\"" { quoted = true
      } else if c == "," { row.append(field); field = ""
      } else if c == "\r\n" || c == "\n" { row.append(field); rows.append(row); row = []; field = ""
      } else { field.append(c) }
    }
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    return rows
  }

  static let documentedColumns: [String: [String]] = [
    "figures.csv": ["proposal", "margin", "response", "scope", "figure", "level", "estimate", "lower", "upper", "standard_error", "unit", "currency", "resolution"],
    "drift_path.csv": ["proposal", "margin", "response", "scope", "period", "level", "drift"],
    "services.csv": ["proposal", "margin", "response", "service", "pool", "figure", "estimate", "lower", "upper", "standard_error"],
    "recommendations.csv": ["response", "scope", "overspend_target", "service_gap_target", "margin", "annual_contingency", "overspend_probability", "lower", "upper", "currency", "overspend_rule", "rule_probability", "rule_lower", "rule_upper", "worst_year"],
    "cost_exceedance.csv": ["response", "scope", "proposal", "cost", "probability", "currency"],
    "activity.csv": ["kind", "name", "pool", "category", "year", "expected_events", "standard_error", "lower", "upper"],
  ]

  @Test func writesTheSixDocumentedFiles() {
    #expect(Set(Self.files.keys) == Set(Self.documentedColumns.keys))
  }

  @Test(arguments: ["figures.csv", "drift_path.csv", "services.csv", "recommendations.csv", "cost_exceedance.csv", "activity.csv"])
  func hasTheDocumentedHeaderAndRectangularRows(file: String) throws {
    let data = try #require(Self.files[file])
    let text = String(decoding: data, as: UTF8.self)
    #expect(!text.hasPrefix("\u{FEFF}"))  // no byte-order mark
    #expect(text.hasSuffix("\r\n"))  // RFC 4180 line ends, last line terminated
    let rows = Self.parse(data)
    #expect(rows.first == Self.documentedColumns[file])
    #expect(rows.count > 1)
    #expect(rows.allSatisfy { $0.count == rows[0].count })
  }

  @Test func numbersAreUnformattedAndParse() throws {
    let rows = Self.parse(try #require(Self.files["figures.csv"]))
    let header = rows[0]
    for row in rows.dropFirst() {
      for column in ["estimate", "lower", "upper", "standard_error", "margin"] {
        let value = row[header.firstIndex(of: column)!]
        #expect(value.isEmpty || Double(value) != nil, "\(column) = \(value)")
      }
      #expect(["money", "fraction", "probability", "count"].contains(row[header.firstIndex(of: "unit")!]))
      let currency = row[header.firstIndex(of: "currency")!]
      #expect(currency == (row[header.firstIndex(of: "unit")!] == "money" ? "GBP" : ""))
    }
  }

  @Test func figureNamesAreTheDocumentedOnes() throws {
    let rows = Self.parse(try #require(Self.files["figures.csv"]))
    // Per-year cost figures carry their year in the name: cost_year_N_….
    let names = Set(rows.dropFirst().map { $0[4].replacingOccurrences(of: #"_year_\d+_"#, with: "_year_N_", options: .regularExpression) })
    let documented: Set<String> = [
      "budget", "cost_of_need", "overspend_probability", "overspend_probability_year", "drift_mean", "drift_quantile",
      "expected_overspend", "overspend_var", "overspend_tvar", "service_gap_probability", "unmet_share",
      "service_gap_probability_proactive", "service_gap_probability_reactive", "unmet_share_proactive",
      "unmet_share_reactive", "tolerance_breached_probability", "reserve_exhausted_probability",
      "overspend_beyond_tolerance_probability", "underspend_beyond_tolerance_probability", "reviews_out_of_tolerance",
      "first_breach_probability", "first_overspend_breach_probability", "first_underspend_breach_probability",
      "any_year_overspend_probability", "overspend_years_at_least_probability", "budget_year", "expected_overspend_year",
      "overspend_year_N_var", "overspend_year_N_tvar", "service_gap_probability_year", "unmet_share_year",
      "rationing_probability_year", "rationing_before_last_quarter_probability_year", "rationing_start_probability",
      "cost_mean", "cost_sd", "cost_quantile", "cost_var", "cost_tvar",
      "cost_year_N_mean", "cost_year_N_sd", "cost_year_N_quantile", "cost_year_N_var", "cost_year_N_tvar",
    ]
    #expect(names == documented)
    // Every budget × response × scope has every figure: 2 responses × 4 proposals × 3 scopes.
    let keys = Set(rows.dropFirst().map { $0[0] + "|" + $0[2] + "|" + $0[3] })
    #expect(keys.count == 2 * 4 * 3)
  }

  @Test func driftPathHasEveryPeriodAndLevel() throws {
    let rows = Self.parse(try #require(Self.files["drift_path.csv"])).dropFirst()
    let f = ReportFixture.figures
    #expect(rows.count == f.budgets.count * 3 * f.periods * RunFigures.fanLevels.count)
    let periods = Set(rows.map { Int($0[4])! })
    #expect(periods == Set(1...f.periods))  // 1-based, as documented
  }

  @Test func costExceedanceHoldsEveryCurvePoint() throws {
    let rows = Self.parse(try #require(Self.files["cost_exceedance.csv"])).dropFirst()
    let f = ReportFixture.figures
    #expect(rows.count == f.costExceedance.map(\.points.count).reduce(0, +))
    #expect(rows.allSatisfy { Double($0[3]) != nil && (0...1).contains(Double($0[4]) ?? -1) && $0[5] == "GBP" })
  }

  @Test func fieldsWithCommasAndQuotesAreQuoted() {
    let table = String(decoding: CSVReport.table([["a", "b"], ["x, y", "say \"hi\""]]), as: UTF8.self)
    #expect(table == "a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n")
    #expect(Self.parse(Data(table.utf8)) == [["a", "b"], ["x, y", "say \"hi\""]])
  }

  @Test func explicitProposalHasAnEmptyMargin() throws {
    let rows = Self.parse(try #require(Self.files["figures.csv"]))
    let offer = rows.filter { $0[0] == "Board offer" }
    #expect(!offer.isEmpty && offer.allSatisfy { $0[1].isEmpty })
  }
}
