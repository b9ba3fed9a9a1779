import Foundation
import BudgetRiskNumerics
import BudgetRiskModel

/// The cost of one (period, service) cell, given its expected activity.
///
/// Closed forms are used where the sum of costs is exact: k fixed costs sum to k·c, k gamma
/// costs with CV `cv` sum to Gamma(k/cv², c·cv²), k normal costs to N(k·c, k·(cv·c)²).
/// Lognormal costs are summed one by one up to `threshold` and above it drawn from the gamma
/// with the same mean and variance (its tested error is in `docs/engine.md`). Normals here
/// are ziggurat draws (``ZigguratNormal``): nothing needs them monotone in one uniform.
@usableFromInline
enum CellCost {
  /// Cost of `λ`-expected events of mean cost `unitCost`.
  @inlinable
  package static func events<G: RandomNumberGenerator>(
    expected lambda: Double, unitCost: Double, severity: Severity, noise: CountNoise,
    threshold: Int, using g: inout G
  ) -> Double {
    guard lambda > 0 else { return 0 }
    let count = count(expected: lambda, noise: noise, using: &g)
    return sum(of: count, meanCost: unitCost, severity: severity, threshold: threshold, using: &g)
  }

  /// The event count of a cell of `λ > 0` expected events: the first draw of the cell's
  /// stream, so a cell's events are known without drawing its costs.
  @inlinable
  package static func count<G: RandomNumberGenerator>(expected lambda: Double, noise: CountNoise, using g: inout G) -> Double {
    switch noise {
    case .poisson: return Poisson.sample(mean: lambda, using: &g)
    case .negativeBinomial(let k): return NegativeBinomial.sample(mean: lambda, dispersion: k, using: &g)
    // A cell alone (no year to share G with) has the yearly mixing's marginal law, NB(λ, k);
    // the tile draws G per year instead (`TileWorkspace+YearMixing.swift`).
    case .yearlyNegativeBinomial(let k): return NegativeBinomial.sample(mean: lambda, dispersion: k, using: &g)
    }
  }

  /// The sum of `count` independent costs of mean `meanCost` and the given severity.
  @inlinable
  package static func sum<G: RandomNumberGenerator>(
    of count: Double, meanCost c: Double, severity: Severity, threshold: Int, using g: inout G
  ) -> Double {
    guard count > 0, c > 0 else { return 0 }
    switch severity {
    case .fixed:
      return count * c
    case .gamma(let cv):
      return Gamma.sample(shape: count / (cv * cv), scale: c * cv * cv, using: &g)
    case .normal(let cv):
      return count * c + count.squareRoot() * cv * c * ZigguratNormal.sample(using: &g)
    case .lognormal(let cv):
      guard count <= Double(threshold) else {
        return Gamma.sample(shape: count / (cv * cv), scale: c * cv * cv, using: &g)
      }
      let s2 = log1p(cv * cv)
      let mu = log(c) - s2 / 2, sigma = s2.squareRoot()
      var total = 0.0
      for _ in 0..<Int(count) { total += exp(mu + sigma * ZigguratNormal.sample(using: &g)) }
      return total
    }
  }

  /// A per-person severity stated for the year, for one period: the same law with its CV
  /// times √periodsPerYear (independent periods add up to the year's variance).
  @inlinable
  package static func periodSeverity(_ severity: Severity, periodsPerYear: Int) -> Severity {
    let scale = Double(periodsPerYear).squareRoot()
    switch severity {
    case .fixed: return .fixed
    case .gamma(let cv): return .gamma(cv: cv * scale)
    case .normal(let cv): return .normal(cv: cv * scale)
    case .lognormal(let cv): return .lognormal(cv: cv * scale)
    }
  }

  /// Cost of `people` people for one period, each costing `annualMean / periodsPerYear` on
  /// average with a per-person period CV of `severity.cv × √periodsPerYear`.
  @inlinable
  package static func perPerson<G: RandomNumberGenerator>(
    people: Double, annualMean: Double, severity: Severity, periodsPerYear: Int,
    threshold: Int, using g: inout G
  ) -> Double {
    let mean = annualMean / Double(periodsPerYear)
    let periodSeverity = Self.periodSeverity(severity, periodsPerYear: periodsPerYear)
    // Lognormal costs are summed person by person (small populations), so count whole people.
    var count = people
    if case .lognormal = periodSeverity { count = people.rounded() }
    return sum(of: count, meanCost: mean, severity: periodSeverity, threshold: threshold, using: &g)
  }
}
