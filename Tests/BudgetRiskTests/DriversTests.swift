import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Drivers of the overspend tail against closed forms.
@Suite struct DriversTests {
  /// One near-deterministic service (fixed severity, ~1.2 million events a year, so Poisson
  /// noise is 0.1 % of the cost) whose unit cost is multiplied by `cost_factor`; `idle` is an
  /// independent factor that multiplies the rate of a service nobody uses.
  static func scenario(_ distribution: Distribution) -> Scenario {
    TestScenario.make(
      population: 100_000,
      services: [TestScenario.service("a", severity: .fixed), TestScenario.service("unused", severity: .fixed)],
      rates: [12, 0],
      factors: [
        Factor(name: "cost_factor", distribution: distribution, role: .unitCostMultiplier(services: [0])),
        Factor(name: "idle", distribution: .lognormal(mean: 1, cv: 0.2), role: .serviceRateMultiplier(services: [1])),
      ],
      proposals: [.margin(0)], pools: [Pool(name: "all", services: [0, 1])])
  }

  @Test func spearmanIsOneForTheMultiplierAndZeroForAnIndependentFactor() throws {
    let n = 4_096
    let (_, f) = try TestScenario.run(Self.scenario(.lognormal(mean: 1, cv: 0.1)), iterations: n, seed: 5)
    let d = f.drivers[0]
    #expect(d.factors.map(\.factor) == ["cost_factor", "idle"])
    // Drift is a monotone function of the factor up to 1 % noise: ρ_S = 1 up to ~1e−4 and the
    // bin-tie bound (drift spans ~±30 % over ~600 bins).
    #expect(abs(d.factors[0].spearman.mean - 1) < 1e-3 + d.tieErrorBound)
    // Independent: ρ_S = 0 within 4 SE, SE = 1/√(n − 1).
    #expect(abs(d.factors[1].spearman.mean) < 4 / Double(n - 1).squareRoot() + d.tieErrorBound)
  }

  @Test func meanScoreGivenOverspendMatchesTheTruncatedNormal() throws {
    // Cost linear in a normal factor: overspend ⇔ z > c with P = 1 − Φ(c), so
    // E[z | overspend] = φ(c) / (1 − Φ(c)); for the independent factor it is 0.
    let n = 4_096
    let (_, f) = try TestScenario.run(Self.scenario(.normal(mean: 1, sd: 0.1)), iterations: n, seed: 8)
    let d = f.drivers[0]
    let p = f.budgets[0].scopes[0].overspendProbability.estimate
    let c = StandardNormal.quantile(1 - p)
    let expected = exp(-c * c / 2) / (2 * Double.pi).squareRoot() / p
    let z = d.factors.first { $0.factor == "cost_factor" }!.meanZGivenOverspend
    let idle = d.factors.first { $0.factor == "idle" }!.meanZGivenOverspend
    // 4 SE of the conditional sample (SE ≈ 0.6/√(n·p) ≈ 0.013), plus the noise in c from p.
    #expect(abs(z.mean - expected) < 4 * z.standardError + 0.01)
    #expect(abs(idle.mean) < 4 * idle.standardError)
    #expect(d.overspentIterations == UInt64((p * Double(n)).rounded()))
  }
}
