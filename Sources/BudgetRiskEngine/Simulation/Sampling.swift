import Foundation
@_spi(HotPath) import BudgetRiskNumerics

/// How an iteration's factor normals are drawn: plain Monte Carlo, or randomised
/// quasi-Monte Carlo (scrambled Sobol' points in independent replicates).
///
/// Under `rqmc` with R replicates, global iteration `i` is point `⌊i / R⌋` of replicate
/// `i mod R` (interleaved), so the first `R·n` iterations are the first `n` points of every
/// replicate — a full Sobol' net each when `n = 2ᵏ`, a union of at most three full nets when
/// `n` is on the finer ``PointGrid`` (`2ᵏ + j·2ᵏ⁻²`) — and a longer run keeps the points it had. Each
/// replicate's points are scrambled independently (``SobolPoints``, nested uniform
/// scrambling keyed by the seed, the replicate and the factor's name), so the R replicate
/// means of any figure are independent and identically distributed, each unbiased: their
/// Student-t interval is the run's honest interval (``ReplicateAccumulator``). The factors'
/// normals and the shocks' first starts use the points (``FactorPoints``); process
/// innovations, later shock starts, counts and costs draw from their Philox streams as under
/// plain Monte Carlo. Which point an iteration uses depends on its number alone,
/// so a run is identical at any thread count, block size and shard split.
public struct Sampling: Sendable, Equatable, Codable {
  public enum Method: String, Sendable, Codable, CaseIterable {
    case plain, rqmc
  }

  /// How an absorb figure is estimated from each path (``Estimator``).
  public enum Estimator: String, Sendable, Codable, CaseIterable {
    /// The path's own figure: whether its drawn cost overspent, its drawn drift.
    case indicator
    /// Conditional Monte Carlo under absorb: given the path's factors, processes and shocks,
    /// the probability that its cost overspends (normal, with the cells' exact conditional
    /// mean and variance) and its expected drift (``ConditionalCost``). Needs `rqmc`.
    case conditional
  }

  /// How the factors' independent normals are laid on the point set under RQMC
  /// (``FactorRotation``).
  public enum Rotation: String, Sendable, Codable, CaseIterable {
    /// Normal `f` is Sobol' dimension `f`.
    case none
    /// An orthogonal rotation whose first column is the gradient of the total cost's
    /// conditional mean: its linear variation on the first dimension. The law is unchanged.
    case gradient
  }

  public var method: Method
  /// Independent randomisations (1 under plain Monte Carlo).
  public var replicates: Int
  /// `indicator` unless `--estimator conditional` was asked for.
  public var estimator: Estimator = .indicator
  /// `none` unless asked for (the command line asks for `gradient` under `--sampling rqmc`);
  /// read under RQMC only, and not in a design comparison (``FactorPoints``).
  public var rotation: Rotation = .none

  public static let plain = Sampling(method: .plain, replicates: 1)
  /// The default number of RQMC replicates: 16 gives a t interval with 15 degrees of
  /// freedom (critical value 2.13 against 1.96) at little cost in points per replicate.
  public static let defaultReplicates = 16
  /// The fewest and most replicates: at least 4 for a usable t interval (3 degrees of
  /// freedom), at most 64 (the t table, ``StudentTCriticalValue``).
  public static let replicateRange = 4...64

  public static func rqmc(replicates: Int = Sampling.defaultReplicates) -> Sampling {
    Sampling(method: .rqmc, replicates: replicates)
  }

  public init(method: Method, replicates: Int, estimator: Estimator = .indicator, rotation: Rotation = .none) {
    self.method = method; self.replicates = replicates; self.estimator = estimator; self.rotation = rotation
  }

  private enum CodingKeys: String, CodingKey { case method, replicates, estimator, rotation }

  /// `estimator` is written only when it is `conditional`, and `rotation` only when it is not
  /// `none`, so that the manifests of runs without them are as they were; a manifest without
  /// them reads as `indicator` and `none`.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    method = try c.decode(Method.self, forKey: .method)
    replicates = try c.decode(Int.self, forKey: .replicates)
    estimator = try c.decodeIfPresent(Estimator.self, forKey: .estimator) ?? .indicator
    rotation = try c.decodeIfPresent(Rotation.self, forKey: .rotation) ?? .none
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(method, forKey: .method)
    try c.encode(replicates, forKey: .replicates)
    if estimator != .indicator { try c.encode(estimator, forKey: .estimator) }
    if rotation != .none { try c.encode(rotation, forKey: .rotation) }
  }

  /// The independent point sets a run's iterations are split over: R under RQMC, 1 under
  /// plain Monte Carlo (one stream, any count). Precision schedules size batches by it.
  public var pointSets: Int { method == .rqmc ? replicates : 1 }

  /// The iteration count nearest `requested` that this sampling can use in full: any count
  /// under plain Monte Carlo; under RQMC, R × n with n the ``PointGrid`` count (2ᵏ, 2ᵏ + 2ᵏ⁻²,
  /// 2ᵏ + 2ᵏ⁻¹, 2ᵏ + 2ᵏ⁻¹ + 2ᵏ⁻²) nearest `requested / R` on a log scale (at least 1). A count
  /// already on the grid is kept.
  public func usableIterations(near requested: Int) -> Int {
    guard method == .rqmc else { return requested }
    return replicates * PointGrid.nearest(max(1.0, Double(requested) / Double(replicates)))
  }

  /// Why `iterations` cannot be a whole run under this sampling, or `nil`.
  public func problem(iterations: Int, factors: Int) -> String? {
    if estimator == .conditional && method != .rqmc {
      return "--estimator conditional needs --sampling rqmc (its intervals come from the replicates)"
    }
    guard method == .rqmc else { return nil }
    guard Self.replicateRange.contains(replicates) else {
      return "--replicates must be between \(Self.replicateRange.lowerBound) and \(Self.replicateRange.upperBound), found \(replicates)"
    }
    guard factors <= SobolPoints.maximumDimensions else {
      return "--sampling rqmc supports at most \(SobolPoints.maximumDimensions) uncertain factors (the Sobol' table's dimensions); the scenario has \(factors): use --sampling plain"
    }
    guard iterations % replicates == 0, PointGrid.contains(iterations / replicates) else {
      return "--sampling rqmc needs iterations = replicates × n with n = 2ᵏ, 2ᵏ + 2ᵏ⁻², 2ᵏ + 2ᵏ⁻¹ or 2ᵏ + 2ᵏ⁻¹ + 2ᵏ⁻² "
        + "(n = 4, 5, 6 or 7 × a power of two, or 1–3: each replicate's points are then whole Sobol' nets), "
        + "found \(iterations) with \(replicates) replicates: \(usableIterations(near: iterations)) would do"
    }
    return nil
  }
}

/// The point set of an RQMC run: Sobol' points over the factor normals and the shocks' first
/// starts, and the replicate count.
///
/// Dimensions: factor `f` is dimension `f` (outside a design comparison); shock `k`'s `j`-th gap between starts is
/// dimension `F + k·gaps + j` (``shockGaps`` per shock, as many as the table's dimensions
/// left over the factors allow, at most ``maximumShockGaps``). A shock starts in each period
/// with probability `p`, independently: its gaps between starts are independent geometric
/// variables, so drawing the first `gaps` of them by inversion of the points, and the later
/// ones from the shock's Philox stream, is the same law as plain Monte Carlo's per-period
/// draws — with the starts that matter most (the first few) in the point set.
package struct FactorPoints: Sendable {
  let points: SobolPoints
  package let replicates: Int
  /// The Sobol' dimension of each of the plan's factors: its index, except in a design
  /// comparison, where a factor takes the dimension of its name among every design's factors
  /// so that a factor shared by name takes the same coordinates in every design (common
  /// random numbers on the point set).
  package let dimension: [Int]
  /// The dimensions the factors take (`F`): the shocks' gaps start after them.
  package let factors: Int
  /// Gaps per shock taken from the points (0: shocks draw from their streams only, as in a
  /// design comparison, where shocks keep their common Philox streams).
  package let shockGaps: Int
  /// The gradient rotation of the factors' normals (``FactorRotation``), and the copula
  /// matrix the workspace multiplies the point set's normals by, `Qᵀ·Lᵀ`; `nil`: `Lᵀ`
  /// (`--rotation none`, a design comparison, or a rotation that is the identity).
  package private(set) var rotation: FactorRotation?
  package private(set) var copula: [Double]?

  /// The most gaps per shock in the point set: a shock with start probability p has about
  /// `p·T` starts; 4 covers the first four starts of every bundled shock.
  package static let maximumShockGaps = 4

  /// `nil` under plain Monte Carlo.
  package init?(_ sampling: Sampling, factors: Int, shocks: Int = 0) {
    self.init(sampling, dimensions: Array(0..<factors), of: factors, shocks: shocks)
  }

  /// The point set of a run of `plan` (factor `f` on dimension `f`, then the shocks' gaps
  /// unless `shocks` is false), rotated along the gradient of the total cost's conditional
  /// mean under `--rotation gradient` (``FactorRotation``); `nil` under plain Monte Carlo.
  /// Not for a design comparison, whose factors take dimensions by name across designs
  /// (common random numbers): its point sets stay unrotated.
  package init?(_ sampling: Sampling, plan: SimulationPlan, shocks: Bool = true) {
    self.init(sampling, factors: plan.factors.count, shocks: shocks ? plan.shocks.count : 0)
    guard sampling.rotation == .gradient, let rotation = plan.gradientRotation else { return }
    self.rotation = rotation
    copula = rotation.rotating(plan.copulaTransposed)
  }

  /// Factor `f` on Sobol' dimension `dimensions[f]` of the `count` factor dimensions, then
  /// `shocks` shocks' gaps; `nil` under plain Monte Carlo.
  package init?(_ sampling: Sampling, dimensions: [Int], of count: Int, shocks: Int = 0) {
    guard sampling.method == .rqmc else { return nil }
    let spare = SobolPoints.maximumDimensions - count
    let gaps = shocks > 0 && spare > 0 ? min(Self.maximumShockGaps, spare / shocks) : 0
    guard let points = SobolPoints(dimensions: count + shocks * gaps) else { return nil }
    self.points = points
    replicates = sampling.replicates
    dimension = dimensions
    factors = count
    shockGaps = gaps
  }
}

extension StreamID {
  /// The scrambling key of factor `key`'s Sobol' dimension (its iteration word is the replicate).
  @inlinable package static func factorScramble(_ key: UInt32) -> UInt32 { 4 << 28 | key }
  /// The scrambling key of gap `j` (0..<4) of shock `key`'s starts.
  @inlinable package static func shockScramble(_ key: UInt32, gap j: Int) -> UInt32 { UInt32(5 + j) << 28 | key }
}

extension TileWorkspace {
  /// Step 1 of ``simulate(tile:active:seed:)``: the independent standard normals of the
  /// active rows, `rows × F`, by inversion of one uniform each — a Philox draw under plain
  /// Monte Carlo, the iteration's scrambled Sobol' coordinate under RQMC.
  func fillFactorNormals(first: Int, active: Range<Int>, seed: UInt64) {
    let F = plan.factorCount
    normals.zero()
    guard let set = factorPoints else {
      for r in active {
        for f in 0..<F {
          var rng = RandomStream(seed: seed, iteration: UInt64(first + r), stream: StreamID.factor(plan.factorStreamKey[f]))
          normals[r * F + f] = StandardNormal.sample(using: &rng)
        }
      }
      return
    }
    for r in active {
      let i = first + r
      let replicate = i % set.replicates, index = UInt32(truncatingIfNeeded: i / set.replicates)
      for f in 0..<F {
        let key = SobolPoints.scrambleKey(seed: seed, replicate: replicate, stream: StreamID.factorScramble(plan.factorStreamKey[f]))
        normals[r * F + f] = StandardNormal.quantile(set.points.uniform(index: index, dimension: set.dimension[f], key: key))
      }
    }
  }
}

extension TileWorkspace {
  /// Under RQMC with shocks in the point set (``FactorPoints/shockGaps`` > 0): multiplies
  /// `shockMultiplier` (`T × V`, set to 1 before) by every shock active in each period of
  /// iteration `i`. A shock's starts are its gaps' partial sums, the first ``FactorPoints/shockGaps``
  /// gaps by inversion of the iteration's scrambled Sobol' coordinates, the rest from the
  /// shock's stream: `G = 1 + ⌊log u / log(1 − p)⌋`, P(G > g) = (1 − p)ᵍ. It is active in
  /// the union of `[start, start + duration)` — the per-period rule of plain Monte Carlo
  /// (a start during a shock restarts its window; the multiplier applies once).
  func fillShockMultipliers(points set: FactorPoints, iteration i: Int, seed: UInt64) {
    let T = plan.periods, V = plan.serviceCount
    let replicate = i % set.replicates, index = UInt32(truncatingIfNeeded: i / set.replicates)
    for (k, shock) in plan.shocks.enumerated() {
      guard shock.probability > 0 else { continue }
      let logStay = log1p(-shock.probability)
      var rng = RandomStream(seed: seed, iteration: UInt64(i), stream: StreamID.shock(plan.shockStreamKey[k]))
      var start = -1, coveredUntil = 0, j = 0
      while true {
        let u: Double
        if j < set.shockGaps {
          let key = SobolPoints.scrambleKey(
            seed: seed, replicate: replicate, stream: StreamID.shockScramble(plan.shockStreamKey[k], gap: j))
          u = set.points.uniform(index: index, dimension: set.factors + k * set.shockGaps + j, key: key)
        } else {
          u = openUniform(&rng)
        }
        j += 1
        // p = 1: every period starts (log(1 − p) = −∞, the gap is 1).
        let gap = logStay == -.infinity ? 1.0 : 1 + (log(u) / logStay).rounded(.down)
        guard gap < Double(T - start) else { break }
        start += Int(gap)
        let from = max(start, coveredUntil), end = min(T, start + shock.duration)
        guard from < end else { continue }
        for t in from..<end {
          for v in 0..<V where plan.shockHits[k * V + v] { shockMultiplier[t * V + v] *= shock.multiplier }
        }
        coveredUntil = end
      }
    }
  }
}
