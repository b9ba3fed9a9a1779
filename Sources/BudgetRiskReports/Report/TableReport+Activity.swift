import BudgetRiskStudies

extension TableReport {
  /// The activity of a run, compactly: per service (with its pool and category) the expected
  /// events of each budget year and the horizon with their 95 % intervals; the per-scope
  /// category totals are in the JSON, CSV and HTML.
  static func activityTable(_ a: ActivityFigures) -> String {
    guard let first = a.services.first else {
      return a.perPersonServices.isEmpty ? "" : "\nactivity: no service counts events (per-person services: \(a.perPersonServices.joined(separator: ", ")))\n"
    }
    var out = "\nactivity — expected events by budget year and over the horizon, at full delivery (before any budget acts) [95% CI]\n"
    var rows = [["service", "pool", "category"] + first.events.map { $0.year.map { "year \($0)" } ?? "horizon" }]
    for s in a.services {
      rows.append([s.service, s.pool, s.category] + s.events.map(events))
    }
    out += layout(rows)
    if !a.perPersonServices.isEmpty {
      out += "  per-person services have no events and are left out: \(a.perPersonServices.joined(separator: ", "))\n"
    }
    return out
  }

  /// `1,234 [1,200–1,268]`.
  static func events(_ e: ExpectedEvents) -> String {
    guard e.expected.mean.isFinite else { return "undefined" }
    let c = OutcomesReport.count
    return e.lower.isFinite ? "\(c(e.expected.mean)) [\(c(e.lower))–\(c(e.upper))]" : c(e.expected.mean)
  }
}
