import Foundation
@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskModel

/// Factor processes over the horizon (``FactorProcess``): step 1b of ``simulate(tile:active:seed:)``.
///
/// Each process draws its own innovations, one standard normal per step in order, from its
/// own stream (``StreamID/innovation(_:)``, keyed by the factor's name), so the levels'
/// normals (step 1) are untouched and a scenario without processes draws exactly what it
/// drew before. The innovations of a step are correlated through the processes' copula factor
/// (one GEMM for the tile), then each row's states `Xₙ = φ·Xₙ₋₁ + σ·εₙ` (`X₀ = 0`) become
/// multipliers `exp(Xₙ)` on the rates of each period and on each year's price, and a growth
/// process's accumulated deviation `exp(Dₜ)` on each period's people.
extension TileWorkspace {
  /// Draws the tile's innovations and sets every active row's drift multipliers.
  func simulateProcesses(tile: Int, active: Range<Int>, seed: UInt64) {
    guard drifting else { return }
    let processes = plan.processes
    let R = Self.rows, T = plan.periods, Q = processes.count
    let first = tile * R
    innovations.zero()
    for r in active {
      for q in 0..<Q {
        // Every drawn step for every process (a yearly one uses the first `years`): the
        // copula factor then mixes complete rows.
        var rng = RandomStream(seed: seed, iteration: UInt64(first + r), stream: StreamID.innovation(processes.streamKey[q]))
        for n in 1..<processes.drawnSteps { innovations[(r * T + n) * Q + q] = StandardNormal.sample(using: &rng) }
      }
    }
    BLAS.multiply(innovations, processes.lowerTransposed, into: correlatedInnovations, m: R * T, n: Q, k: Q)
    for r in active { setDrift(row: r) }
  }

  /// Process `q`'s multiplier `exp(X)` in budget year `y` of row `r` (after
  /// ``simulate(tile:active:seed:)``): the year's state for a yearly process, the mean of
  /// `exp(Xₜ)` over the year's periods for one stepping by period. What `run --samples`
  /// writes as `process.NAME.yearK`.
  package func processYearMultiplier(row r: Int, process q: Int, year y: Int) -> Double {
    let processes = plan.processes
    let T = plan.periods, Q = processes.count, ppy = plan.periodsPerYear
    let base = (r * Q + q) * T
    guard !processes.yearly[q] else { return processLevel[base + y] }
    var sum = 0.0
    for t in (y * ppy)..<((y + 1) * ppy) { sum += processLevel[base + t] }
    return sum / Double(ppy)
  }

  /// Row `r`'s states, and their products on rates and prices.
  private func setDrift(row r: Int) {
    let processes = plan.processes
    let T = plan.periods, Q = processes.count, S = plan.segmentCount, V = plan.serviceCount
    let ppy = plan.periodsPerYear, years = plan.years
    for q in 0..<Q {
      let steps = processes.yearly[q] ? years : T
      let phi = processes.phi[q], sigma = processes.sigma[q]
      var x = 0.0
      processLevel[(r * Q + q) * T] = 1
      for n in 1..<steps {
        x = phi * x + sigma * correlatedInnovations[(r * T + n) * Q + q]
        processLevel[(r * Q + q) * T + n] = exp(x)
      }
    }
    @inline(__always) func level(_ q: Int, period t: Int) -> Double {
      processLevel[(r * Q + q) * T + (processes.yearly[q] ? t / ppy : t)]
    }
    for t in 0..<T {
      for v in 0..<V {
        var m = 1.0
        for q in processes.serviceRate[v] { m *= level(q, period: t) }
        serviceDrift[(r * T + t) * V + v] = m
      }
      for s in 0..<S {
        var m = 1.0
        for q in processes.segmentRate[s] { m *= level(q, period: t) }
        segmentDrift[(r * T + t) * S + s] = m
      }
    }
    // Year y's price: the unit-cost states at y times the realised inflation deviations
    // compounded into y, exp(X₁ + … + X_y).
    for v in 0..<V {
      var inflation = 1.0
      for y in 0..<years {
        if y > 0 { for q in processes.inflation[v] { inflation *= processLevel[(r * Q + q) * T + y] } }
        var m = inflation
        for q in processes.unitCost[v] { m *= processLevel[(r * Q + q) * T + y] }
        priceDrift[(r * V + v) * years + y] = m
      }
    }
    // A growth process: segment s's people in period t are multiplied by exp(Dₜ),
    // Dₜ = Σᵤ₌₀ᵗ⁻¹ X_{step(u)}/ppy (each period grows at ((1 + g)·exp(X))^(1/ppy)).
    guard driftingPopulation else { return }
    for s in 0..<S {
      var d = 0.0
      for t in 0..<T {
        populationDrift[(r * T + t) * S + s] = exp(d)
        for q in processes.growth[s] { d += log(level(q, period: t)) / Double(ppy) }
      }
    }
  }
}
