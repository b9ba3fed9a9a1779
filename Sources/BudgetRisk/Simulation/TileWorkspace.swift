/// A worker's scratch memory for one tile of iterations, allocated once per worker.
///
/// A tile is ``TileWorkspace/rows`` consecutive iterations aligned to a multiple of `rows`
/// in the global iteration numbering, so every iteration always sits in the same row of the
/// same matrix shapes: the BLAS products, and so the figures, do not depend on the block
/// size, thread count or shard split. Rows outside the run's range are zero.
///
/// Buffers are raw pointers owned by this class (freed in `deinit`); it never leaves the
/// worker that made it.
final class TileWorkspace {
  static let rows = 64

  let plan: SimulationPlan
  /// Independent normals, then correlated normals, `rows × F`.
  let normals: Buffer
  let correlated: Buffer
  /// Φ of the correlated normals, `rows × F`: the copula's uniforms (also the drivers' scores).
  let correlatedCDF: Buffer
  /// Factor values drawn through the copula, `rows × F`.
  let factorValues: Buffer
  /// Per-row parameters.
  let startPopulation: Buffer  // rows × S
  let growth: Buffer  // rows × S
  let segmentRate: Buffer  // rows × S
  let serviceRate: Buffer  // rows × V
  let unitCostMultiplier: Buffer  // rows × V
  let inflation: Buffer  // rows × V
  let effect: Buffer  // rows × interventions
  /// People per segment, realised and rate-weighted, `(rows·T) × S`.
  let population: Buffer
  let effectivePopulation: Buffer
  /// Expected events before season, multipliers, shocks and interventions, `(rows·T) × V`.
  let baseRates: Buffer
  /// Expected activity after everything but interventions, `(rows·T) × V`.
  let preInterventionRates: Buffer
  /// Cost of need at full delivery, `(rows·T) × V`.
  let cost: Buffer
  /// Cost of need per pool × category, `(rows·T) × 2P`.
  let poolCategoryCost: Buffer
  /// Unit-cost multiplier times inflation uplift per row, service and budget year, `rows × V × years`.
  let price: Buffer
  /// Shock multiplier per period and service for the current row, `T × V`.
  let shockMultiplier: Buffer
  /// Expected events at full delivery per row, service and budget year, `rows × V × years`:
  /// the year's count whose dispersion a negative-binomial service's `dispersion` is.
  let yearEvents: Buffer

  init(plan: SimulationPlan) {
    self.plan = plan
    let R = Self.rows, T = plan.periods, S = plan.segmentCount, V = plan.serviceCount
    let F = plan.factorCount, P = plan.poolCount
    normals = Buffer(R * F); correlated = Buffer(R * F); correlatedCDF = Buffer(R * F); factorValues = Buffer(R * F)
    startPopulation = Buffer(R * S); growth = Buffer(R * S); segmentRate = Buffer(R * S)
    serviceRate = Buffer(R * V); unitCostMultiplier = Buffer(R * V); inflation = Buffer(R * V)
    effect = Buffer(R * max(1, plan.scenario.interventions.count))
    population = Buffer(R * T * S); effectivePopulation = Buffer(R * T * S)
    baseRates = Buffer(R * T * V); preInterventionRates = Buffer(R * T * V); cost = Buffer(R * T * V)
    poolCategoryCost = Buffer(R * T * 2 * P)
    price = Buffer(R * V * plan.years); shockMultiplier = Buffer(T * V)
    yearEvents = Buffer(R * V * plan.years)
  }
}

/// A fixed-size, zero-initialised `Double` buffer with debug-checked indexing.
final class Buffer {
  let base: UnsafeMutablePointer<Double>
  let count: Int

  init(_ count: Int) {
    self.count = count
    base = .allocate(capacity: Swift.max(1, count))
    base.initialize(repeating: 0, count: Swift.max(1, count))
  }

  deinit { base.deallocate() }

  @inline(__always)
  subscript(i: Int) -> Double {
    get { assert(i >= 0 && i < count); return base[i] }
    set { assert(i >= 0 && i < count); base[i] = newValue }
  }

  func zero() { base.update(repeating: 0, count: Swift.max(1, count)) }
}
