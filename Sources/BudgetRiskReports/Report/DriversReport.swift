import Foundation
import BudgetRiskStudies
import BudgetRiskModel

/// The drivers of the overspend tail in the table, CSV and HTML outputs.
public enum DriversReport {
  /// The drivers entry shown by default or for `label`: the proposal `label` under the first
  /// response, else the first response's headline budget on the drivers' scope
  /// (``RunFigures/headlineBudget(response:scope:)``). Nil when `label` names no proposal.
  public static func selected(_ f: RunFigures, label: String?) -> DriversFigure? {
    guard let first = f.drivers.first else { return nil }
    let response = first.response
    let proposal = label ?? f.headlineBudget(response: response, scope: first.scope)?.proposal
    return f.drivers.first { $0.response == response && $0.proposal == proposal }
  }

  /// Factors ranked by |Spearman ρ| with drift, with the mean score given overspend.
  public static func table(_ d: DriversFigure) -> String {
    var out = "\nDrivers of the overspend tail at \(d.proposal), provider \(d.response)s (\(d.scope); "
    out += "\(d.overspentIterations) overspending iterations; ρ tie error ≤ \(ReportFormat.plain(d.tieErrorBound, significant: 2))):\n"
    var rows = [["factor", "Spearman ρ with drift", "± SE", "mean z given overspend", "± SE"]]
    for x in d.factors {
      rows.append([
        x.factor,
        x.spearman.mean.isFinite ? ReportFormat.minus(String(format: "%+.3f", x.spearman.mean)) : "undefined",
        x.spearman.standardError.isFinite ? String(format: "%.3f", x.spearman.standardError) : "–",
        x.meanZGivenOverspend.mean.isFinite ? ReportFormat.minus(String(format: "%+.3f", x.meanZGivenOverspend.mean)) : "–",
        x.meanZGivenOverspend.standardError.isFinite ? String(format: "%.3f", x.meanZGivenOverspend.standardError) : "–",
      ])
    }
    return out + ComparisonReport.columns(rows)
  }

  /// `drivers.csv`: one row per proposed budget × response × factor.
  public static func csv(_ f: RunFigures) -> (name: String, data: Data) {
    let n = CSVReport.number
    var rows = [[
      "proposal", "margin", "response", "scope", "factor", "rank", "spearman", "spearman_standard_error",
      "mean_z_given_overspend", "mean_z_standard_error", "overspent_iterations", "tie_error_bound",
    ]]
    for d in f.drivers {
      for (i, x) in d.factors.enumerated() {
        rows.append([
          d.proposal, d.margin.map(n) ?? "", d.response, d.scope, x.factor, "\(i + 1)", n(x.spearman.mean),
          n(x.spearman.standardError), n(x.meanZGivenOverspend.mean), n(x.meanZGivenOverspend.standardError),
          "\(d.overspentIterations)", n(d.tieErrorBound),
        ])
      }
    }
    return ("drivers.csv", CSVReport.table(rows))
  }
}

/// The HTML report's drivers section: the ranked factors at the selected budget.
public struct DriversSection: HTMLReportSection {
  public let label: String?
  public var anchor: String { "drivers" }
  public var heading: String { "What drives the overspend tail" }

  public init(label: String?) { self.label = label }

  public func body(figures: RunFigures) -> String {
    guard let d = DriversReport.selected(figures, label: label), !d.factors.isEmpty else {
      return HTMLReport.paragraph("The scenario has no uncertain factors.")
    }
    var html = HTMLReport.paragraph(
      "At \(d.proposal), provider \(d.response)s, on \(d.scope): each uncertain factor's rank (Spearman) correlation with drift, "
        + "and the mean of its standardised score z given overspend (0 = overspend says nothing about it; +1 = overspending "
        + "pilots drew it one standard deviation high). Ranked by |ρ|; ties within drift bins move ρ by at most "
        + "\(ReportFormat.plain(d.tieErrorBound, significant: 2)).")
    let rows: [[TableCell]] = d.factors.map { x in
      [.text(x.factor),
       x.spearman.mean.isFinite
        ? .figure(String(format: "%+.3f", x.spearman.mean), interval: Self.spread(x.spearman.standardError))
        : .number("undefined"),
       x.meanZGivenOverspend.mean.isFinite
        ? .figure(String(format: "%+.3f", x.meanZGivenOverspend.mean), interval: Self.spread(x.meanZGivenOverspend.standardError))
        : .number("–")]
    }
    html += HTMLReport.table(caption: "Drivers at \(d.proposal), \(d.response)", header: ["factor", "Spearman ρ with drift", "mean z given overspend"], rows: rows)
    return html
  }
}

extension DriversSection {
  /// `± 0.057`, or `± –` where the standard error is undefined (one overspending iteration).
  static func spread(_ se: Double) -> String {
    se.isFinite ? String(format: "± %.3f", se) : "± –"
  }
}
