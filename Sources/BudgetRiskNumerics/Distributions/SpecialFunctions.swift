import Foundation

/// Special functions behind the distributions: log-gamma, log-beta, the regularized
/// incomplete gamma and beta ratios, and their inverses.
///
/// The incomplete ratios are written for accuracy in the tails and for very large
/// parameters (shape up to 10⁹, as met by Poisson counts with a mean of a billion): every
/// prefactor of the form `xᵃe⁻ˣ/Γ(a)` or `xᵃyᵇ/B(a, b)` is computed from `log1p(μ) − μ`
/// and the Stirling correction `log Γ*(a)`, never as a difference of huge logarithms.
/// Across the ranges tested the relative error is about 10⁻¹³ or better, degrading
/// towards 10⁻¹² only in tails far below 10⁻¹⁰⁰, where `erfc` amplifies the rounding of its
/// argument.
public enum SpecialFunctions {}

extension SpecialFunctions {
  /// The natural logarithm of the gamma function, `log |Γ(x)|`.
  ///
  /// Uses the C library's reentrant `lgamma_r` (no shared `signgam` is written, so it is
  /// safe to call from concurrent code).
  ///
  /// - Parameter x: the argument; poles (0, −1, −2, …) give +∞.
  /// - Returns: `log |Γ(x)|`.
  public static func logGamma(_ x: Double) -> Double {
    var sign: Int32 = 0
    return lgamma_r(x, &sign)
  }

  /// The natural logarithm of the beta function, `log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b)`.
  ///
  /// When a parameter is large the three log-gammas nearly cancel, so the Stirling form
  /// (DLMF 5.11.1) is used with the large parts combined analytically; the result keeps
  /// full relative accuracy for `a`, `b` up to 10¹⁵.
  ///
  /// - Parameters:
  ///   - a: first parameter, `a > 0`.
  ///   - b: second parameter, `b > 0`.
  /// - Returns: `log B(a, b)`; NaN when a parameter is not positive.
  public static func logBeta(_ a: Double, _ b: Double) -> Double {
    guard a > 0, b > 0 else { return .nan }
    let small = Swift.min(a, b), large = Swift.max(a, b)
    if small >= 10 {
      // log B = ½ log 2π − ½ log b + (a − ½) log(a/(a+b)) + b log(b/(a+b)) + corrections
      let sum = small + large
      return 0.5 * log(2 * Double.pi) - 0.5 * log(large)
        + (small - 0.5) * log(small / sum) + large * log1p(-small / sum)
        + logGammaStar(small) + logGammaStar(large) - logGammaStar(sum)
    }
    if large >= 10 {
      // log Γ(b) − log Γ(a + b) = −(b − ½) log1p(a/b) − a log(a + b) + a + corrections
      let sum = small + large
      let difference = -(large - 0.5) * log1p(small / large) - small * log(sum) + small
        + logGammaStar(large) - logGammaStar(sum)
      return logGamma(small) + difference
    }
    return logGamma(small) + logGamma(large) - logGamma(small + large)
  }
}

extension SpecialFunctions {
  /// `log1p(x) − x`, accurate also for small `|x|`.
  ///
  /// For `|x| < ½`, with `t = x/(2 + x)`,
  /// ```
  /// log1p(x) − x = −t·x + 2(t³/3 + t⁵/5 + …)
  /// ```
  /// which has no cancellation; elsewhere the direct difference is exact enough.
  static func log1pmx(_ x: Double) -> Double {
    if x.magnitude >= 0.5 { return log1p(x) - x }
    let t = x / (2 + x)
    let t2 = t * t
    var power = t
    var sum = 0.0
    var k = 3.0
    while true {
      power *= t2
      let term = power / k
      sum += term
      if term.magnitude <= 1e-17 * sum.magnitude { break }
      k += 2
    }
    return -t * x + 2 * sum
  }

  /// `log Γ(1 + a)`, accurate also for small `|a|` where `1 + a` would round.
  ///
  /// For `|a| ≤ 0.2` the Taylor series `log Γ(1 + a) = −γa + Σₖ₌₂ (−1)ᵏ ζ(k)/k · aᵏ`
  /// (DLMF 5.7.3) to k = 26; elsewhere `lgamma(1 + a)`.
  static func logGamma1p(_ a: Double) -> Double {
    guard a.magnitude <= 0.2 else { return logGamma(1 + a) }
    // (−1)ᵏ ζ(k)/k for k = 2…26, from mpmath at 40 digits.
    let coefficients: [Double] = [
      0.8224670334241132,
      -0.40068563438653143,
      0.27058080842778454,
      -0.20738555102867398,
      0.1695571769974082,
      -0.1440498967688461,
      0.12550966952474304,
      -0.11133426586956469,
      0.1000994575127818,
      -0.09095401714582904,
      0.083353840546109,
      -0.0769325164113522,
      0.07143294629536133,
      -0.06666870588242046,
      0.06250095514121304,
      -0.058823978658684585,
      0.055555767627403614,
      -0.05263167937961666,
      0.05000004769810169,
      -0.047619070330142226,
      0.04545455629320467,
      -0.04347826605304026,
      0.04166666915034121,
      -0.04000000119214014,
      0.03846153903467518
    ]
    var sum = 0.0
    for c in coefficients.reversed() { sum = (sum + c) * a }
    return (sum - 0.577_215_664_901_532_860_6) * a
  }

  /// `log Γ*(a)`, the Stirling correction `log Γ(a) − [(a − ½) log a − a + ½ log 2π]`.
  ///
  /// For `a ≥ 10` the asymptotic series in `1/a` (Bernoulli numbers, DLMF 5.11.1) through
  /// the `a⁻¹⁵` term, accurate to 10⁻¹⁷ there; below 10 the definition itself.
  static func logGammaStar(_ a: Double) -> Double {
    if a >= 10 {
      let r = 1 / a
      let r2 = r * r
      var s = -3617.0 / 122_400
      s = s * r2 + 1.0 / 156
      s = s * r2 - 691.0 / 360_360
      s = s * r2 + 1.0 / 1188
      s = s * r2 - 1.0 / 1680
      s = s * r2 + 1.0 / 1260
      s = s * r2 - 1.0 / 360
      s = s * r2 + 1.0 / 12
      return s * r
    }
    return logGamma(a) - (a - 0.5) * log(a) + a - 0.5 * log(2 * Double.pi)
  }

  /// The Loader deviance term `x log(x/m) + m − x` (≥ 0), without cancellation near `x = m`.
  ///
  /// Near `x = m`, with `v = (x − m)/(x + m)`,
  /// ```
  /// x log(x/m) + m − x = (x − m)·v + 2x(v³/3 + v⁵/5 + …)
  /// ```
  /// (C. Loader, "Fast and accurate computation of binomial probabilities", 2000).
  static func deviance(_ x: Double, _ m: Double) -> Double {
    let d = x - m
    if d.magnitude < 0.1 * (x + m) {
      let v = d / (x + m)
      let v2 = v * v
      var power = v
      var sum = 0.0
      var k = 3.0
      while true {
        power *= v2
        let term = power / k
        sum += term
        if term.magnitude <= 1e-17 * sum.magnitude { break }
        k += 2
      }
      return d * v + 2 * x * sum
    }
    return x * log(x / m) + m - x
  }
}
