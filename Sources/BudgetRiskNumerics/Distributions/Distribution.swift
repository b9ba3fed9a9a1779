import Foundation

/// A continuous (or discrete-valued) distribution for an uncertain parameter.
///
/// Parameters are drawn through the Gaussian copula, so every case provides an exact
/// `quantile`; `cdf`, `mean` and `variance` serve validation, the analytic expected cost
/// and the tests.
public enum Distribution: Sendable, Equatable {
  case fixed(Double)
  case uniform(min: Double, max: Double)
  case normal(mean: Double, sd: Double)
  /// exp(N(mu, sigma²)). Build from a mean and coefficient of variation with `lognormal(mean:cv:)`.
  case lognormal(mu: Double, sigma: Double)
  case gamma(shape: Double, scale: Double)
  /// Beta(alpha, beta) stretched onto [min, max].
  case beta(alpha: Double, beta: Double, min: Double, max: Double)
  case triangular(min: Double, mode: Double, max: Double)
  /// PERT: a beta on [min, max] with mean (min + 4·mode + max) / 6.
  case pert(min: Double, mode: Double, max: Double)
  /// Values with weights (normalised to sum 1); the quantile is the generalised inverse of the step CDF.
  case discrete(values: [Double], weights: [Double])

  /// A lognormal with the given mean and coefficient of variation.
  public static func lognormal(mean: Double, cv: Double) -> Distribution {
    let s2 = log1p(cv * cv)
    return .lognormal(mu: log(mean) - s2 / 2, sigma: s2.squareRoot())
  }
}
