import Foundation
import BudgetRiskStudies

extension OutcomesReport {
  /// The `outcomes --csv DIR` tables, one row per figure, numbers unformatted (as `CSVReport`):
  ///
  /// - `outcomes.csv`: intervention, year (empty: the horizon), figure, estimate, lower,
  ///   upper, standard_error, unit (`events`, `money`, `fraction`, `probability`), currency.
  /// - `dose_sweep.csv` (with `--sweep`): the same columns with the dose first, and the
  ///   dose's `cost_of_need` and `overspend_probability` rows.
  public static func csvFiles(_ interventions: [InterventionOutcomeFigures], sweep: DoseSweepFigures?, currency: String)
    -> [(name: String, data: Data)]
  {
    let header = ["intervention", "year", "figure", "estimate", "lower", "upper", "standard_error", "unit", "currency"]
    var files = [(name: "outcomes.csv", data: CSVReport.table([header] + interventions.flatMap { rows($0, currency: currency) }))]
    if let sweep {
      var table = [["dose"] + header]
      for d in sweep.doses {
        let dose = CSVReport.number(d.dose)
        table.append([dose, sweep.intervention, "", "cost_of_need", CSVReport.number(d.costOfNeed.mean), "", "", CSVReport.number(d.costOfNeed.standardError), "money", currency])
        let p = d.overspendProbability
        table.append([dose, sweep.intervention, "", "overspend_probability", CSVReport.number(p.estimate), CSVReport.number(p.lower), CSVReport.number(p.upper), "", "probability", ""])
        table += rows(d.outcomes, currency: currency).map { [dose] + $0 }
      }
      files.append((name: "dose_sweep.csv", data: CSVReport.table(table)))
    }
    return files
  }

  static func rows(_ f: InterventionOutcomeFigures, currency: String) -> [[String]] {
    var rows: [[String]] = []
    for y in f.years {
      let key = [f.name, y.year.map { "\($0)" } ?? ""]
      func e(_ name: String, _ x: Estimate, unit: String) {
        rows.append(key + [name, CSVReport.number(x.mean), "", "", CSVReport.number(x.standardError), unit, unit == "money" ? currency : ""])
      }
      e("events_with", y.eventsWith, unit: "events")
      e("events_without", y.eventsWithout, unit: "events")
      e("averted_events", y.avertedEvents, unit: "events")
      rows.append(key + ["averted_events_unpaired_standard_error", CSVReport.number(y.avertedEventsUnpairedStandardError), "", "", "", "events", ""])
      e("averted_cost", y.avertedCost, unit: "money")
      e("programme_cost", y.programmeCost, unit: "money")
      e("net_saving", y.netSaving, unit: "money")
      rows.append(key + ["return_on_investment", y.returnOnInvestment.map(CSVReport.number) ?? "", "", "", "", "fraction", ""])
      let p = y.probabilityNetSaving
      rows.append(key + ["probability_net_saving", CSVReport.number(p.estimate), CSVReport.number(p.lower), CSVReport.number(p.upper), "", "probability", ""])
    }
    return rows
  }
}
