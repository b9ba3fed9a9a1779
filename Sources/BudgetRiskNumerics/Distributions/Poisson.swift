import Foundation

/// The Poisson distribution: `P(X = k) = e^(−μ) μᵏ / k!`.
///
/// Sampling is exact for every mean: sequential inversion for means below 10, and
/// Hörmann's transformed rejection with squeeze, PTRS, for means of 10 and above
/// (W. Hörmann, "The transformed rejection method for generating Poisson random
/// variables", Insurance: Mathematics and Economics 12, 39–45, 1993). The rejection test
/// uses a log-probability built from Loader's deviance and the Stirling correction, so it
/// stays exact for means of 10⁹ and beyond, where `k log μ − μ − log k!` would lose six
/// digits to cancellation.
public enum Poisson {
  /// A Poisson count, as an integral-valued double.
  ///
  /// - Parameters:
  ///   - mean: the mean `μ ≥ 0`, finite (tested from 10⁻⁶ to 10⁹); `μ = 0` gives 0.
  ///   - generator: the source of randomness.
  /// - Returns: a non-negative integral double.
  /// - Precondition: `mean` is finite and ≥ 0.
  /// - Complexity: O(1 + μ) uniforms for `μ < 10`; O(1) expected for `μ ≥ 10` (about
  ///   1.15 uniform pairs per draw, most accepted by the squeeze without a logarithm).
  @inlinable
  public static func sample<G: RandomNumberGenerator>(mean: Double, using generator: inout G) -> Double {
    precondition(mean >= 0 && mean.isFinite, "Poisson needs a finite mean ≥ 0")
    if mean < 10 {
      return inversion(mean: mean, using: &generator)
    }
    return transformedRejection(mean: mean, using: &generator)
  }

  /// Sequential-search inversion from 0 upwards, for `μ < 10`.
  @inlinable
  package static func inversion<G: RandomNumberGenerator>(mean: Double, using generator: inout G) -> Double {
    var u = openUniform(&generator)
    var k = 0.0
    var probability = exp(-mean)
    // The cap only matters if rounding leaves u above the accumulated mass: far past the
    // support that a double can see for μ < 10.
    while u > probability && k < 1000 {
      u -= probability
      k += 1
      probability *= mean / k
    }
    return k
  }

  /// PTRS (Hörmann 1993), for `μ ≥ 10`.
  @inlinable
  package static func transformedRejection<G: RandomNumberGenerator>(mean: Double, using generator: inout G) -> Double {
    let rootMean = mean.squareRoot()
    let b = 0.931 + 2.53 * rootMean
    let a = -0.059 + 0.02483 * b
    let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
    let vr = 0.9277 - 3.6224 / (b - 2)
    while true {
      let u = openUniform(&generator) - 0.5
      let v = openUniform(&generator)
      let us = 0.5 - u.magnitude
      let k = ((2 * a / us + b) * u + mean + 0.43).rounded(.down)
      if us >= 0.07 && v <= vr { return k }
      if k < 0 || (us < 0.013 && v > us) { continue }
      if log(v * inverseAlpha / (a / (us * us) + b)) <= logProbability(k, mean: mean) {
        return k
      }
    }
  }

  /// `log P(X = k)` for integral `k ≥ 0`, accurate also for huge means:
  /// ```
  /// log P(X = k) = −[k log(k/μ) + μ − k] − ½ log(2πk) − log Γ*(k)      (k ≥ 10)
  /// ```
  @usableFromInline
  static func logProbability(_ k: Double, mean: Double) -> Double {
    if k < 10 {
      return k * log(mean) - mean - SpecialFunctions.logGamma(k + 1)
    }
    return -SpecialFunctions.deviance(k, mean) - 0.5 * log(2 * Double.pi * k)
      - SpecialFunctions.logGammaStar(k)
  }

  /// The CDF `P(X ≤ k) = Q(⌊k⌋ + 1, μ)` (regularized upper incomplete gamma).
  ///
  /// - Parameters:
  ///   - k: the argument; non-integral values are floored.
  ///   - mean: the mean `μ ≥ 0`.
  /// - Returns: `P(X ≤ k)`; 0 for `k < 0`; NaN for an invalid mean.
  public static func cdf(_ k: Double, mean: Double) -> Double {
    guard mean >= 0, mean.isFinite, !k.isNaN else { return .nan }
    if k < 0 { return 0 }
    if mean == 0 || k == .infinity { return 1 }
    return SpecialFunctions.regularizedGammaQ(k.rounded(.down) + 1, mean)
  }
}
