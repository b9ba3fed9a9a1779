import Foundation

/// The negative binomial distribution by mean and dispersion: mean `μ`, variance
/// `μ + μ²/r` (the NB2 parameterisation of overdispersed counts).
///
/// It is the gamma–Poisson mixture `X | λ ~ Poisson(λ)`, `λ ~ Gamma(r, μ/r)`, and is
/// sampled exactly that way. As `r → ∞` it tends to Poisson(μ); `r = +∞` is accepted and
/// samples the Poisson directly.
public enum NegativeBinomial {
  /// A negative binomial count, as an integral-valued double.
  ///
  /// - Parameters:
  ///   - mean: the mean `μ ≥ 0`, finite.
  ///   - dispersion: the dispersion (size) `r > 0`; `+∞` gives Poisson(μ).
  ///   - generator: the source of randomness.
  /// - Returns: a non-negative integral double with mean `μ` and variance `μ + μ²/r`.
  /// - Precondition: `mean` finite and ≥ 0, `dispersion > 0`.
  /// - Complexity: one gamma and one Poisson draw.
  @inlinable
  public static func sample<G: RandomNumberGenerator>(
    mean: Double, dispersion: Double, using generator: inout G
  ) -> Double {
    precondition(mean >= 0 && mean.isFinite && dispersion > 0,
                 "NegativeBinomial needs a finite mean ≥ 0 and dispersion > 0")
    if mean == 0 { return 0 }
    if dispersion == .infinity { return Poisson.sample(mean: mean, using: &generator) }
    let rate = Gamma.sample(shape: dispersion, scale: mean / dispersion, using: &generator)
    return Poisson.sample(mean: rate, using: &generator)
  }

  /// The CDF `P(X ≤ k) = I_p(r, ⌊k⌋ + 1)` with `p = r/(r + μ)` (regularized incomplete beta).
  ///
  /// - Parameters:
  ///   - k: the argument; non-integral values are floored.
  ///   - mean: the mean `μ ≥ 0`.
  ///   - dispersion: the dispersion `r > 0` (`+∞` gives the Poisson CDF).
  /// - Returns: `P(X ≤ k)`; 0 for `k < 0`; NaN for invalid parameters.
  public static func cdf(_ k: Double, mean: Double, dispersion: Double) -> Double {
    guard mean >= 0, mean.isFinite, dispersion > 0, !k.isNaN else { return .nan }
    if k < 0 { return 0 }
    if mean == 0 || k == .infinity { return 1 }
    if dispersion == .infinity { return Poisson.cdf(k, mean: mean) }
    let total = dispersion + mean
    return SpecialFunctions.incompleteBeta(
      x: dispersion / total, y: mean / total, a: dispersion, b: k.rounded(.down) + 1
    ).p
  }
}
