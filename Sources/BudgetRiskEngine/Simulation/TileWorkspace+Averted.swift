@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskModel

/// One iteration's path of each intervention's targets with and without it, per budget year.
///
/// The counterfactual is the same iteration with that intervention's effect set to zero: the
/// same factors, shocks and cell streams, so the targets' cells are re-drawn from their own
/// streams at the other multiplier (``TileWorkspace/redrawCell``) and every difference is
/// paired. By default both paths are at full delivery (the provider absorbs), like the
/// expected cost: the averted figures say what a programme buys when it is delivered as
/// planned. Under rationing (``TileWorkspace/interventionPaths(row:iteration:seed:delivered:into:)``
/// with the ledger's delivered shares) both paths keep the rationed path's delivery: the
/// programme serves, and is paid for, only the delivered share of its recipients, and its
/// counterfactual is the same rationed path without its effect.
package struct InterventionPaths: Sendable {
  /// What is recorded per intervention and year, in this order.
  package enum Field: Int, CaseIterable, Sendable {
    case eventsWith, eventsWithout, costWith, costWithout, programmeCost
  }
  package let interventions: Int
  package let years: Int
  /// `interventions × years × fields`.
  package var values: [Double]

  package init(interventions: Int, years: Int) {
    self.interventions = interventions; self.years = years
    values = [Double](repeating: 0, count: interventions * years * Field.allCases.count)
  }

  package subscript(k: Int, year y: Int, field: Field) -> Double {
    get { values[(k * years + y) * Field.allCases.count + field.rawValue] }
    set { values[(k * years + y) * Field.allCases.count + field.rawValue] = newValue }
  }
}

extension TileWorkspace {
  /// Fills `paths` for row `r` of the tile last simulated (iteration `iteration`).
  ///
  /// Events are the targets' event counts (per-person services have none; their cost still
  /// counts); costs are the targets' cost of need; the programme cost is the intervention's
  /// own (``programmeCost(row:intervention:period:)``).
  ///
  /// - Parameter delivered: the share of each intervention's proactive need delivered per
  ///   period on the row's rationed path (`interventions × T`, the ledger's
  ///   ``BudgetLedger/interventionDelivery`` after a walk under `ration`); nil: full delivery.
  ///   A programme's cost is its delivered share: the programme (its one proactive service)
  ///   is rationed with the pool's other proactive spend.
  package func interventionPaths(
    row r: Int, iteration: Int, seed: UInt64, delivered: Buffer<Double>? = nil, into paths: inout InterventionPaths
  ) {
    let T = plan.periods, V = plan.serviceCount, K = plan.interventionLag.count, ppy = plan.periodsPerYear
    for i in paths.values.indices { paths.values[i] = 0 }
    for k in 0..<K {
      for t in 0..<T {
        let y = t / ppy
        let share = delivered.map { $0[k * T + t] } ?? 1
        paths[k, year: y, .programmeCost] += programmeCost(row: r, intervention: k, period: t) * share
      }
      for v in 0..<V where plan.interventionsTargeting[v].contains(k) {
        for t in 0..<T {
          let y = t / ppy
          let with = interventionMultiplier(row: r, period: t, service: v, delivered: delivered)
          let kept = effect[r * K + k]
          effect[r * K + k] = 0
          let without = interventionMultiplier(row: r, period: t, service: v, delivered: delivered)
          effect[r * K + k] = kept
          let cell = (r * T + t) * V + v
          let eventsWith = cellEvents(row: r, iteration: iteration, seed: seed, period: t, service: v, multiplier: with)
          // The tile's cell is the full-delivery draw; a rationed path re-draws it as the ledger does.
          let costWith = delivered == nil || with == interventionMultiplier(row: r, period: t, service: v, delivered: nil)
            ? cost[cell] : redrawCell(row: r, iteration: iteration, seed: seed, period: t, service: v, multiplier: with)
          paths[k, year: y, .eventsWith] += eventsWith
          paths[k, year: y, .costWith] += costWith
          if without == with {
            paths[k, year: y, .eventsWithout] += eventsWith
            paths[k, year: y, .costWithout] += costWith
          } else {
            paths[k, year: y, .eventsWithout] += cellEvents(
              row: r, iteration: iteration, seed: seed, period: t, service: v, multiplier: without)
            paths[k, year: y, .costWithout] += redrawCell(
              row: r, iteration: iteration, seed: seed, period: t, service: v, multiplier: without)
          }
        }
      }
    }
  }

  /// The event count of cell (t, v) of row `r` at an intervention multiplier: the first draw
  /// of the cell's stream, as ``simulate(tile:active:seed:)`` and ``redrawCell`` draw it.
  func cellEvents(row r: Int, iteration: Int, seed: UInt64, period t: Int, service v: Int, multiplier: Double) -> Double {
    guard case .events(_, _, let noise) = plan.serviceCosts[v] else { return 0 }
    let T = plan.periods, V = plan.serviceCount, years = plan.years
    let lambda = preInterventionRates[(r * T + t) * V + v] * multiplier
    guard lambda > 0 else { return 0 }
    var rng = RandomStream(seed: seed, iteration: UInt64(iteration), stream: StreamID.cell(service: plan.serviceStreamKey[v]), substream: t)
    let mixed = yearMixed(noise, mean: lambda, row: r, service: v, year: t / plan.periodsPerYear)
    return CellCost.count(
      expected: mixed.mean,
      noise: Self.yearDispersion(mixed.noise, mean: lambda, yearMean: yearEvents[(r * V + v) * years + t / plan.periodsPerYear]),
      using: &rng)
  }
}
