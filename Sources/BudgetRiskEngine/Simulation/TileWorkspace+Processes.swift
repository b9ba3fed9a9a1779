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
/// multipliers `exp(Xₙ)` on the rates of each period and on each year's price.
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
  }
}
