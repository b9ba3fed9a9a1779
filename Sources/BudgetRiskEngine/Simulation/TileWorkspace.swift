@_spi(HotPath) import BudgetRiskNumerics


/// A worker's scratch memory for one tile of iterations, allocated once per worker.
///
/// A tile is ``TileWorkspace/rows`` consecutive iterations aligned to a multiple of `rows`
/// in the global iteration numbering, so every iteration always sits in the same row of the
/// same matrix shapes: the BLAS products, and so the figures, do not depend on the block
/// size, thread count or shard split. Rows outside the run's range are zero.
///
/// Its storage is ``Buffer``s (`Internals/Buffer.swift`), allocated here once; it never
/// leaves the worker that made it.
package final class TileWorkspace {
  package static let rows = 64

  package let plan: SimulationPlan
  /// Independent normals, then correlated normals, `rows × F`.
  let normals: Buffer<Double>
  let correlated: Buffer<Double>
  /// Φ of the correlated normals, `rows × F`: the copula's uniforms (also the drivers' scores).
  let correlatedCDF: Buffer<Double>
  /// Factor values drawn through the copula, `rows × F`.
  let factorValues: Buffer<Double>
  /// Per-row parameters.
  let startPopulation: Buffer<Double>  // rows × S
  package let growth: Buffer<Double>  // rows × S
  package let segmentRate: Buffer<Double>  // rows × S
  let serviceRate: Buffer<Double>  // rows × V
  package let unitCostMultiplier: Buffer<Double>  // rows × V
  package let inflation: Buffer<Double>  // rows × V
  package let effect: Buffer<Double>  // rows × interventions
  let spillover: Buffer<Double>  // rows × interventions
  /// People per segment, realised and rate-weighted, `(rows·T) × S`.
  package let population: Buffer<Double>
  let effectivePopulation: Buffer<Double>
  /// Expected events before season, multipliers, shocks and interventions, `(rows·T) × V`.
  let baseRates: Buffer<Double>
  /// Expected activity after everything but interventions, `(rows·T) × V`.
  let preInterventionRates: Buffer<Double>
  /// Expected activity at full delivery, interventions included, `(rows·T) × V`: an event
  /// cell's λ or a per-person cell's level (both from ``simulateCells``), kept for
  /// ``ConditionalCost``, which would otherwise work out every cell's intervention
  /// multiplier a second time.
  let deliveredRates: Buffer<Double>
  /// Cost of need at full delivery, `(rows·T) × V`.
  package let cost: Buffer<Double>
  /// Cost of need per pool × category, `(rows·T) × 2P`.
  let poolCategoryCost: Buffer<Double>
  /// Unit-cost multiplier times inflation uplift per row, service and budget year, `rows × V × years`.
  let price: Buffer<Double>
  /// Shock multiplier per period and service for the current row, `T × V` (times the row's
  /// service-rate drift where factor processes exist).
  let shockMultiplier: Buffer<Double>
  /// Expected events at full delivery per row, service and budget year, `rows × V × years`:
  /// the year's count whose dispersion a negative-binomial service's `dispersion` is.
  let yearEvents: Buffer<Double>
  /// Factor processes (``FactorProcesses``, `Q` of them; every buffer empty when `Q = 0`):
  /// independent, then correlated, innovations `(rows·T) × Q` (step `n` in row `r·T + n`);
  /// `exp(Xₙ)` per row, process and step, `rows × Q × T`; their products on each period's
  /// service rates `(rows·T) × V` and segment rates `(rows·T) × S`; and on each year's
  /// price (unit cost and realised inflation), `rows × V × years`.
  let innovations: Buffer<Double>
  let correlatedInnovations: Buffer<Double>
  let processLevel: Buffer<Double>
  let serviceDrift: Buffer<Double>
  let segmentDrift: Buffer<Double>
  let priceDrift: Buffer<Double>
  /// A growth process's product on each period's people, `exp(Dₜ)`, `(rows·T) × S` (empty
  /// without growth processes).
  let populationDrift: Buffer<Double>
  /// Whether any factor has a process, whether one moves a price, and whether one moves a
  /// population's growth: read once per row here, not through the plan's arrays.
  let drifting: Bool
  let driftingPrices: Bool
  let driftingPopulation: Bool
  /// The gamma rate variable G per row, service and budget year of services with
  /// `mixing: year`, `rows × V × years` (empty without them; `TileWorkspace+YearMixing.swift`).
  let yearMixing: Buffer<Double>
  let mixingByYear: Bool
  /// Events drawn at full delivery per row, service and budget year, `rows × V × years`:
  /// the activity `run` reports (``ActivityAccumulator``); 0 for per-person services.
  package let yearCounts: Buffer<Double>
  /// The RQMC point set of the factor normals; `nil` under plain Monte Carlo (``Sampling``).
  package var factorPoints: FactorPoints?

  package init(plan: SimulationPlan) {
    self.plan = plan
    let R = Self.rows, T = plan.periods, S = plan.segmentCount, V = plan.serviceCount
    let F = plan.factorCount, P = plan.poolCount
    normals = Buffer(R * F); correlated = Buffer(R * F); correlatedCDF = Buffer(R * F); factorValues = Buffer(R * F)
    startPopulation = Buffer(R * S); growth = Buffer(R * S); segmentRate = Buffer(R * S)
    serviceRate = Buffer(R * V); unitCostMultiplier = Buffer(R * V); inflation = Buffer(R * V)
    effect = Buffer(R * max(1, plan.interventionEffect.count)); spillover = Buffer(R * max(1, plan.interventionEffect.count))
    population = Buffer(R * T * S); effectivePopulation = Buffer(R * T * S)
    baseRates = Buffer(R * T * V); preInterventionRates = Buffer(R * T * V); cost = Buffer(R * T * V)
    deliveredRates = Buffer(R * T * V)
    poolCategoryCost = Buffer(R * T * 2 * P)
    price = Buffer(R * V * plan.years); shockMultiplier = Buffer(T * V)
    yearEvents = Buffer(R * V * plan.years); yearCounts = Buffer(R * V * plan.years)
    let Q = plan.processes.count, any = Q > 0 ? 1 : 0
    innovations = Buffer(R * T * Q); correlatedInnovations = Buffer(R * T * Q); processLevel = Buffer(R * Q * T)
    serviceDrift = Buffer(any * R * T * V); segmentDrift = Buffer(any * R * T * S)
    priceDrift = Buffer(any * R * V * plan.years)
    drifting = Q > 0; driftingPrices = plan.processes.movesPrices
    driftingPopulation = plan.processes.movesPopulation
    populationDrift = Buffer(driftingPopulation ? R * T * S : 0)
    mixingByYear = plan.serviceCosts.contains {
      if case .events(_, _, .yearlyNegativeBinomial) = $0 { true } else { false }
    }
    yearMixing = Buffer(mixingByYear ? R * V * plan.years : 0)
  }
}

/// One row's factor scores: the correlated normals `z` and their Φ, `F` each, as the
/// drivers of the overspend tail read them.
package struct FactorScores {
  package let z: Handle<Double>
  package let u: Handle<Double>
}

extension TileWorkspace {
  package func factorScores(row r: Int) -> FactorScores {
    let F = correlated.count / TileWorkspace.rows
    return FactorScores(z: correlated.row(r, width: F), u: correlatedCDF.row(r, width: F))
  }
}

extension TileWorkspace {
  /// Row `r`'s uncertain factor values (after inversion), for `run --samples`.
  package func factorValues(row r: Int) -> Handle<Double> {
    factorValues.row(r, width: factorValues.count / TileWorkspace.rows)
  }
}
