import BudgetRiskNumerics

/// Which uncertain parameters drive the overspend tail, for one proposed budget on the total
/// scope: exact, mergeable sums.
///
/// For each factor f with standard normal score `z_f` (the copula's correlated normal):
///
/// - the mean of `z_f` given overspend, with the standard error of that conditional sample;
/// - Spearman's rank correlation of the factor with drift. `u_f = Φ(z_f)` is exactly uniform
///   and monotone in the factor, so
///   ```
///   ρ_S = 12·(E[u_f·F_D(D)] − 1/4) = corr(u_f, F_D(D))
///   ```
///   where `F_D` is the drift's CDF. It is estimated as the sample (Pearson) correlation of
///   `u_f` with the drift's mid-rank `F̂_D`: the plain `12·mean(u·F̂) − 3` would carry the
///   sampling error of `u` against its own ranks, ~1.8/√n even at ρ = 1; the correlation's is
///   O(1/n) there and 1/√n at ρ = 0, like the sample Spearman. Drift is binned (``bins`` bins on [−0.5, 0.5), the ends
///   taking what lies outside); per bin the count and the sum of `u_f` (in fixed point,
///   multiples of 2⁻³²) are kept, and `F_D` is read at each bin's mid-rank from the final
///   counts. Ties within a bin move ρ_S by at most `√3·Σ_b p_b²` (`p_b` the bin's share of
///   iterations: `|Cov(u, F | b)| ≤ ½ · p_b/√12`), reported as `tieErrorBound`.
///
/// - Complexity: O(factors) per added iteration; memory `bins × (factors + 1)` words.
package struct DriversAccumulator: Sendable, Equatable {
  package static let bins = 1_000
  package static let lower = -0.5, upper = 0.5
  static let fixedPoint = 4_294_967_296.0  // 2³²

  package let factors: Int
  package var zGivenOverspend: [MeanAccumulator]
  var binCount: [UInt64]
  /// `binU[b × factors + f]`: Σ u_f · 2³² over the iterations in bin b.
  var binU: [UInt64]
  /// Σu_f and Σu_f² over every iteration, for the sample variance of u_f.
  var uMoments: [MeanAccumulator]

  package init(factors: Int) {
    self.factors = factors
    zGivenOverspend = Array(repeating: MeanAccumulator(), count: factors)
    binCount = Array(repeating: 0, count: Self.bins)
    binU = Array(repeating: 0, count: Self.bins * factors)
    uMoments = Array(repeating: MeanAccumulator(), count: factors)
  }

  /// Adds one iteration: its drift, whether it overspent, and its factors' `z` and `Φ(z)`.
  package mutating func add(drift: Double, overspent: Bool, z: UnsafePointer<Double>, u: UnsafePointer<Double>) {
    let position = (drift - Self.lower) / (Self.upper - Self.lower) * Double(Self.bins)
    let b = position.isNaN ? 0 : min(max(Int(position.rounded(.down)), 0), Self.bins - 1)
    binCount[b] &+= 1
    for f in 0..<factors {
      binU[b * factors + f] &+= UInt64(u[f] * Self.fixedPoint)
      uMoments[f].add(u[f])
      if overspent { zGivenOverspend[f].add(z[f]) }
    }
  }

  package mutating func merge(_ other: DriversAccumulator) {
    for f in 0..<factors {
      zGivenOverspend[f].merge(other.zGivenOverspend[f])
      uMoments[f].merge(other.uMoments[f])
    }
    for b in binCount.indices { binCount[b] &+= other.binCount[b] }
    for i in binU.indices { binU[i] &+= other.binU[i] }
  }

  /// Spearman's ρ of each factor with drift, and the bound on the error from ties in bins.
  package func spearman() -> (rho: [Double], tieErrorBound: Double) {
    let n = Double(binCount.reduce(0, +))
    guard n > 1 else { return (Array(repeating: .nan, count: factors), 0) }
    var uF = [Double](repeating: 0, count: factors), uSum = uF
    var before = 0.0, ties = 0.0, midSquares = 0.0
    for b in 0..<Self.bins where binCount[b] > 0 {
      let c = Double(binCount[b])
      let mid = (before + c / 2) / n
      for f in 0..<factors {
        let s = Double(binU[b * factors + f]) / Self.fixedPoint
        uF[f] += s * mid
        uSum[f] += s
      }
      ties += (c / n) * (c / n)
      midSquares += c / n * mid * mid
      before += c
    }
    // The mid-ranks average exactly 1/2; their variance is below 1/12 by the ties.
    let sdF = max(midSquares - 0.25, 0).squareRoot()
    let rho = (0..<factors).map { f -> Double in
      let sdU = (uMoments[f].variance * (n - 1) / n).squareRoot()
      // All tied (every drift in one bin, or a constant factor): ρ is undefined (NaN here,
      // reported as undefined with its reason), never 0/0 passed on silently.
      guard sdU > 0, sdF > 0 else { return .nan }
      return (uF[f] / n - uSum[f] / n / 2) / (sdU * sdF)
    }
    return (rho, 3.0.squareRoot() * ties)
  }
}

// Saved state: see `RunAccumulator: Codable`.
extension DriversAccumulator: Codable {}

extension DriversAccumulator {
  /// Same factors and bins (see `RunAccumulator.hasShape(of:)`).
  func hasShape(of o: DriversAccumulator) -> Bool {
    factors == o.factors && zGivenOverspend.count == o.zGivenOverspend.count && binCount.count == o.binCount.count
      && binU.count == o.binU.count && uMoments.count == o.uMoments.count
  }
}
