import Foundation
@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskModel

/// An orthogonal rotation of the factors' independent normals under RQMC (`--rotation
/// gradient`, ``Sampling/Rotation``): the "linear transformation" of Imai & Tan (2006) for
/// quasi-Monte Carlo, its columns the gradients of the scopes' costs.
///
/// The copula draws correlated normals `x = L·z` from independent standard normals `z`. With
/// `z = Q·u`, `Q` orthogonal and `u` independent standard normals (the point set's), `z` has
/// exactly the law it had: every figure stays unbiased and the replicates' Student-t
/// intervals stay honest, whatever `Q` is. What changes is which Sobol' coordinate carries
/// which variation. Given the factors, the total cost's conditional mean `κ₁` (the figure
/// `--estimator conditional` integrates, through `Φ((κ₁ − B)/√κ₂)`) is a smooth, nearly
/// linear function of `z`; with `g = ∂κ₁/∂z` at `z = 0` and `Q`'s first column `ĝ = g/|g|`,
///
/// ```
/// κ₁(Q·u) ≈ κ₁(0) + gᵀQu = κ₁(0) + |g|·u₁        (Qᵀg = |g|·e₁)
/// ```
///
/// so κ₁'s linear variation sits entirely on the first Sobol' dimension, the best
/// equidistributed one, where a nearly one-dimensional smooth integrand converges far faster.
/// The next columns are the pools' gradients `g_p` (each scope's own κ₁), orthogonalised in
/// the plan's order: a pool's linear variation then lies in the first P dimensions (the
/// total's gradient is the sum of the pools'), not spread over all F as a rotation with the
/// total's direction alone would leave it (measured on server-scale: a single reflection
/// raised two pools' conditional variances 2–3×). The remaining columns complete the basis
/// from the coordinate vectors, the one with the largest residual first.
///
/// `Q` by modified Gram–Schmidt, each vector orthogonalised twice ("twice is enough": `QᵀQ = I`
/// to rounding). It costs nothing per iteration: the workspace multiplies the independent
/// normals by `Qᵀ·Lᵀ` in place of `Lᵀ` (a row is `uᵀ(LQ)ᵀ`), one `F × F` matrix formed once
/// (``rotating(_:)``).
package struct FactorRotation: Sendable, Equatable {
  /// `ĝ`, the unit direction of the first rotated coordinate in the independent normals'
  /// coordinates (`z`, the copula's Cholesky coordinates), `F`.
  package let direction: [Double]
  /// `Q`, `F × F` row-major: column `j` is the direction of coordinate `u_j`.
  package let matrix: [Double]

  /// The rotation along `g` alone (``init(gradients:)`` with one gradient).
  package init?(gradient g: [Double]) { self.init(gradients: [g]) }

  /// The rotation whose columns are `gradients` in order (the first the total's), each
  /// orthogonalised against those before it, then the coordinate vectors; `nil` (the
  /// identity: no rotation) where the first gradient is empty, zero or not finite, there is
  /// one factor, or `Q` is within 1e-12 of the identity. A later gradient that is not finite,
  /// or within 1e-6 (relative) of the span of those before it, is passed over. Never a NaN or
  /// a trap: each vector is scaled by its largest component before any norm is taken, so huge
  /// components do not overflow.
  package init?(gradients: [[Double]]) {
    guard let first = gradients.first else { return nil }
    let F = first.count
    guard F > 1, first.allSatisfy(\.isFinite), first.contains(where: { $0 != 0 }) else { return nil }
    var columns: [[Double]] = []
    /// `c` less its projections on the columns so far, twice; its norm relative to `c`'s.
    func residual(_ c: [Double]) -> (vector: [Double], relative: Double) {
      let largest = c.reduce(0.0) { max($0, abs($1)) }
      guard largest > 0, largest.isFinite else { return (c, 0) }
      var w = c.map { $0 / largest }
      let before = w.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
      for _ in 0..<2 {
        for q in columns {
          var dot = 0.0
          for i in 0..<F { dot += q[i] * w[i] }
          for i in 0..<F { w[i] -= dot * q[i] }
        }
      }
      let norm = w.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
      guard norm > 0, norm.isFinite else { return (w, 0) }
      return (w.map { $0 / norm }, norm / before)
    }
    for (k, g) in gradients.enumerated() where g.count == F && g.allSatisfy(\.isFinite) && columns.count < F {
      let (q, relative) = residual(g)
      guard k == 0 || relative > 1e-6 else { continue }
      columns.append(q)
    }
    // The coordinate vectors complete the basis, the largest residual first: at least
    // √((F − k)/F) ≥ 1/8 of the remaining ones' (their squared residuals sum to F − k).
    var unit = [Bool](repeating: true, count: F)
    while columns.count < F {
      var best = -1, bestResidual: (vector: [Double], relative: Double) = ([], 0)
      for i in 0..<F where unit[i] {
        var e = [Double](repeating: 0, count: F)
        e[i] = 1
        let r = residual(e)
        if r.relative > bestResidual.relative { best = i; bestResidual = r }
      }
      guard best >= 0, bestResidual.relative > 0 else { return nil }
      unit[best] = false
      columns.append(bestResidual.vector)
    }
    var q = [Double](repeating: 0, count: F * F)
    for j in 0..<F { for i in 0..<F { q[i * F + j] = columns[j][i] } }
    var offIdentity = 0.0
    for i in 0..<F { for j in 0..<F { offIdentity = max(offIdentity, abs(q[i * F + j] - (i == j ? 1 : 0))) } }
    guard offIdentity >= 1e-12 else { return nil }
    direction = columns[0]
    matrix = q
  }

  /// `Qᵀ·M` for the copula's `Lᵀ` (`F × F`, row-major): what the RQMC workspace multiplies the
  /// point set's normals by, so that a row is `x = L·Q·u`.
  package func rotating(_ lt: [Double]) -> [Double] {
    let F = direction.count
    var out = [Double](repeating: 0, count: F * F)
    for i in 0..<F {
      for k in 0..<F where matrix[k * F + i] != 0 {
        for j in 0..<F { out[i * F + j] += matrix[k * F + i] * lt[k * F + j] }
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

  /// `g = Lᵀ·∂κ₁/∂x` at `x = 0` (every factor at its median) for the total scope's horizon
  /// conditional mean cost κ₁, then for each other scope's (the pools', in the plan's order):
  /// the gradients with respect to the independent normals `z`.
  ///
  /// `∂κ₁/∂x_f` by central differences through the engine's own path code (steps 1–3a of
  /// ``TileWorkspace/simulate(tile:active:seed:)``, no counts drawn: ``TileWorkspace/probeMeanCost(correlated:rows:cumulants:)``),
  /// each probe row with the same processes (innovations zero), the same shocks (those of
  /// one fixed probe iteration) and the gamma rates of `mixing: year` at their mean 1, so the
  /// differences see the factors only. A function of the plan alone: no seed, thread count,
  /// shard or batch changes it, so a run's points are the same at any split.
  package static func gradients(of plan: SimulationPlan) -> [[Double]] {
    let F = plan.factorCount, scopes = plan.scopes.count
    guard F > 0 else { return [] }
    let workspace = TileWorkspace(plan: plan), cumulants = ConditionalCost(plan: plan)
    let h = step
    // ∂κ₁/∂x per scope (scope-major).
    var derivative = [Double](repeating: 0, count: scopes * F)
    var first = 0
    while first < F {
      let chunk = min(F - first, TileWorkspace.rows / 2)
      var x = [Double](repeating: 0, count: 2 * chunk * F)
      for j in 0..<chunk {
        x[2 * j * F + first + j] = h
        x[(2 * j + 1) * F + first + j] = -h
      }
      let k1 = workspace.probeMeanCost(correlated: x, rows: 2 * chunk, cumulants: cumulants)
      for s in 0..<scopes {
        for j in 0..<chunk { derivative[s * F + first + j] = (k1[2 * j * scopes + s] - k1[(2 * j + 1) * scopes + s]) / (2 * h) }
      }
      first += chunk
    }
    // ∂κ₁/∂z = Lᵀ·∂κ₁/∂x (x = L·z); `copulaTransposed` is Lᵀ row-major. The total (the last
    // scope) first.
    let order = [scopes - 1] + Array(0..<(scopes - 1))
    return order.map { s in
      var g = [Double](repeating: 0, count: F)
      for i in 0..<F {
        for j in 0..<F { g[i] += plan.copulaTransposed[i * F + j] * derivative[s * F + j] }
      }
      return g
    }
  }

  /// The total scope's gradient (the first of ``gradients(of:)``).
  package static func gradient(of plan: SimulationPlan) -> [Double] { gradients(of: plan).first ?? [] }
}

extension TileWorkspace {
  /// Every scope's horizon conditional mean cost κ₁ (``ConditionalCost``) of the first `n`
  /// rows, row-major `n × scopes`, whose correlated normals are given (`n × F`, row-major,
  /// `n ≤ rows`): steps 1
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
    let scopes = plan.scopes.count
    var k1 = [Double](repeating: 0, count: n * scopes)
    for r in 0..<n {
      simulateCells(row: r, iteration: 0, seed: 0)
      yearMixing.fill(1)
      cumulants.fill(row: r, from: self)
      for s in 0..<scopes {
        for y in 0..<plan.years { k1[r * scopes + s] += cumulants.cumulants(row: r, scope: s, year: y).mean }
      }
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
  /// The rotation of `--rotation gradient` (``FactorRotation``): the total's gradient, then
  /// the pools'; `nil` where it is the identity (no factor moves the total cost, one factor,
  /// or the gradients are already the first coordinates).
  package var gradientRotation: FactorRotation? {
    rotationMemo.value { FactorRotation(gradients: FactorRotation.gradients(of: self)) }
  }
}
