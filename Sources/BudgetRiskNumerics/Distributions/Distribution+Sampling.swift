import Foundation

extension Distribution {
  /// One independent draw.
  ///
  /// Uses the direct sampler of each family (inversion for the closed-form quantiles,
  /// Marsaglia–Tsang for the gamma, gamma ratios for the beta and PERT), so the number
  /// of `next()` calls consumed varies by case and, for rejection samplers, by draw. For
  /// draws that must be a monotone function of one uniform (copulas, common random
  /// numbers), use `quantile(openUniform(&g))` instead.
  ///
  /// - Parameter generator: the source of randomness.
  /// - Returns: a draw from the distribution.
  @inlinable
  public func sample<G: RandomNumberGenerator>(using generator: inout G) -> Double {
    switch self {
    case .fixed(let value):
      return value
    case .uniform(let min, let max):
      return Swift.min(max, min + (max - min) * openUniform(&generator))
    case .normal(let mean, let sd):
      return mean + sd * StandardNormal.sample(using: &generator)
    case .lognormal(let mu, let sigma):
      return exp(mu + sigma * StandardNormal.sample(using: &generator))
    case .gamma(let shape, let scale):
      return Gamma.sample(shape: shape, scale: scale, using: &generator)
    case .beta(let alpha, let beta, let min, let max):
      let u = Beta.sample(alpha: alpha, beta: beta, using: &generator)
      return Swift.min(max, Swift.max(min, min + (max - min) * u))
    case .pert(let min, let mode, let max):
      guard max > min else { return min }
      let range = max - min
      let u = Beta.sample(
        alpha: 1 + 4 * (mode - min) / range, beta: 1 + 4 * (max - mode) / range,
        using: &generator)
      return Swift.min(max, Swift.max(min, min + range * u))
    case .triangular, .discrete:
      return quantile(openUniform(&generator))
    }
  }
}
