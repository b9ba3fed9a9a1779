import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine

/// `noise: {distribution: negative_binomial, dispersion: k, mixing: year}`: the gamma rate
/// variation held for the budget year, against the gamma–Poisson closed forms.
///
/// One service of 10 events a month at exactly 1 each (so a cell's cost is its count), k = 5,
/// two years, no factors or shocks. Given G_y ~ Gamma(5, 1/5) a month is Poisson(10·G_y):
/// a month NB(10, 5), variance 10 + 100/5 = 30; a year NB(120, 5), variance 120 + 120²/5 =
/// 3,000 (the same annual law as `mixing: period`); months of one year covary by 100/5 = 20,
/// months of different years not at all. With `mixing: period` a month's variance is
/// 10 + 10·120/5 = 250 and months are independent, so every check below tells the two apart.
/// Tolerances: 4 standard errors of each statistic, estimated from the sample (the SE of a
/// covariance is the standard deviation of the centred products over √n).
@Suite struct YearMixingTests {
  static func yaml(mixing: String) -> String {
    """
    name: Mixing
    horizon: {years: 2, period: month}
    segments: [{name: area, population: 1}]
    services:
      - name: visits
        category: reactive
        stream: health
        unit_cost: 1
        noise: {distribution: negative_binomial, dispersion: 5\(mixing)}
    utilisation: {area: {visits: 120}}
    budget: {margins: [0]}
    """
  }

  /// Per iteration, the count of each month (the cell's cost at a unit cost of exactly 1).
  static func counts(_ scenario: Scenario, tiles: Int = 160) throws -> [[Double]] {
    let plan = try SimulationPlan(scenario)
    let w = TileWorkspace(plan: plan)
    let T = plan.periods
    var out: [[Double]] = []
    for tile in 0..<tiles {
      w.simulate(tile: tile, active: 0..<TileWorkspace.rows, seed: 29)
      for r in 0..<TileWorkspace.rows { out.append((0..<T).map { w.cost[r * T + $0] }) }
    }
    return out
  }

  /// The sample covariance of `x` and `y` and its standard error.
  static func covariance(_ x: [Double], _ y: [Double]) -> (value: Double, se: Double) {
    let n = Double(x.count)
    let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
    let products = zip(x, y).map { ($0 - mx) * ($1 - my) }
    let c = products.reduce(0, +) / n
    let v = products.reduce(0.0) { $0 + ($1 - c) * ($1 - c) } / (n - 1)
    return (c, (v / n).squareRoot())
  }

  @Test func monthsAreNegativeBinomialAndCovaryWithinTheYearOnly() throws {
    let s = try #require(loadedScenario(Self.yaml(mixing: ", mixing: year")))
    let paths = try Self.counts(s)
    let month = { (t: Int) in paths.map { $0[t] } }
    let n = Double(paths.count)
    // A month: mean 10 (SE √(30/n)), variance 30.
    let m1 = month(0)
    let mean = m1.reduce(0, +) / n
    #expect(abs(mean - 10) < 4 * (30 / n).squareRoot(), "mean \(mean)")
    let variance = Self.covariance(m1, m1)
    #expect(abs(variance.value - 30) < 4 * variance.se, "month variance \(variance)")
    // Two months of year 1: covariance λ²/k = 20; the last month of year 1 and the first of
    // year 2: 0.
    let within = Self.covariance(month(0), month(1))
    #expect(abs(within.value - 20) < 4 * within.se, "within the year \(within)")
    let across = Self.covariance(month(11), month(12))
    #expect(abs(across.value) < 4 * across.se, "across years \(across)")
    // The year: NB(120, 5), variance 3,000 — the stated annual law.
    let year = Self.covariance(paths.map { $0[0..<12].reduce(0, +) }, paths.map { $0[0..<12].reduce(0, +) })
    #expect(abs(year.value - 3_000) < 4 * year.se, "year variance \(year)")
  }

  @Test func mixingByPeriodIsTheDefaultAndKeepsTheAnnualLaw() throws {
    let s = try #require(loadedScenario(Self.yaml(mixing: ", mixing: period")))
    let plain = try #require(loadedScenario(Self.yaml(mixing: "")))
    #expect(s.services == plain.services)
    let paths = try Self.counts(s)
    let m1 = paths.map { $0[0] }
    let variance = Self.covariance(m1, m1)
    #expect(abs(variance.value - 250) < 4 * variance.se, "month variance \(variance)")
    let year = Self.covariance(paths.map { $0[0..<12].reduce(0, +) }, paths.map { $0[0..<12].reduce(0, +) })
    #expect(abs(year.value - 3_000) < 4 * year.se, "year variance \(year)")
  }

  @Test func readsAndRefusesMixing() throws {
    let s = try #require(loadedScenario(Self.yaml(mixing: ", mixing: year")))
    guard case .events(_, _, let noise) = s.services[0].cost else { Issue.record("not an event service"); return }
    #expect(noise == .yearlyNegativeBinomial(dispersion: 5))
    expectIssue(
      validationIssues(Self.yaml(mixing: ", mixing: quarter")), path: "services[0].noise.mixing",
      "expected period or year, found 'quarter'")
    expectIssue(
      validationIssues(Self.yaml(mixing: "").replacing("negative_binomial, dispersion: 5", with: "poisson, mixing: year")),
      path: "services[0].noise.mixing", "poisson noise has no rate variation to mix")
  }
}
