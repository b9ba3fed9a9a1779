import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// EVPPI against the two-design normal closed form, and 0 for an input that decides nothing.
@Suite struct ValueOfInformationTests {
  /// Designs A and B share every draw (common random numbers by name) except that B's service
  /// x costs θ times as much, θ ~ Normal(1 + μ₀, s); x has a fixed cost per event, so
  /// Δ = C_B − C_A = c·N·(θ − 1) with N ~ Poisson(λ) independent of θ, and
  /// E[Δ | θ] = K·(θ − 1), K = c·λ: a normal incremental cost D ~ N(Kμ₀, Ks). Choosing now
  /// costs min(0, Kμ₀); knowing θ, E[min(0, D)]. So EVPPI(θ) = E[X⁺] − max(0, E X) with
  /// X = −D ~ N(m, S), m = −Kμ₀, S = Ks: EVPPI = m·Φ(m/S) + S·φ(m/S) − max(m, 0).
  /// ψ, a demand factor on a service both designs have alike, leaves Δ alone: its EVPPI is 0
  /// (B is worse on average by Kμ₀ = 4,000, 2.9 standard errors of a bin's mean, so no bin's
  /// mean turns negative but by chance).
  /// Tolerance: 4 jackknife standard errors plus the binning bound (the bin around the kink:
  /// its share 0.05 × its spread of D, under 0.002·S).
  @Test func evppiMatchesTheTwoDesignNormalClosedFormAndIsZeroForAnInputThatDecidesNothing() throws {
    let psi = Factor(name: "psi", distribution: .lognormal(mean: 1, cv: 0.1), role: .serviceRateMultiplier(services: [1]))
    let theta = Factor(name: "theta", distribution: .normal(mean: 1.02, sd: 0.1), role: .unitCostMultiplier(services: [0]))
    func scenario(_ factors: [Factor]) -> Scenario {
      TestScenario.make(
        population: 2_000,
        services: [TestScenario.service("x", unitCost: 100, severity: .fixed), TestScenario.service("z", unitCost: 50)],
        rates: [1, 1], factors: factors)
    }
    let designs = [Design(name: "a", description: "", scenario: scenario([psi])),
                   Design(name: "b", description: "", scenario: scenario([psi, theta]))]
    let run = try DesignComparison.run(designs, baseline: 0, basis: .baseline, options: RunOptions(iterations: 4_096, seed: 23, threads: 2))
    let v = ComparisonFigures(run, rankBy: .overspend).valueOfInformation
    #expect(v.inputs.map(\.factor) == ["theta", "psi"])
    let K = 100.0 * 2_000, m = -K * 0.02, S = K * 0.1
    let closed = m * StandardNormal.cdf(m / S) + S * exp(-0.5 * (m / S) * (m / S)) / (2 * Double.pi).squareRoot() - max(m, 0)
    let th = v.inputs[0].value
    #expect(th.standardError > 0 && th.standardError < 0.05 * closed)
    #expect(abs(th.mean - closed) <= 4 * th.standardError + 0.002 * S, "EVPPI(θ) \(th.mean) ± \(th.standardError) vs \(closed)")
    let ps = v.inputs[1].value
    #expect(abs(ps.mean) <= 3 * ps.standardError + 1e-9 * S, "EVPPI(ψ) \(ps.mean) ± \(ps.standardError)")
    // The value of knowing everything is at least that of knowing θ.
    #expect(v.perfect.mean >= th.mean - 4 * th.standardError)
  }
}
