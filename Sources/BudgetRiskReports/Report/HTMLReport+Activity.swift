import BudgetRiskModel
import BudgetRiskStudies

extension HTMLReport {
  /// The "Activity" part: expected events per service and per pool × category, by budget
  /// year and over the horizon, each with its 95 % interval (nil when no service counts events).
  static func activity(_ f: RunFigures) -> String? {
    let a = f.activity
    guard let first = a.services.first else { return nil }
    let periods = first.events.map { $0.year.map { "year \($0)" } ?? "horizon" }
    func cell(_ e: ExpectedEvents) -> TableCell {
      guard e.expected.mean.isFinite else { return .number("–") }
      let c = OutcomesReport.count
      return .figure(c(e.expected.mean), interval: e.lower.isFinite ? "[\(c(e.lower))–\(c(e.upper))]" : "–")
    }
    var body = paragraph(
      "Expected events (the unit each service's cost is per: contacts, admissions, bed days…) on the simulated paths at full delivery, before any budget acts, so the same under every proposed budget; 95 % intervals for the expectation (mean ± 1.96 standard errors).")
    body += table(
      caption: "Expected events per service by budget year",
      header: ["service", "pool", "category"] + periods,
      rows: a.services.map { s in [.text(s.service), .text(s.pool), .text(s.category)] + s.events.map(cell) })
    body += table(
      caption: "Expected events per pool and category (the sum of the pool's event services of that category)",
      header: ["pool", "category"] + periods,
      rows: a.scopes.map { s in [.text(s.scope), .text(s.category)] + s.events.map(cell) })
    if !a.perPersonServices.isEmpty {
      body += paragraph("Per-person services have no events and are left out: \(a.perPersonServices.joined(separator: ", ")).")
    }
    return body
  }
}
