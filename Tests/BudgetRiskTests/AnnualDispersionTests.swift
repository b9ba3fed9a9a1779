import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// A negative-binomial service's `dispersion` is that of the year's count for the whole
/// population, at any period length and seasonal profile.
@Suite struct AnnualDispersionTests {
  /// Mean 10 events a year at exactly 1 each, dispersion 5, a strong winter peak, on monthly
  /// and quarterly horizons: the year's cost is the year's count, NB(μ = 10, k = 5), with
  /// variance μ + μ²/k = 30 (per-period dispersion gave 11.7 monthly, 15.1 quarterly).
  /// Tolerances: 4 SE of the mean, √(σ²/n), and of the sample variance, √((μ₄ − σ⁴)/n) with
  /// the NB's fourth central moment μ₄ = σ⁴·(3 + 6/k + p²/(k·(1 − p))), p = k/(k + μ).
  @Test(arguments: [false, true])
  func annualCountHasTheNegativeBinomialVariance(quarterly: Bool) throws {
    let mu = 10.0, k = 5.0, n = 20_000
    let yaml = """
      name: Dispersion
      horizon: {years: 1, period: \(quarterly ? "quarter" : "month")}
      segments: [{name: area, population: 1}]
      services:
        - name: visits
          category: reactive
          stream: health
          unit_cost: 1
          noise: {distribution: negative_binomial, dispersion: 5}
          seasonality: [2.0, 1.8, 1.5, 0.8, 0.6, 0.5, 0.4, 0.5, 0.7, 1.0, 1.3, 1.9]
      utilisation: {area: {visits: 10}}
      budget: {margins: [0]}
      """
    let s = try #require(loadedScenario(yaml))
    let (_, figures) = try TestScenario.run(s, iterations: n, seed: 5)
    let cost = figures.budgets[0].scopes[0].costOfNeed
    let variance = cost.standardError * cost.standardError * Double(n)
    let exactVariance = mu + mu * mu / k
    let p = k / (k + mu)
    let mu4 = exactVariance * exactVariance * (3 + 6 / k + p * p / (k * (1 - p)))
    #expect(abs(cost.mean - mu) < 4 * (exactVariance / Double(n)).squareRoot())
    #expect(abs(variance - exactVariance) < 4 * ((mu4 - exactVariance * exactVariance) / Double(n)).squareRoot(), "variance \(variance)")
  }

  @Test func periodDispersionScalesWithThePeriodsShareOfTheYear() {
    let noise = TileWorkspace.yearDispersion(.negativeBinomial(dispersion: 5), mean: 2, yearMean: 10)
    #expect(noise == .negativeBinomial(dispersion: 1))
    #expect(TileWorkspace.yearDispersion(.poisson, mean: 2, yearMean: 10) == .poisson)
    #expect(TileWorkspace.yearDispersion(.negativeBinomial(dispersion: 5), mean: 0, yearMean: 0) == .negativeBinomial(dispersion: 5))
  }
}
