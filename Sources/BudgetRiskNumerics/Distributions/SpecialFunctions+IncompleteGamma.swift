import Foundation

extension SpecialFunctions {
  /// The regularized lower incomplete gamma function `P(a, x) = γ(a, x)/Γ(a)`.
  ///
  /// `P(a, x)` is the CDF at `x` of a gamma variate with shape `a` and unit scale; the
  /// Poisson CDF is `P(X ≤ k) = Q(k + 1, mean)`.
  ///
  /// Three methods, each used where it converges fast and loses nothing to cancellation:
  /// - `a ≥ 20` and `|x − a| ≤ a/2`: Temme's uniform asymptotic expansion (DLMF 8.12.3–8.12.9;
  ///   N. M. Temme, "The asymptotic expansion of the incomplete gamma functions", SIAM J.
  ///   Math. Anal. 10, 1979) with twelve terms in `1/a`; cost independent of `a`.
  /// - otherwise `x < a + 1` (or `x < a/2` for large `a`): the power series for `P`.
  /// - otherwise: the continued fraction for `Q` (Legendre), by the modified Lentz method.
  ///
  /// The smaller of `P` and `Q` is always computed directly; the other is its complement.
  ///
  /// - Parameters:
  ///   - a: the shape, `a > 0` (tested to 10⁹).
  ///   - x: the argument, `x ≥ 0`.
  /// - Returns: `P(a, x)` in [0, 1]; NaN for invalid arguments.
  /// - Complexity: O(1) for large `a` (Temme); at most a few hundred terms otherwise.
  public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
    incompleteGamma(a, x).p
  }

  /// The regularized upper incomplete gamma function `Q(a, x) = Γ(a, x)/Γ(a) = 1 − P(a, x)`.
  ///
  /// Computed directly (not as `1 − P`) wherever it is the smaller of the two, so it keeps
  /// its relative accuracy far into the upper tail. See ``regularizedGammaP(_:_:)``.
  ///
  /// - Parameters:
  ///   - a: the shape, `a > 0`.
  ///   - x: the argument, `x ≥ 0`.
  /// - Returns: `Q(a, x)` in [0, 1]; NaN for invalid arguments.
  public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
    incompleteGamma(a, x).q
  }

  /// Both `P(a, x)` and `Q(a, x)`, the smaller one computed directly.
  static func incompleteGamma(_ a: Double, _ x: Double) -> (p: Double, q: Double) {
    guard a > 0, a.isFinite, x >= 0 else { return (.nan, .nan) }
    if x == 0 { return (0, 1) }
    if x == .infinity { return (1, 0) }
    if a >= 20 && (x - a).magnitude <= 0.5 * a {
      return incompleteGammaTemme(a, x)
    }
    let useSeries = a >= 20 ? x < a : x < a + 1
    if useSeries {
      let p = incompleteGammaSeries(a, x)
      if a < 1 && p > 0.5 {
        let q = incompleteGammaSmallShapeQ(a, x)
        return (1 - q, q)
      }
      return (p, 1 - p)
    }
    let q = incompleteGammaContinuedFraction(a, x)
    return (1 - q, q)
  }

  /// `xᵃe⁻ˣ/Γ(a)`, the common prefactor of `P` and `Q` (also `x` times the gamma density).
  ///
  /// For `a ≥ 1` it is written as `√(a/2π) · exp(a·(log1p(μ) − μ) − log Γ*(a))` with
  /// `μ = (x − a)/a`, which has no cancellation even for `a = 10⁹`.
  static func incompleteGammaPrefactor(_ a: Double, _ x: Double) -> Double {
    if x == 0 { return 0 }
    if a < 1 {
      return exp(a * log(x) - x - logGamma(a))
    }
    // log1p(μ) − μ; away from μ = 0 from log(x/a) so that x ≪ a loses nothing to 1 + μ.
    let mu = (x - a) / a
    let deviation = mu.magnitude < 0.5 ? log1pmx(mu) : log(x / a) - mu
    return (a / (2 * Double.pi)).squareRoot() * exp(a * deviation - logGammaStar(a))
  }

  /// `P(a, x)` by its power series `xᵃe⁻ˣ/Γ(a + 1) · Σₙ xⁿ/((a + 1)⋯(a + n))`.
  private static func incompleteGammaSeries(_ a: Double, _ x: Double) -> Double {
    var term = 1.0
    var sum = 1.0
    var n = 1.0
    while n < 100_000 {
      term *= x / (a + n)
      sum += term
      if term <= sum * 0x1p-56 { break }
      n += 1
    }
    return Swift.min(1, incompleteGammaPrefactor(a, x) / a * sum)
  }

  /// `Q(a, x)` for `a < 1`, `x < a + 1`, computed directly rather than as `1 − P`
  /// (after DiDonato and Morris, ACM TOMS 12, 1986):
  /// ```
  /// Q(a, x) = −expm1(a log x − log Γ(1 + a)) − a·xᵃ/Γ(1 + a) · Σₙ₌₁ (−x)ⁿ/(n!(a + n))
  /// ```
  private static func incompleteGammaSmallShapeQ(_ a: Double, _ x: Double) -> Double {
    let logLeading = a * log(x) - logGamma1p(a)  // log(xᵃ/Γ(1 + a))
    var term = 1.0
    var sum = 0.0
    var n = 1.0
    while n < 1000 {
      term *= -x / n
      let contribution = term / (a + n)
      sum += contribution
      if contribution.magnitude <= 0x1p-56 * sum.magnitude { break }
      n += 1
    }
    let q = -expm1(logLeading) - a * exp(logLeading) * sum
    return Swift.min(Swift.max(q, 0), 1)
  }

  /// `Q(a, x)` by Legendre's continued fraction, modified Lentz evaluation.
  ///
  /// ```
  /// Q(a, x) = xᵃe⁻ˣ/Γ(a) · 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2·(2 − a)/(x + 5 − a − ⋯)))
  /// ```
  private static func incompleteGammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
    let tiny = 0x1p-1000
    var b = x + 1 - a
    var c = 1 / tiny
    var d = 1 / b
    var h = d
    var i = 1.0
    while i < 100_000 {
      let an = -i * (i - a)
      b += 2
      d = an * d + b
      if d.magnitude < tiny { d = tiny }
      c = b + an / c
      if c.magnitude < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if (delta - 1).magnitude <= 0x1p-54 { break }
      i += 1
    }
    return Swift.min(1, incompleteGammaPrefactor(a, x) * h)
  }

  /// `P` and `Q` by Temme's uniform asymptotic expansion (DLMF 8.12.3–8.12.9):
  /// ```
  /// Q(a, x) = ½ erfc(η√(a/2)) + R,   P(a, x) = ½ erfc(−η√(a/2)) − R,
  /// R = e^(−aη²/2)/√(2πa) · Σₖ cₖ(η) a⁻ᵏ,
  /// ```
  /// where `λ = x/a` and `η²/2 = λ − 1 − log λ`, `η` with the sign of `λ − 1`.
  private static func incompleteGammaTemme(_ a: Double, _ x: Double) -> (p: Double, q: Double) {
    let mu = (x - a) / a
    let phi = -log1pmx(mu)  // λ − 1 − log λ ≥ 0
    let eta = (mu < 0 ? -1.0 : 1.0) * (2 * phi).squareRoot()
    let coefficients = temmeCoefficients
    var sum = 0.0
    var inversePower = 1.0
    for ck in coefficients {
      var value = 0.0
      for c in ck.reversed() { value = value * eta + c }
      sum += value * inversePower
      inversePower /= a
      if inversePower < 1e-20 { break }
    }
    let r = exp(-a * phi) / (2 * Double.pi * a).squareRoot() * sum
    let y = eta * (0.5 * a).squareRoot()
    let q = 0.5 * erfc(y) + r
    let p = 0.5 * erfc(-y) - r
    return (Swift.min(Swift.max(p, 0), 1), Swift.min(Swift.max(q, 0), 1))
  }
}

extension SpecialFunctions {
  /// The inverse of `P(a, ·)`: the `x` with `P(a, x) = p`.
  ///
  /// This is the quantile function of the unit-scale gamma distribution. It is found by
  /// Newton's method on `log P` (or on `log Q` in the upper half) as a function of `log x`,
  /// kept inside a shrinking bracket; there the functions are close to linear in both
  /// tails, so a Wilson–Hilferty or small-`x` starting value converges in a handful of
  /// steps. Far lower-tail solutions below about 10⁻²² come straight from the leading term
  /// `P ≈ xᵃ/Γ(a + 1)`, whose relative error is then below 10⁻²¹.
  ///
  /// - Parameters:
  ///   - a: the shape, `a > 0`.
  ///   - p: the probability, in [0, 1].
  /// - Returns: `x ≥ 0` (0 for `p = 0`, +∞ for `p = 1`; 0 also where the true value is
  ///   below the smallest double); NaN for invalid arguments.
  public static func inverseRegularizedGammaP(_ a: Double, _ p: Double) -> Double {
    inverseIncompleteGamma(a, p: p, q: 1 - p)
  }

  /// The inverse of `Q(a, ·)`: the `x` with `Q(a, x) = q`.
  ///
  /// Solving on `Q` directly keeps upper quantiles accurate when `q` is tiny.
  /// See ``inverseRegularizedGammaP(_:_:)``.
  ///
  /// - Parameters:
  ///   - a: the shape, `a > 0`.
  ///   - q: the upper-tail probability, in [0, 1].
  /// - Returns: `x ≥ 0`; NaN for invalid arguments.
  public static func inverseRegularizedGammaQ(_ a: Double, _ q: Double) -> Double {
    inverseIncompleteGamma(a, p: 1 - q, q: q)
  }

  /// Solves `P(a, x) = p` (equivalently `Q(a, x) = q`), working on whichever of `p` and `q`
  /// is smaller.
  static func inverseIncompleteGamma(_ a: Double, p: Double, q: Double) -> Double {
    guard a > 0, a.isFinite, p >= 0, p <= 1, q >= 0, q <= 1 else { return .nan }
    if p == 0 { return 0 }
    if q == 0 { return .infinity }
    let lower = p <= q
    let target = lower ? p : q
    let logTarget = log(target)

    // Starting value in t = log x.
    let logSmallX = (log(p) + logGamma(a + 1)) / a  // from P ≈ xᵃ/Γ(a + 1)
    if lower && logSmallX < -50 { return exp(logSmallX) }
    var t: Double
    if a >= 1 {
      // Wilson–Hilferty: (X/a)^(1/3) is nearly normal.
      let z = lower ? StandardNormal.quantile(p) : -StandardNormal.quantile(q)
      let w = 1 - 1 / (9 * a) + z / (3 * a.squareRoot())
      t = w > 0.05 ? log(a) + 3 * log(w) : logSmallX
    } else if lower {
      t = Swift.min(logSmallX, log(a + 1))
    } else {
      // Q ≈ x^(a−1)e^(−x)/Γ(a) for large x.
      let x0 = Swift.max(1, -logTarget - logGamma(a))
      t = log(Swift.max(1, x0 + (a - 1) * log(x0)))
    }

    func evaluate(_ x: Double) -> (value: Double, logDerivative: Double) {
      let (pp, qq) = incompleteGamma(a, x)
      let value = lower ? pp : qq
      let slope = incompleteGammaPrefactor(a, x) / value  // |d log value / d log x|
      return (value, lower ? slope : -slope)
    }
    let solution = solveTail(start: t, increasing: lower, logTarget: logTarget) { evaluate(exp($0)) }
    // `t` resolves x only to about |log x|·1e-16; one last Newton step on x itself.
    let x = exp(solution)
    let (value, logDerivative) = evaluate(x)
    let step = -(log(value) - logTarget) / logDerivative
    return step.magnitude < 1e-8 ? x + x * step : x
  }
}


extension SpecialFunctions {
  /// Safeguarded Newton iteration for `log value(t) = logTarget`, where `value` is a tail
  /// probability that is monotone in `t` (increasing or decreasing as stated) and
  /// `evaluate` returns it together with `d log value / dt`.
  ///
  /// Every evaluation narrows a bracket around the root; a Newton step that would leave the
  /// bracket (or an evaluation that underflowed) is replaced by bisection, or by a bounded
  /// expansion while one side is still open. The iteration stops when `log value` matches
  /// the target to 10⁻¹⁵, when the step is below the resolution of `t`, or when the steps
  /// stop shrinking at the noise floor of `value`.
  ///
  /// - Returns: the solution `t`.
  static func solveTail(
    start: Double, increasing: Bool, logTarget: Double,
    evaluate: (Double) -> (value: Double, logDerivative: Double)
  ) -> Double {
    var t = start
    var lo = -Double.infinity, hi = Double.infinity
    var previousStep = Double.infinity
    for _ in 0..<100 {
      let (value, logDerivative) = evaluate(t)
      let resolution = 2.5e-16 * Swift.max(1, t.magnitude)
      var next = Double.nan
      if value > 0 && value.isFinite {
        let g = log(value) - logTarget
        if g.magnitude <= 1e-15 { return t }
        if (g < 0) == increasing { lo = t } else { hi = t }
        let step = -g / logDerivative
        if step.magnitude <= resolution { return t }
        // Noise floor: the function is matched to near its own accuracy and Newton has
        // stopped converging.
        if g.magnitude < 1e-12 && step.magnitude >= 0.5 * previousStep { return t }
        previousStep = step.magnitude
        next = t + step
      } else if increasing {
        lo = t  // underflow of a lower tail: t is far too small
      } else {
        hi = t  // underflow of an upper tail: t is far too large
      }
      if !(next > lo && next < hi) {
        if lo.isFinite && hi.isFinite {
          next = 0.5 * (lo + hi)
        } else if lo.isFinite {
          next = lo + Swift.max(1, 0.25 * lo.magnitude)
        } else {
          next = hi - Swift.max(1, 0.25 * hi.magnitude)
        }
      }
      if hi - lo <= resolution { return next }
      t = next
    }
    return t
  }
}
