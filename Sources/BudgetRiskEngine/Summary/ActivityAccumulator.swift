@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskModel

/// The activity a run reports: events (contacts, admissions, bed days — whatever a
/// service's unit cost is per) per service and per scope × category, per budget year and
/// over the horizon, each a mean with its Monte Carlo standard error.
///
/// Terms: a service's *events* in a year are the counts drawn in its cells over the year's
/// periods on the simulated path at full delivery — the activity of need, before any budget
/// acts (``TileWorkspace/yearCounts``), so the same for every proposed budget and response.
/// Per-person services (an annual cost per person) have no events: they are left out, and
/// the reports say so. A scope's events by category add its event services' counts of that
/// category (`proactive` or `reactive`): a sum of unlike units (contacts and bed days), kept
/// because a pool's total crisis activity is what a pilot is judged on.
///
/// Recording takes `V·years` period sums already made by the tile, then
/// `(V + 2·scopes)·(years + 1)` exact adds per iteration; nothing is allocated.
package struct ActivityAccumulator: Sendable, Equatable, Codable {
  package let years: Int
  /// `V × (years + 1)`: service `v`'s events in budget year `y`, the horizon at `y = years`.
  package var byService: [MeanAccumulator]
  /// `scopes × 2 × (years + 1)`: scope `s`'s events of category `c` (0 proactive, 1
  /// reactive) in budget year `y`, the horizon at `y = years`.
  package var byScope: [MeanAccumulator]

  package init(plan: SimulationPlan) {
    years = plan.years
    byService = Array(repeating: MeanAccumulator(), count: plan.serviceCount * (plan.years + 1))
    byScope = Array(repeating: MeanAccumulator(), count: plan.scopes.count * 2 * (plan.years + 1))
  }

  package subscript(service v: Int, year y: Int) -> MeanAccumulator { byService[v * (years + 1) + y] }
  package subscript(scope s: Int, category c: Int, year y: Int) -> MeanAccumulator { byScope[(s * 2 + c) * (years + 1) + y] }

  /// Adds row `r` of the tile `w` last simulated.
  package mutating func record(_ w: TileWorkspace, row r: Int) {
    let plan = w.plan, V = plan.serviceCount, Y = years
    let counts = w.yearCounts.row(r, width: V * Y)
    byService.withUnsafeMutableBufferPointer { services in
      for v in 0..<V where Self.hasEvents(plan, v) {
        var horizon = 0.0
        for y in 0..<Y {
          services[v * (Y + 1) + y].add(counts[v * Y + y])
          horizon += counts[v * Y + y]
        }
        services[v * (Y + 1) + Y].add(horizon)
      }
    }
    byScope.withUnsafeMutableBufferPointer { scopes in
      for (s, scope) in plan.scopes.enumerated() {
        for c in 0..<2 {
          var horizon = 0.0
          for y in 0...Y {
            var events = 0.0
            if y < Y {
              for v in 0..<V where Self.hasEvents(plan, v) && (plan.isProactive[v] ? 0 : 1) == c
                && scope.pools.contains(plan.poolOfService[v]) {
                events += counts[v * Y + y]
              }
              horizon += events
            } else {
              events = horizon
            }
            scopes[(s * 2 + c) * (Y + 1) + y].add(events)
          }
        }
      }
    }
  }

  /// Whether service `v` counts events (not a per-person service).
  @inline(__always)
  package static func hasEvents(_ plan: SimulationPlan, _ v: Int) -> Bool {
    if case .events = plan.serviceCosts[v] { return true }
    return false
  }

  package mutating func merge(_ other: ActivityAccumulator) {
    for i in byService.indices { byService[i].merge(other.byService[i]) }
    for i in byScope.indices { byScope[i].merge(other.byScope[i]) }
  }

  package func hasShape(of other: ActivityAccumulator) -> Bool {
    years == other.years && byService.count == other.byService.count && byScope.count == other.byScope.count
  }
}
