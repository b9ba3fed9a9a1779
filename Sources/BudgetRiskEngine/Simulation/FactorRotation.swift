import Foundation
@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskModel

/// An orthogonal rotation of the factors' independent normals under RQMC (`--rotation
/// gradient`, ``Sampling/Rotation``): the "linear transformation" of Imai & Tan (2006) for
/// quasi-Monte Carlo, by one Householder reflection.
///
/// The copula draws correlated normals `x = L·z` from independent standard normals `z`. With
/// `z = Q·u`, `Q` orthogonal and `u` independent standard normals (the point set's), `z` has
/// exactly the law it had: every figure stays unbiased and the replicates' Student-t
/// intervals stay honest, whatever `Q` is. What changes is which Sobol' coordinate carries
/// which variation. Given the factors, the total cost's conditional mean `κ₁` (the figure
/// `--estimator conditional` integrates, through `Φ((κ₁ − B)/√κ₂)`) is a smooth, nearly
/// linear function of `z`; with `g = ∂κ₁/∂z` at `z = 0` and `Q` taking the first coordinate to
/// `ĝ = g/|g|`,
///
/// ```
/// κ₁(Q·u) ≈ κ₁(0) + gᵀQu = κ₁(0) + |g|·u₁        (QᵀG = |g|·e₁)
/// ```
///
/// so κ₁'s linear variation sits entirely on the first Sobol' dimension, the best
/// equidistributed one, where a nearly one-dimensional smooth integrand converges far faster.
///
/// `Q = H = I − 2vvᵀ/(vᵀv)`, `v = e₁ − ĝ`: symmetric, orthogonal, `H·e₁ = ĝ`. It costs
/// nothing per iteration: the workspace multiplies the independent normals by `Qᵀ·Lᵀ = H·Lᵀ`
/// in place of `Lᵀ` (a row is `uᵀ(LQ)ᵀ`), one `F × F` matrix formed once (``rotating(_:)``).
package struct FactorRotation: Sendable, Equatable {
  /// `ĝ`, the unit direction of the first rotated coordinate in the independent normals'
  /// coordinates (`z`, the copula's Cholesky coordinates), `F`.
  package let direction: [Double]
  /// `H`, `F × F` row-major (symmetric).
  package let matrix: [Double]

  /// The reflection taking `e₁` to `g/|g|`; `nil` (the identity: no rotation) where `g` is
  /// empty, zero, not finite, or already within 1e-12 of `e₁`'s direction (`1 − ĝ₁ < 1e-12`:
  /// the angle is below 1.5e-6 rad, and `v = e₁ − ĝ` would lose ĝ to cancellation). Never a
  /// NaN or a trap: `g` is scaled by its largest component before its norm is taken, so
  /// huge components do not overflow.
  package init?(gradient g: [Double]) {
    let F = g.count
    guard F > 1, g.allSatisfy(\.isFinite) else { return nil }
    let largest = g.reduce(0.0) { max($0, abs($1)) }
    guard largest > 0 else { return nil }
    let scaled = g.map { $0 / largest }
    let norm = scaled.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
    let unit = scaled.map { $0 / norm }
    guard 1 - unit[0] >= 1e-12 else { return nil }
    var v = unit.map { -$0 }
    v[0] += 1
    let vv = v.reduce(0.0) { $0 + $1 * $1 }
    guard vv > 0, vv.isFinite else { return nil }
    var h = [Double](repeating: 0, count: F * F)
    for i in 0..<F {
      for j in 0..<F { h[i * F + j] = (i == j ? 1 : 0) - 2 * v[i] * v[j] / vv }
    }
    direction = unit
    matrix = h
  }

  /// `H·M` for the copula's `Lᵀ` (`F × F`, row-major): what the RQMC workspace multiplies the
  /// point set's normals by, so that a row is `x = L·H·u`.
  package func rotating(_ lt: [Double]) -> [Double] {
    let F = direction.count
    var out = [Double](repeating: 0, count: F * F)
    for i in 0..<F {
      for k in 0..<F where matrix[i * F + k] != 0 {
        for j in 0..<F { out[i * F + j] += matrix[i * F + k] * lt[k * F + j] }
      }
    }
    return out
  }

  /// The central differences' step in `x` (standard-normal units). κ₁ is a product of smooth
  /// factor functions (multipliers, compounded rates) of the quantiles at `Φ(x)`: the
  /// difference's truncation error is `h²/6·|κ₁‴|`, about 2e-5 × σ² of the derivative for a
  /// lognormal factor of log-sd σ, and its rounding error `2⁻⁵²·κ₁/h`, below 1e-13 of κ₁ per
  /// unit `x`: far below what could move the direction.
  package static let step = 0.01

  /// `g = Lᵀ·∂κ₁/∂x` at `x = 0` (every factor at its median): the gradient of the total
  /// scope's horizon conditional mean cost with respect to the independent normals `z`.
  ///
  /// `∂κ₁/∂x_f` by central differences through the engine's own path code (steps 1–3a of
  /// ``TileWorkspace/simulate(tile:active:seed:)``, no counts drawn: ``TileWorkspace/probeMeanCost(correlated:rows:cumulants:)``),
  /// each probe row with the same processes (innovations zero), the same shocks (those of
  /// one fixed probe iteration) and the gamma rates of `mixing: year` at their mean 1, so the
  /// differences see the factors only. A function of the plan alone: no seed, thread count,
  /// shard or batch changes it, so a run's points are the same at any split.
  package static func gradient(of plan: SimulationPlan) -> [Double] {
    let F = plan.factorCount
    guard F > 0 else { return [] }
    let workspace = TileWorkspace(plan: plan), cumulants = ConditionalCost(plan: plan)
    let h = step
    var derivative = [Double](repeating: 0, count: F)
    var first = 0
    while first < F {
      let chunk = min(F - first, TileWorkspace.rows / 2)
      var x = [Double](repeating: 0, count: 2 * chunk * F)
      for j in 0..<chunk {
        x[2 * j * F + first + j] = h
        x[(2 * j + 1) * F + first + j] = -h
      }
      let k1 = workspace.probeMeanCost(correlated: x, rows: 2 * chunk, cumulants: cumulants)
      for j in 0..<chunk { derivative[first + j] = (k1[2 * j] - k1[2 * j + 1]) / (2 * h) }
      first += chunk
    }
    // ∂κ₁/∂z = Lᵀ·∂κ₁/∂x (x = L·z); `copulaTransposed` is Lᵀ row-major.
    var g = [Double](repeating: 0, count: F)
    for i in 0..<F {
      for j in 0..<F { g[i] += plan.copulaTransposed[i * F + j] * derivative[j] }
    }
    return g
  }
}

extension TileWorkspace {
  /// The total scope's horizon conditional mean cost κ₁ (``ConditionalCost``) of the first
  /// `n` rows, whose correlated normals are given (`n × F`, row-major, `n ≤ rows`): steps 1
  /// (from the correlated normals on) to 3a of ``simulate(tile:active:seed:)`` with factor
  /// processes at zero innovations (every drift multiplier 1), the shocks of one fixed probe
  /// iteration (iteration 0 of seed 0, the same for every row) and the `mixing: year` gamma
  /// rates at their mean 1. For ``FactorRotation/gradient(of:)``; the workspace's rows are
  /// overwritten (a fresh workspace, not a run's).
  func probeMeanCost(correlated x: [Double], rows n: Int, cumulants: ConditionalCost) -> [Double] {
    let F = plan.factorCount
    precondition(n <= Self.rows && x.count == n * F, "probe rows \(n) × \(F) with \(x.count) values")
    correlated.zero()
    for i in 0..<(n * F) { correlated[i] = x[i] }
    for r in 0..<Self.rows { setParameters(row: r, active: r < n) }
    if drifting { serviceDrift.fill(1); segmentDrift.fill(1); priceDrift.fill(1) }
    populationDrift.fill(1)
    simulatePopulation(active: 0..<n)
    let scope = plan.scopes.count - 1
    var k1 = [Double](repeating: 0, count: n)
    for r in 0..<n {
      simulateCells(row: r, iteration: 0, seed: 0)
      // A per-person cell's level, as `drawCells` sets it (without drawing the cell).
      let T = plan.periods, V = plan.serviceCount
      for t in 0..<T {
        for v in 0..<V {
          guard case .perPerson = plan.serviceCosts[v] else { continue }
          preInterventionRates[(r * T + t) * V + v] = plan.season[t * V + v] * serviceRate[r * V + v] * shockMultiplier[t * V + v]
        }
      }
      yearMixing.fill(1)
      cumulants.fill(row: r, from: self)
      for y in 0..<plan.years { k1[r] += cumulants.cumulants(row: r, scope: scope, year: y).mean }
    }
    return k1
  }
}

/// A plan's gradient rotation, formed at most once (the first RQMC worker that asks): a plan
/// is immutable, so every copy of it shares the one answer. Behind a lock: workers start on
/// several threads.
package final class FactorRotationMemo: @unchecked Sendable {
  private let lock = NSLock()
  private var formed: FactorRotation?? = nil

  package init() {}

  func value(_ form: () -> FactorRotation?) -> FactorRotation? {
    lock.withLock {
      if let formed { return formed }
      let rotation = form()
      formed = .some(rotation)
      return rotation
    }
  }
}

extension SimulationPlan {
  /// The rotation of `--rotation gradient` (``FactorRotation``); `nil` where it is the
  /// identity (no factor moves the total cost, one factor, or the gradient is already the
  /// first coordinate).
  package var gradientRotation: FactorRotation? {
    rotationMemo.value { FactorRotation(gradient: FactorRotation.gradient(of: self)) }
  }
}
