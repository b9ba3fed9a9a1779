import Foundation
import BudgetRiskStudies
import BudgetRiskModel

/// The text and JSON of `budget-risk outcomes`: what each intervention averts against the
/// same iterations without it, and (with `--sweep`) the dose sweep.
public enum OutcomesReport {
  /// - Parameter rationedAt: the proposed budget a rationing provider walked under
  ///   (`outcomes --rationed-at`); nil: full delivery.
  public static func render(
    _ interventions: [InterventionOutcomeFigures], iterations: Int, currency c: String, rationedAt: String? = nil
  ) -> String {
    var out = "Averted outcomes: each intervention against the same \(iterations) iterations without it (paired; ± is the Monte Carlo standard error; \(delivery(rationedAt)))\n"
    for f in interventions {
      out += "\n\(f.name) (targets: \(f.targets.joined(separator: ", ")))\n"
      var rows = [["year", "averted events", "(unpaired ±)", "averted cost", "programme cost", "net saving", "ROI", "P(net saving > 0)"]]
      for y in f.years {
        rows.append([
          y.year.map { "\($0)" } ?? "horizon",
          events(y.avertedEvents), "± " + count(y.avertedEventsUnpairedStandardError),
          TableReport.estimate(y.avertedCost, c), TableReport.estimate(y.programmeCost, c), TableReport.estimate(y.netSaving, c),
          y.returnOnInvestment.map { TableReport.signedPercent($0) } ?? "undefined",
          probability(y.probabilityNetSaving),
        ])
      }
      out += TableReport.layout(rows)
    }
    return out
  }

  public static func render(_ sweep: DoseSweepFigures, currency c: String) -> String {
    var out = "\nDose sweep of \(sweep.intervention) (\(sweep.unit)), common random numbers, fixed horizon budget \(ReportFormat.money(sweep.budget, c)) (all pools)\n"
    var rows = [["dose", "cost of need", "P(overspend)", "averted events", "programme cost", "net saving", "P(net saving > 0)"]]
    for d in sweep.doses {
      let h = d.outcomes.horizon
      rows.append([
        ReportFormat.plain(d.dose, significant: 6), TableReport.estimate(d.costOfNeed, c), probability(d.overspendProbability),
        events(h.avertedEvents), TableReport.estimate(h.programmeCost, c), TableReport.estimate(h.netSaving, c),
        probability(h.probabilityNetSaving),
      ])
    }
    out += TableReport.layout(rows)
    out += "  lowest expected cost at dose \(ReportFormat.plain(sweep.lowestExpectedCostDose, significant: 6)); "
    out += "lowest P(overspend) at dose \(ReportFormat.plain(sweep.lowestOverspendDose, significant: 6))\n"
    return out
  }

  public static func json(
    _ interventions: [InterventionOutcomeFigures], sweep: DoseSweepFigures?, manifest: RunManifest, rationedAt: String? = nil
  ) throws -> Data {
    try JSONReport.encode(OutcomesDocument(manifest: manifest, interventions: interventions, sweep: sweep, rationedAt: rationedAt))
  }

  /// How the paths were delivered, in words.
  static func delivery(_ rationedAt: String?) -> String {
    rationedAt.map { "the provider rations under \($0): the programme serves its delivered share" } ?? "full delivery"
  }

  static func events(_ e: Estimate) -> String {
    e.mean.isFinite ? "\(count(e.mean)) ± \(e.standardError.isFinite ? count(e.standardError) : "–")" : "undefined"
  }

  /// An event count: whole events from 100 up (grouped), three significant digits below.
  static func count(_ x: Double) -> String {
    guard x.isFinite else { return "–" }
    return abs(x) >= 100 ? ReportFormat.grouped(x.rounded()) : ReportFormat.plain(x, significant: 3)
  }

  static func probability(_ p: Probability) -> String {
    "\(TableReport.percent(p.estimate)) [\(TableReport.percent(p.lower)), \(TableReport.percent(p.upper))]"
  }
}

struct OutcomesDocument: Encodable {
  var manifest: RunManifest
  var interventions: [InterventionOutcomeFigures]
  var sweep: DoseSweepFigures?
  /// The proposed budget a rationing provider walked under (`--rationed-at`); absent: full delivery.
  var rationedAt: String?
}
