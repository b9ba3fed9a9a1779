import Foundation

extension Distribution {
  /// The quantile function (inverse CDF): the smallest `x` with `cdf(x) ≥ p`.
  ///
  /// Exact for every case (no sampling approximation): normal and lognormal through
  /// ``StandardNormal/quantile(_:)``, gamma, beta and PERT through the inverse incomplete
  /// gamma and beta functions, triangular and uniform in closed form, discrete as the
  /// generalised inverse of its step CDF.
  ///
  /// The parameters are drawn through a Gaussian copula, so `p` is first clamped into
  /// `[2⁻¹⁰²², 1 − 2⁻⁵³]`: every `p` in (0, 1), however extreme, gives a finite value
  /// inside the support (the bounds themselves are returned for `p` of exactly 0 or 1).
  ///
  /// - Parameter p: the probability.
  /// - Returns: the quantile; NaN only for a NaN `p`.
  /// - Complexity: O(1) for the closed forms; a few incomplete-gamma or -beta evaluations
  ///   for gamma, beta and PERT; O(n) for a discrete distribution of n ascending values
  ///   (O(n log n) if they are not sorted).
  public func quantile(_ p: Double) -> Double {
    if p.isNaN { return .nan }
    if p <= 0 { return lowerBound }
    if p >= 1 { return upperBound }
    let p = Swift.min(Swift.max(p, Double.leastNormalMagnitude), 1 - 0x1p-53)
    switch self {
    case .fixed(let value):
      return value
    case .uniform(let min, let max):
      return Swift.min(max, min + p * (max - min))
    case .normal(let mean, let sd):
      return mean + sd * StandardNormal.quantile(p)
    case .lognormal(let mu, let sigma):
      return exp(mu + sigma * StandardNormal.quantile(p))
    case .gamma(let shape, let scale):
      return Gamma.quantile(p, shape: shape, scale: scale)
    case .beta(let alpha, let beta, let min, let max):
      return Distribution.stretch(Beta.quantile(p, alpha: alpha, beta: beta), min, max)
    case .triangular(let min, let mode, let max):
      return Distribution.triangularQuantile(p, min: min, mode: mode, max: max)
    case .pert(let min, let mode, let max):
      guard max > min else { return min }
      let (alpha, beta) = Distribution.pertShapes(min: min, mode: mode, max: max)
      return Distribution.stretch(Beta.quantile(p, alpha: alpha, beta: beta), min, max)
    case .discrete(let values, let weights):
      return Distribution.discreteQuantile(p, values: values, weights: weights)
    }
  }

  /// The cumulative distribution function `P(X ≤ x)`.
  ///
  /// - Parameter x: the argument.
  /// - Returns: `P(X ≤ x)` in [0, 1] (right-continuous at the atoms of discrete and fixed
  ///   distributions).
  public func cdf(_ x: Double) -> Double {
    if x.isNaN { return .nan }
    switch self {
    case .fixed(let value):
      return x < value ? 0 : 1
    case .uniform(let min, let max):
      if x < min { return 0 }
      if x >= max { return 1 }
      return (x - min) / (max - min)
    case .normal(let mean, let sd):
      if sd == 0 { return x < mean ? 0 : 1 }
      return StandardNormal.cdf((x - mean) / sd)
    case .lognormal(let mu, let sigma):
      if x <= 0 { return 0 }
      if sigma == 0 { return log(x) < mu ? 0 : 1 }
      return StandardNormal.cdf((log(x) - mu) / sigma)
    case .gamma(let shape, let scale):
      return Gamma.cdf(x, shape: shape, scale: scale)
    case .beta(let alpha, let beta, let min, let max):
      if x < min { return 0 }
      if x >= max { return 1 }
      return Beta.cdf((x - min) / (max - min), alpha: alpha, beta: beta)
    case .triangular(let min, let mode, let max):
      if x < min { return 0 }
      if x >= max { return 1 }
      if x < mode {
        return (x - min) * (x - min) / ((max - min) * (mode - min))
      }
      return 1 - (max - x) * (max - x) / ((max - min) * (max - mode))
    case .pert(let min, let mode, let max):
      if x < min { return 0 }
      if x >= max { return 1 }
      let (alpha, beta) = Distribution.pertShapes(min: min, mode: mode, max: max)
      return Beta.cdf((x - min) / (max - min), alpha: alpha, beta: beta)
    case .discrete(let values, let weights):
      var total = 0.0, below = 0.0
      for (value, weight) in zip(values, weights) {
        total += weight
        if value <= x { below += weight }
      }
      return Swift.min(1, below / total)
    }
  }
}

extension Distribution {
  /// `min + (max − min)·u`, kept inside [min, max] against rounding.
  static func stretch(_ u: Double, _ min: Double, _ max: Double) -> Double {
    Swift.min(max, Swift.max(min, min + (max - min) * u))
  }

  /// Triangular quantile by inverting the two quadratic pieces of the CDF:
  /// ```
  /// p ≤ F(c):  a + √(p (b − a)(c − a))
  /// p > F(c):  b − √((1 − p)(b − a)(b − c)),     F(c) = (c − a)/(b − a)
  /// ```
  static func triangularQuantile(_ p: Double, min a: Double, mode c: Double, max b: Double) -> Double {
    let range = b - a
    guard range > 0 else { return a }
    let x = p <= (c - a) / range
      ? a + (p * range * (c - a)).squareRoot()
      : b - ((1 - p) * range * (b - c)).squareRoot()
    return Swift.min(b, Swift.max(a, x))
  }

  /// Generalised inverse of a step CDF: the smallest value whose cumulative weight reaches
  /// `p` of the total. Zero-weight values are never returned.
  static func discreteQuantile(_ p: Double, values: [Double], weights: [Double]) -> Double {
    let total = weights.reduce(0, +)
    let target = p * total
    var sorted = true
    for i in values.indices.dropFirst() where values[i] < values[i - 1] {
      sorted = false
      break
    }
    var order = Array(values.indices)
    if !sorted { order.sort { values[$0] < values[$1] } }
    var cumulative = 0.0
    var last = Double.nan
    for i in order where weights[i] > 0 {
      cumulative += weights[i]
      last = values[i]
      if cumulative >= target { return values[i] }
    }
    return last  // rounding left the running sum a hair below the target
  }
}
