import Foundation

extension SpecialFunctions {
  /// The regularized incomplete beta function `I_x(a, b) = B(x; a, b)/B(a, b)`.
  ///
  /// `I_x(a, b)` is the CDF at `x` of a Beta(a, b) variate; the negative binomial CDF is
  /// `P(X ≤ k) = I_p(r, k + 1)` with `p = r/(r + μ)`.
  ///
  /// Evaluated by the continued fraction of DLMF 8.17.22 (modified Lentz), applied to
  /// `I_x(a, b)` when `x < (a + 1)/(a + b + 2)` and to `I_(1−x)(b, a) = 1 − I_x(a, b)`
  /// otherwise, so that it always converges quickly and the smaller tail is computed
  /// directly. The prefactor `xᵃ(1 − x)ᵇ/B(a, b)` is formed, when both parameters are at
  /// least 10, from `a·(log1p(u) − u) + b·(log1p(v) − v)` around the mode and the Stirling
  /// corrections, which keeps full accuracy for parameters of 10⁹ and more.
  ///
  /// - Parameters:
  ///   - x: the argument, in [0, 1].
  ///   - a: first shape parameter, `a > 0`.
  ///   - b: second shape parameter, `b > 0`.
  /// - Returns: `I_x(a, b)` in [0, 1]; NaN for invalid arguments.
  /// - Complexity: O(√min(a, b)) continued-fraction terms near the mean; O(1) in the tails.
  ///   With both parameters above about 10⁶ the rounding of those terms limits the
  ///   relative accuracy near the mean to about 10⁻¹¹.
  public static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
    incompleteBeta(x: x, y: 1 - x, a: a, b: b).p
  }

  /// `I_x(a, b)` and its complement, given `x` and `y = 1 − x` separately so that a caller
  /// who knows `y` more accurately than `1 − x` (for example `μ/(r + μ)`) keeps that accuracy.
  static func incompleteBeta(x: Double, y: Double, a: Double, b: Double) -> (p: Double, q: Double) {
    guard a > 0, b > 0, a.isFinite, b.isFinite, x >= 0, y >= 0, !x.isNaN, !y.isNaN else {
      return (.nan, .nan)
    }
    if x == 0 { return (0, 1) }
    if y == 0 { return (1, 0) }
    if x > (a + 1) / (a + b + 2) {
      let swapped = incompleteBetaContinuedFraction(x: y, y: x, a: b, b: a)
      return (1 - swapped, swapped)
    }
    let p = incompleteBetaContinuedFraction(x: x, y: y, a: a, b: b)
    return (p, 1 - p)
  }

  /// `xᵃyᵇ/B(a, b)` with `y = 1 − x`: `x·y` times the beta density.
  static func incompleteBetaPrefactor(x: Double, y: Double, a: Double, b: Double) -> Double {
    if x == 0 || y == 0 { return 0 }
    if a >= 10 && b >= 10 {
      // With x₀ = a/(a+b), y₀ = b/(a+b), u = x/x₀ − 1, v = y/y₀ − 1 (so a·u + b·v = 0):
      // xᵃyᵇ/B = √(ab/(2π(a+b))) · exp(a(log1p u − u) + b(log1p v − v)) · Γ*(a+b)/(Γ*(a)Γ*(b)).
      let sum = a + b
      let u = (-a).addingProduct(x, sum) / a  // fused: x·sum − a rounds once
      let v = (-b).addingProduct(y, sum) / b
      // log1p(u) − u, away from u = 0 from log(x/x₀) itself (see the gamma prefactor).
      let deviationX = u.magnitude < 0.5 ? log1pmx(u) : log(x * sum / a) - u
      let deviationY = v.magnitude < 0.5 ? log1pmx(v) : log(y * sum / b) - v
      let exponent = a * deviationX + b * deviationY
        + logGammaStar(sum) - logGammaStar(a) - logGammaStar(b)
      return (a * b / (2 * Double.pi * sum)).squareRoot() * exp(exponent)
    }
    let logX = x <= 0.5 ? log(x) : log1p(-y)
    let logY = y <= 0.5 ? log(y) : log1p(-x)
    return exp(a * logX + b * logY - logBeta(a, b))
  }

  /// `I_x(a, b)` by the continued fraction of DLMF 8.17.22, for `x < (a + 1)/(a + b + 2)`:
  /// ```
  /// I_x(a, b) = xᵃyᵇ/(a·B(a, b)) · 1/(1 + d₁/(1 + d₂/(1 + ⋯))),
  /// d₂ₘ = m(b − m)x/((a + 2m − 1)(a + 2m)),
  /// d₂ₘ₊₁ = −(a + m)(a + b + m)x/((a + 2m)(a + 2m + 1)).
  /// ```
  /// It is evaluated in its even contraction
  /// ```
  /// 1/(D₀ + N₁/(D₁ + N₂/(D₂ + ⋯))),   Nₘ = −d₂ₘ₋₁d₂ₘ,   Dₘ = 1 + d₂ₘ + d₂ₘ₊₁,
  /// Dₘ = [(a + 2m − 1)(a + 2m + 1)·y − ((a − 1)(b − 1) − 2m(a + m))·x] / ((a + 2m − 1)(a + 2m + 1)),
  /// ```
  /// with `Dₘ` written in `x` and `y` so that the cancellation in `1 + d₂ₘ₊₁` near the mean,
  /// which costs up to `a` ulps when `a` is large, never happens (modified Lentz method).
  private static func incompleteBetaContinuedFraction(x: Double, y: Double, a: Double, b: Double) -> Double {
    let tiny = 0x1p-1000
    let sum = a + b
    let shifted = (a - 1) * (b - 1)
    func denominator(_ m: Double) -> Double {
      let p = (a + 2 * m - 1) * (a + 2 * m + 1)
      return (p * y - (shifted - 2 * m * (a + m)) * x) / p
    }
    // D₀ = 1 + d₁ = ((a + 1)y − (b − 1)x)/(a + 1): the m = 0 case with (a − 1) cancelled.
    var f = ((a + 1) * y - (b - 1) * x) / (a + 1)
    if f.magnitude < tiny { f = tiny }
    var c = f
    var d = 0.0
    var m = 1.0
    while m < 1_000_000 {
      let dOdd = -(a + m - 1) * (sum + m - 1) * x / ((a + 2 * m - 2) * (a + 2 * m - 1))
      let dEven = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
      let numerator = -dOdd * dEven
      let denominatorM = denominator(m)
      d = denominatorM + numerator * d
      if d.magnitude < tiny { d = tiny }
      c = denominatorM + numerator / c
      if c.magnitude < tiny { c = tiny }
      d = 1 / d
      let delta = c * d
      f *= delta
      if (delta - 1).magnitude <= 0x1p-54 { break }
      m += 1
    }
    return Swift.min(1, incompleteBetaPrefactor(x: x, y: y, a: a, b: b) / (a * f))
  }
}

extension SpecialFunctions {
  /// The inverse of `I_·(a, b)`: the `x` in [0, 1] with `I_x(a, b) = p`.
  ///
  /// This is the Beta(a, b) quantile function. Newton's method on `log I` (or on
  /// `log(1 − I)` in the upper half) as a function of `t = log(x/(1 − x))`, inside a
  /// shrinking bracket: in that variable both tails are close to linear (`I ≈ xᵃ/(a·B)` as
  /// `x → 0`, `1 − I ≈ (1 − x)ᵇ/(b·B)` as `x → 1`). Solutions closer than about 10⁻²² to
  /// either end come straight from those leading terms.
  ///
  /// - Parameters:
  ///   - p: the probability, in [0, 1].
  ///   - a: first shape parameter, `a > 0`.
  ///   - b: second shape parameter, `b > 0`.
  /// - Returns: `x` in [0, 1]; NaN for invalid arguments.
  public static func inverseRegularizedBeta(_ p: Double, _ a: Double, _ b: Double) -> Double {
    inverseIncompleteBeta(p: p, q: 1 - p, a: a, b: b)
  }

  /// Solves `I_x(a, b) = p` (equivalently `1 − I_x(a, b) = q`) on the smaller of `p` and `q`.
  static func inverseIncompleteBeta(p: Double, q: Double, a: Double, b: Double) -> Double {
    guard a > 0, b > 0, a.isFinite, b.isFinite, p >= 0, p <= 1, q >= 0, q <= 1 else {
      return .nan
    }
    if p == 0 { return 0 }
    if q == 0 { return 1 }
    let lower = p <= q
    let target = lower ? p : q
    let logTarget = log(target)
    let logB = logBeta(a, b)

    // Tail starting values from the leading terms; decisive when extreme.
    let logSmallX = (log(p) + log(a) + logB) / a  // I ≈ xᵃ/(a·B)
    let logSmallY = (log(q) + log(b) + logB) / b  // 1 − I ≈ yᵇ/(b·B)
    if lower && logSmallX < -50 { return exp(logSmallX) }
    if !lower && logSmallY < -50 { return 1 - exp(logSmallY) }
    // Otherwise start from a normal approximation to the beta, pulled inside (0, 1).
    let mean = a / (a + b)
    let sd = (a * b / ((a + b) * (a + b) * (a + b + 1))).squareRoot()
    let z = lower ? StandardNormal.quantile(p) : -StandardNormal.quantile(q)
    var x0 = mean + sd * z
    if lower { x0 = Swift.min(x0, mean) } else { x0 = Swift.max(x0, mean) }
    let xTail = exp(Swift.min(logSmallX, 0)), yTail = exp(Swift.min(logSmallY, 0))
    if !(x0 > 0 && x0 < 1) { x0 = lower ? xTail : 1 - yTail }
    x0 = Swift.min(Swift.max(x0, 1e-300), 1 - 0x1p-53)
    let t = log(x0) - log1p(-x0)

    func evaluate(_ x: Double, _ y: Double) -> (value: Double, logDerivative: Double) {
      let (pp, qq) = incompleteBeta(x: x, y: y, a: a, b: b)
      let value = lower ? pp : qq
      let slope = incompleteBetaPrefactor(x: x, y: y, a: a, b: b) / value  // |d log value / dt|
      return (value, lower ? slope : -slope)
    }
    let solution = solveTail(start: t, increasing: lower, logTarget: logTarget) { t in
      evaluate(1 / (1 + exp(-t)), 1 / (1 + exp(t)))
    }
    // `t` resolves x only to about |t|·1e-16 relative; one last Newton step on x itself
    // (dx = x·y·dt).
    let x = 1 / (1 + exp(-solution))
    let y = 1 / (1 + exp(solution))
    let (value, logDerivative) = evaluate(x, y)
    let step = -(log(value) - logTarget) / logDerivative
    return step.magnitude < 1e-8 ? Swift.min(1, Swift.max(0, x + x * y * step)) : x
  }
}

