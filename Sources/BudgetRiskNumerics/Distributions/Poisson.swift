import Foundation

/// The Poisson distribution: `P(X = k) = e^(−μ) μᵏ / k!`.
///
/// Sampling is exact for every mean: sequential inversion for means below 10, and Ahrens and
/// Dieter's normal deviation method, PD, from 10 up (J. H. Ahrens and U. Dieter, "Computer
/// generation of Poisson deviates from modified normal distributions", ACM TOMS 8(2),
/// 163–179, 1982; see ``normalDeviation(mean:using:)``). Its rare exact tests use a
/// log-probability built from Loader's deviance and the Stirling correction, so they stay
/// exact for means of 10⁹ and beyond, where `k log μ − μ − log k!` would lose six digits to
/// cancellation. (PD replaced Hörmann's PTRS, which drew two uniforms a try and took a
/// logarithm for a quarter to two thirds of its draws: PD is 1.2–3 times faster from 10 to
/// 10⁴, see `docs/performance.md`.)
public enum Poisson {
  /// A Poisson count, as an integral-valued double.
  ///
  /// - Parameters:
  ///   - mean: the mean `μ ≥ 0`, finite (tested from 10⁻⁶ to 10⁹); `μ = 0` gives 0.
  ///   - generator: the source of randomness.
  /// - Returns: a non-negative integral double.
  /// - Precondition: `mean` is finite and ≥ 0.
  /// - Complexity: O(1 + μ) uniforms for `μ < 10`; O(1) expected for `μ ≥ 10`: one ziggurat
  ///   normal, a uniform for a few draws in a hundred (at μ = 1,000: 6 %), and the exact tests
  ///   for fewer still.
  @inlinable
  public static func sample<G: RandomNumberGenerator>(mean: Double, using generator: inout G) -> Double {
    precondition(mean >= 0 && mean.isFinite, "Poisson needs a finite mean ≥ 0")
    if mean < 10 {
      return inversion(mean: mean, using: &generator)
    }
    return normalDeviation(mean: mean, using: &generator)
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

  /// PD (Ahrens and Dieter 1982), for `μ ≥ 10`: a normal deviate rounded down, kept at once
  /// where the Poisson probabilities exceed the proposal's.
  ///
  /// With `s = √μ`, `G = μ + sZ` for a (ziggurat) normal `Z` and `K = ⌊G⌋`, the proposal's
  /// probabilities are `f_K = Φ((K + 1 − μ)/s) − Φ((K − μ)/s)`. Where `K ≥ L = ⌊μ − 1.1484⌋`,
  /// `p_K ≥ f_K` and `K` is kept (step I, about half the draws); below `L` it is kept with
  /// probability `p_K/f_K`: at once when a uniform `U` has `6μ²U ≥ (μ − K)³` (step S, whose
  /// bound `1 − (μ − K)³/(6μ²) ≤ p_K/f_K` the paper proves), else by the exact ratio (step Q,
  /// the same `U`). What the proposal leaves short, `(p_K − f_K)⁺`, comes from a Laplace hat
  /// (steps E and H, ``normalDeviationRest(mean:deviate:count:uniform:using:)``). Together:
  /// each `K` with probability `min(p_K, f_K) + (p_K − f_K)⁺ = p_K`.
  ///
  /// `U`'s first octal digit is the normal's spare bits
  /// (``ZigguratNormal/sampleWithSpareBits(using:)``); step S is decided on it alone when
  /// `digit/8` already clears the bound, and the uniform's other bits are drawn only otherwise.
  ///
  /// Exactness: `p_K` is ``logProbability(_:mean:)`` (the paper's 7-digit polynomial for it is
  /// not used), and `f_K` the normal tails' difference below `μ = 100`; from 100 up it is the
  /// paper's Hermite series `φ(x)/s · (c₀ + c₁x² + c₂x⁴ + c₃x⁶)` at the cell's midpoint
  /// `x = (K + ½ − μ)/s` (the difference would lose `log₁₀ s` digits), whose error summed over
  /// all `K` is 1.0·10⁻¹⁴ at `μ = 100`, 10⁻¹⁸ at 1,000 and falls as `μ⁻⁴` (against 40-digit
  /// values). Either only enters the rare steps. The four inequalities the method rests on
  /// (step I's, step S's, `p_K ≤ f_K` below `μ − 0.6744s`, and the hat's bound
  /// `(p_K − f_K)⁺e^{|t − 1.8|} ≤ 0.1069/μ`) were checked at 40–60 digits for means from 10
  /// to 3.3·10⁷.
  @inlinable
  package static func normalDeviation<G: RandomNumberGenerator>(mean mu: Double, using generator: inout G) -> Double {
    let s = mu.squareRoot()
    let (z, digit) = ZigguratNormal.sampleWithSpareBits(using: &generator)
    let g = mu + s * z
    guard g >= 0 else { return normalDeviationRest(mean: mu, deviate: g, count: 0, uniform: 0, using: &generator) }
    let k = g.rounded(.down)
    if k >= (mu - 1.1484).rounded(.down) { return k }  // step I
    // Step S: U ≥ (μ − K)³/(6μ²), mostly decided by U's first octal digit (the bound is
    // mostly below ⅛).
    let shortfall = mu - k, cube = shortfall * shortfall * shortfall, scale = 6 * mu * mu
    if scale * (Double(digit) * 0.125) >= cube { return k }
    let u = ZigguratNormal.uniform(firstOctalDigit: digit, using: &generator)
    if scale * u >= cube { return k }
    return normalDeviationRest(mean: mu, deviate: g, count: k, uniform: u, using: &generator)
  }

  /// PD's rare steps: the exact quotient test of a normal count below `L` that the squeeze
  /// did not take (step Q, when `deviate ≥ 0`), then, until a count is taken, the Laplace hat
  /// for `(p_K − f_K)⁺` (steps E and H).
  ///
  /// Inlinable, so that it is specialised for the caller's generator, but never inlined:
  /// the common steps stay small.
  @inlinable @inline(never)
  package static func normalDeviationRest<G: RandomNumberGenerator>(
    mean mu: Double, deviate g: Double, count k: Double, uniform u: Double, using generator: inout G
  ) -> Double {
    let s = mu.squareRoot()
    // The Hermite coefficients of the proposal's probabilities (Ahrens and Dieter's b₁, b₂, cᵢ).
    let b1 = 1 / (24 * mu)
    let b2 = 0.3 * b1 * b1
    let c3 = b1 * b2 / 7
    let c2 = b2 - 15 * c3
    let c1 = b1 - 6 * b2 + 45 * c3
    let c0 = 1 - b1 + 3 * b2 - 15 * c3
    /// `f_K`, the probability that `⌊μ + sZ⌋ = K`.
    func proposal(_ k: Double) -> Double {
      if mu < 100 {
        // Two normal tails on the side where both are small: the cell is ≥ 0.1 sd wide here.
        let lo = (k - mu) / s, hi = (k + 1 - mu) / s
        return k < mu
          ? StandardNormal.cdf(hi) - StandardNormal.cdf(lo) : StandardNormal.cdf(-lo) - StandardNormal.cdf(-hi)
      }
      let x = (k + 0.5 - mu) / s, xx = x * x
      return 0.398_942_280_401_432_7 / s * (((c3 * xx + c2) * xx + c1) * xx + c0) * exp(-0.5 * xx)
    }
    if g >= 0 {
      // Step Q: keep K when (1 − U)f_K ≤ p_K. Given step S's rejection (U below its bound),
      // and with step S's acceptance, that keeps K with probability exactly min(1, p_K/f_K).
      if (1 - u) * proposal(k) <= exp(logProbability(k, mean: mu)) { return k }
    }
    // Steps E and H: t from the Laplace density ½e^{−|t − 1.8|}, K = ⌊μ + st⌋, kept when
    // c|V| ≤ (p_K − f_K)e^E with c = 0.1069/μ (the paper's bound on (p_K − f_K)⁺e^{|t − 1.8|});
    // below t = −0.6744 every p_K ≤ f_K, so nothing there is owed.
    let c = 0.1069 / mu
    while true {
      let e = -log(openUniform(&generator))
      let v = 2 * openUniform(&generator) - 1
      let t = 1.8 + (v < 0 ? -e : e)
      guard t > -0.6744 else { continue }
      let candidate = (mu + s * t).rounded(.down)
      if c * v.magnitude <= (exp(logProbability(candidate, mean: mu)) - proposal(candidate)) * exp(e) {
        return candidate
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
