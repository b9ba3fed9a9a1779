import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine

/// A process on a growth factor (``FactorProcess``): the segment grows at `(1 + g)·exp(Xₙ)` a
/// year in step `n`, so its people in period `t` are `N₀·(1 + g)^(t/12)·exp(Dₜ)`,
/// `Dₜ = Σᵤ₌₀ᵗ⁻¹ X_{step(u)}/12`. With a yearly random walk `X_y = σ·(ε₁ + … + ε_y)` (X₀ = 0):
///
/// ```
/// D₁₂ = 0,   D₂₄ = X₁,   D₃₅ = X₁ + (11/12)·X₂ = σ·((23/12)·ε₁ + (11/12)·ε₂)
/// Var D₂₄ = σ²,   Var D₃₅ = σ²·((23/12)² + (11/12)²)
/// ```
///
/// The scenarios are ``FactorProcessTests``'s: a per-person service of fixed cost on the
/// segment (100,000 a period at the starting population), so a period's cost is
/// `100,000·(1 + g)^(t/12)·exp(Dₜ)` exactly (up to the money grid). Tolerances: 4 standard
/// errors of each statistic over the iterations, stated where used.
@Suite struct GrowthProcessTests {
  @Test func thePopulationPathWandersAsTheAccumulatedGrowthDeviations() throws {
    let sigma = 0.1, g = 0.03
    let scenario = FactorProcessTests.scenario(
      [FactorProcess(kind: .randomWalk, step: .year, sigma: sigma)], roles: [.growth(segments: [0])], levels: [.fixed(g)])
    let paths = try FactorProcessTests.costs(scenario)
    let exact: [Int: Double] = [0: 0, 12: 0, 24: sigma * sigma, 35: sigma * sigma * (pow(23 / 12, 2) + pow(11 / 12, 2))]
    for (t, v) in exact.sorted(by: { $0.key < $1.key }) {
      let logs = paths.map { log($0[t] / FactorProcessTests.perPeriod) - Double(t) / 12 * log1p(g) }
      let (mean, variance, se) = FactorProcessTests.meanAndVariance(logs)
      // Mean 0 within 4 SE (√(v/N)) and the variance within 4 SE of the sample variance,
      // plus the money grid's rounding and the monthly compounding's ulps (below 1e-9 in log).
      #expect(abs(mean) <= 4 * (v / Double(logs.count)).squareRoot() + 1e-9, "t = \(t): mean \(mean)")
      #expect(abs(variance - v) <= 4 * se + 1e-12, "t = \(t): \(variance) vs \(v)")
    }
    // The weights the analytic cost and the cost limits read give the same variances.
    let process = FactorProcess(kind: .randomWalk, step: .year, sigma: sigma)
    for (t, v) in exact {
      var w = [Double](repeating: 0, count: 3)
      process.addGrowthWeights(beforePeriod: t, periodsPerYear: 12, into: &w)
      #expect(abs(w.reduce(0) { $0 + $1 * $1 } - v) < 1e-15)
    }
    #expect(abs(process.growthSpread(periods: 36, periodsPerYear: 12) - exact[35]!.squareRoot()) < 1e-15)
  }

  @Test func readsAGrowthProcessAndBoundsItsSpread() throws {
    let growth = ("role: growth\n      segments: [frail_older]", "role: growth\n      segments: [frail_older]\n      process: PROCESS")
    func text(_ process: String) -> String {
      ScenarioText.replacing((growth.0, growth.1.replacingOccurrences(of: "PROCESS", with: process)))
    }
    let s = try #require(loadedScenario(text("{kind: ar1, step: period, sigma: 0.01, phi: 0.9}")))
    #expect(s.factors[1].process == FactorProcess(kind: .ar1, step: .period, sigma: 0.01, phi: 0.9))
    // σ = 0.7 a period on the growth rate over 24 months: D₂₃ = (σ/12)·Σₖ₌₁²² (23 − k)·εₖ has
    // spread 0.7·√(Σⱼ₌₁²² j²)/12 ≈ 3.6 in log, so its 1e-9 extreme is e^21.5 times the
    // expected cost, past the engine's 2³⁰ = e^20.8 (the mean itself, e^6.4 higher, is fine):
    // refused, naming the sigma.
    expectIssue(
      validationIssues(text("{kind: random_walk, step: period, sigma: 0.7}")),
      path: "uncertainty.factors[1].process.sigma", "at its extreme (probability 1e-9)")
  }

  @Test func analyticExpectedCostWithGrowthCorrelatedWithAPrice() throws {
    // Service 0's cost is c·exp(D_t + Cₜ): the growth walk above (σ_g) and a yearly AR(1)
    // on its unit cost (σ_c, φ), innovations with normal correlation ρ at each step. At
    // t = 35 (year 2): C = σ_c·(φ·η₁ + η₂), so
    // Var = σ_g²·((23/12)² + (11/12)²) + σ_c²·(1 + φ²) + 2ρ·σ_g·σ_c·((23/12)·φ + 11/12),
    // and E[cost] = c·exp(Var/2) exactly; at t = 12 only the price has moved (Var = σ_c²).
    let sg = 0.08, sc = 0.06, phi = 0.5, spearman = 0.6
    let rho = 2 * sin(Double.pi * spearman / 6)
    let scenario = FactorProcessTests.scenario(
      [FactorProcess(kind: .randomWalk, step: .year, sigma: sg), FactorProcess(kind: .ar1, step: .year, sigma: sc, phi: phi)],
      roles: [.growth(segments: [0]), .unitCostMultiplier(services: [0])], levels: [.fixed(0), .fixed(1)],
      spearman: spearman)
    let plan = try SimulationPlan(scenario)
    let paths = try FactorProcessTests.costs(scenario)
    let c = FactorProcessTests.perPeriod
    let variance: [Int: Double] = [
      12: sc * sc,
      35: sg * sg * (pow(23 / 12, 2) + pow(11 / 12, 2)) + sc * sc * (1 + phi * phi) + 2 * rho * sg * sc * (23 / 12 * phi + 11 / 12),
    ]
    for (t, v) in variance {
      let exact = c * exp(v / 2)
      #expect(abs(plan.expected.serviceCost[t] - exact) <= 1e-9 * exact, "t = \(t): \(plan.expected.serviceCost[t]) vs \(exact)")
      // The expected people of the segment: E[exp(D_t)] alone.
      let people = 1_000 * exp((t == 35 ? sg * sg * (pow(23 / 12, 2) + pow(11 / 12, 2)) : 0) / 2)
      #expect(abs(plan.expected.population[t] - people) <= 1e-9 * people)
      let simulated = paths.map { $0[t] }
      let (mean, sampleVariance, _) = FactorProcessTests.meanAndVariance(simulated)
      // Mean within 4 SE (SE = √(Var/N), N = 4,096).
      #expect(abs(mean - exact) <= 4 * (sampleVariance / Double(simulated.count)).squareRoot(), "t = \(t)")
    }
  }
}
