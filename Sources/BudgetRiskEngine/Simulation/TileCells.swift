@_spi(HotPath) import BudgetRiskNumerics


/// The ledger's window on a simulated tile: one row's cells and a re-sampler of a cell at
/// another intervention multiplier — nothing else of the ``TileWorkspace`` (factor values,
/// rates, prices, the BLAS scratch) is reachable from the ledger.
///
/// The pointers are views of the workspace's buffers, valid until its next `simulate`.
package struct TileCells {
  private let tile: TileWorkspace

  package init(_ tile: TileWorkspace) { self.tile = tile }

  /// Row `r`'s cost of need per period and service, `T × V`.
  @inline(__always)
  package func cost(row r: Int) -> Handle<Double> {
    tile.cost.row(r, width: tile.plan.periods * tile.plan.serviceCount)
  }

  /// Row `r`'s cost of need per period and pool × category (proactive, reactive), `T × 2P`.
  @inline(__always)
  func poolCategoryCost(row r: Int) -> Handle<Double> {
    tile.poolCategoryCost.row(r, width: tile.plan.periods * 2 * tile.plan.poolCount)
  }

  /// Row `r`'s people per period and segment, `T × S` (capitation budgets follow them).
  @inline(__always)
  package func population(row r: Int) -> Handle<Double> {
    tile.population.row(r, width: tile.plan.periods * tile.plan.segmentCount)
  }

  /// The interventions' multiplier of service `v`'s rate in period `t` of row `r`, with
  /// each intervention delivered at the shares `delivered` (`nil`: in full).
  @inline(__always)
  func interventionMultiplier(row r: Int, period t: Int, service v: Int, delivered: Buffer<Double>?) -> Double {
    tile.interventionMultiplier(row: r, period: t, service: v, delivered: delivered)
  }

  /// Cell (t, v) of row `r` re-drawn at `multiplier` from its own random stream.
  @inline(__always)
  func redraw(row r: Int, iteration: Int, seed: UInt64, period t: Int, service v: Int, multiplier: Double) -> Double {
    tile.redrawCell(row: r, iteration: iteration, seed: seed, period: t, service: v, multiplier: multiplier)
  }
}
