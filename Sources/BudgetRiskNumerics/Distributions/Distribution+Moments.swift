import Foundation

extension Distribution {
  /// The mean (expected value).
  ///
  /// Closed forms: uniform `(a + b)/2`; lognormal `exp(μ + σ²/2)`; gamma `kθ`;
  /// beta `min + (max − min)·α/(α + β)`; triangular `(a + c + b)/3`;
  /// PERT `(min + 4·mode + max)/6`; discrete the weighted mean.
  public var mean: Double {
    switch self {
    case .fixed(let value):
      return value
    case .uniform(let min, let max):
      return 0.5 * (min + max)
    case .normal(let mean, _):
      return mean
    case .lognormal(let mu, let sigma):
      return exp(mu + 0.5 * sigma * sigma)
    case .gamma(let shape, let scale):
      return shape * scale
    case .beta(let alpha, let beta, let min, let max):
      return min + (max - min) * alpha / (alpha + beta)
    case .triangular(let min, let mode, let max):
      return (min + mode + max) / 3
    case .pert(let min, let mode, let max):
      return (min + 4 * mode + max) / 6
    case .discrete(let values, let weights):
      let total = weights.reduce(0, +)
      var sum = 0.0
      for (value, weight) in zip(values, weights) { sum += weight * value }
      return sum / total
    }
  }

  /// The variance.
  ///
  /// Closed forms: uniform `(b − a)²/12`; lognormal `(e^(σ²) − 1)·e^(2μ + σ²)`; gamma `kθ²`;
  /// beta `(max − min)²·αβ/((α + β)²(α + β + 1))`; triangular
  /// `(a² + b² + c² − ab − ac − bc)/18`; PERT as its beta; discrete the weighted variance.
  public var variance: Double {
    switch self {
    case .fixed:
      return 0
    case .uniform(let min, let max):
      return (max - min) * (max - min) / 12
    case .normal(_, let sd):
      return sd * sd
    case .lognormal(let mu, let sigma):
      let s2 = sigma * sigma
      return expm1(s2) * exp(2 * mu + s2)
    case .gamma(let shape, let scale):
      return shape * scale * scale
    case .beta(let alpha, let beta, let min, let max):
      return Distribution.betaVariance(alpha, beta) * (max - min) * (max - min)
    case .triangular(let a, let c, let b):
      return (a * a + b * b + c * c - a * b - a * c - b * c) / 18
    case .pert(let min, let mode, let max):
      guard max > min else { return 0 }
      let (alpha, beta) = Distribution.pertShapes(min: min, mode: mode, max: max)
      return Distribution.betaVariance(alpha, beta) * (max - min) * (max - min)
    case .discrete(let values, let weights):
      let total = weights.reduce(0, +)
      let m = mean
      var sum = 0.0
      for (value, weight) in zip(values, weights) { sum += weight * (value - m) * (value - m) }
      return sum / total
    }
  }

  /// The smallest value of the support (−∞ where unbounded below).
  public var lowerBound: Double {
    switch self {
    case .fixed(let value): return value
    case .uniform(let min, _): return min
    case .normal(_, let sd): return sd == 0 ? mean : -.infinity
    case .lognormal: return 0
    case .gamma: return 0
    case .beta(_, _, let min, _): return min
    case .triangular(let min, _, _): return min
    case .pert(let min, _, _): return min
    case .discrete(let values, let weights):
      var best = Double.infinity
      for (value, weight) in zip(values, weights) where weight > 0 { best = Swift.min(best, value) }
      return best
    }
  }

  /// The largest value of the support (+∞ where unbounded above).
  public var upperBound: Double {
    switch self {
    case .fixed(let value): return value
    case .uniform(_, let max): return max
    case .normal(_, let sd): return sd == 0 ? mean : .infinity
    case .lognormal: return .infinity
    case .gamma: return .infinity
    case .beta(_, _, _, let max): return max
    case .triangular(_, _, let max): return max
    case .pert(_, _, let max): return max
    case .discrete(let values, let weights):
      var best = -Double.infinity
      for (value, weight) in zip(values, weights) where weight > 0 { best = Swift.max(best, value) }
      return best
    }
  }

  /// The beta shapes of a PERT(min, mode, max):
  /// `α = 1 + 4(mode − min)/(max − min)`, `β = 1 + 4(max − mode)/(max − min)`.
  static func pertShapes(min: Double, mode: Double, max: Double) -> (alpha: Double, beta: Double) {
    let range = max - min
    return (1 + 4 * (mode - min) / range, 1 + 4 * (max - mode) / range)
  }

  /// The variance of a standard Beta(α, β).
  static func betaVariance(_ alpha: Double, _ beta: Double) -> Double {
    let sum = alpha + beta
    return alpha * beta / (sum * sum * (sum + 1))
  }
}
