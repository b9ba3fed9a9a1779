import Foundation

/// The beta distribution on [0, 1]: density `x^(α−1) (1 − x)^(β−1) / B(α, β)`.
///
/// Sampled as `X/(X + Y)` with independent `X ~ Gamma(α)`, `Y ~ Gamma(β)`; when a
/// parameter is below 1 the ratio is formed from the logarithms of the gamma variates, so
/// that small parameters (where both gammas can underflow) never give 0/0. The CDF and
/// quantile go through ``SpecialFunctions/regularizedBeta(_:_:_:)`` and its inverse.
public enum Beta {
  /// A beta variate.
  ///
  /// - Parameters:
  ///   - alpha: the first shape `α > 0`.
  ///   - beta: the second shape `β > 0`.
  ///   - generator: the source of randomness.
  /// - Returns: a draw in [0, 1] with mean `α/(α + β)`; exactly 0 or 1 only when the true
  ///   value rounds there (possible for parameters well below 1).
  /// - Precondition: `alpha > 0` and `beta > 0`.
  /// - Complexity: two gamma draws.
  @inlinable
  public static func sample<G: RandomNumberGenerator>(
    alpha: Double, beta: Double, using generator: inout G
  ) -> Double {
    precondition(alpha > 0 && beta > 0, "Beta needs alpha > 0 and beta > 0")
    if alpha >= 1 && beta >= 1 {
      let x = Gamma.marsagliaTsang(shape: alpha, using: &generator)
      let y = Gamma.marsagliaTsang(shape: beta, using: &generator)
      return x / (x + y)
    }
    let logX = Gamma.logSample(shape: alpha, using: &generator)
    let logY = Gamma.logSample(shape: beta, using: &generator)
    if logX >= logY {
      return 1 / (1 + exp(logY - logX))
    }
    let ratio = exp(logX - logY)
    return ratio / (1 + ratio)
  }

  /// The CDF `I_x(α, β)`.
  ///
  /// - Parameters:
  ///   - x: the argument.
  ///   - alpha: the first shape `α > 0`.
  ///   - beta: the second shape `β > 0`.
  /// - Returns: `P(X ≤ x)`: 0 below 0, 1 above 1; NaN for invalid parameters.
  public static func cdf(_ x: Double, alpha: Double, beta: Double) -> Double {
    guard alpha > 0, beta > 0, !x.isNaN else { return .nan }
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    return SpecialFunctions.regularizedBeta(x, alpha, beta)
  }

  /// The quantile function: the `x` in [0, 1] with `I_x(α, β) = p`.
  ///
  /// - Parameters:
  ///   - p: the probability, in [0, 1].
  ///   - alpha: the first shape `α > 0`.
  ///   - beta: the second shape `β > 0`.
  /// - Returns: `x` in [0, 1]; NaN for invalid arguments.
  public static func quantile(_ p: Double, alpha: Double, beta: Double) -> Double {
    SpecialFunctions.inverseRegularizedBeta(p, alpha, beta)
  }
}
