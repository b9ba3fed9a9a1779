import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Factor processes (random walk, AR(1)) against their closed forms.
///
/// The scenarios make cost a known function of the process: a per-person service with a
/// fixed cost (100,000 a period, no count noise) whose rate factor has level 1, so the
/// period's cost is `100,000·exp(Xₜ)` exactly (up to the money grid). Tolerances are
/// 4 standard errors of the statistic over the iterations, each SE stated where it is used.
@Suite struct FactorProcessTests {
  static let perPeriod = 100_000.0

  static func scenario(
    _ processes: [FactorProcess], roles: [FactorRole]? = nil, levels: [Distribution]? = nil,
    spearman: Double = 0, years: Int = 3, inflation: Double = 0
  ) -> Scenario {
    let services = processes.indices.map { v in
      Service(
        name: "s\(v)", category: .reactive, stream: "health",
        cost: .perPerson(segments: [0], annualMean: 1_200, severity: .fixed), inflation: inflation)
    }
    let factors = processes.enumerated().map { v, p in
      Factor(
        name: "f\(v)", distribution: levels?[v] ?? .fixed(1),
        role: roles?[v] ?? .serviceRateMultiplier(services: [v]), process: p)
    }
    var s = TestScenario.make(
      population: 1_000, years: years, services: services, rates: services.map { _ in 0 }, factors: factors,
      proposals: [.margin(0)])
    if spearman != 0 {
      let n = factors.count
      s.correlation = RankCorrelation(
        count: n, spearman: (0..<(n * n)).map { $0 / n == $0 % n ? 1 : spearman })
    }
    return s
  }

  /// Per iteration: the cost of each period of service `v`, over `tiles` tiles.
  static func costs(_ scenario: Scenario, service v: Int = 0, tiles: Int = 64, seed: UInt64 = 11) throws -> [[Double]] {
    let plan = try SimulationPlan(scenario)
    let w = TileWorkspace(plan: plan)
    let T = plan.periods, V = plan.serviceCount
    var out: [[Double]] = []
    for tile in 0..<tiles {
      w.simulate(tile: tile, active: 0..<TileWorkspace.rows, seed: seed)
      for r in 0..<TileWorkspace.rows { out.append((0..<T).map { w.cost[(r * T + $0) * V + v] }) }
    }
    return out
  }

  static func meanAndVariance(_ x: [Double]) -> (mean: Double, variance: Double, varianceSE: Double) {
    let n = Double(x.count)
    let m = x.reduce(0, +) / n
    let m2: Double = x.reduce(0.0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
    let m4: Double = x.reduce(0.0) { $0 + pow($1 - m, 4) } / n
    // SE of the sample variance: √((μ₄ − σ⁴)/n), from the sample's own fourth moment.
    return (m, m2, ((m4 - m2 * m2) / n).squareRoot())
  }

  @Test func randomWalkLogVarianceGrowsAsNSigmaSquared() throws {
    let sigma = 0.05
    let paths = try Self.costs(Self.scenario([FactorProcess(kind: .randomWalk, step: .period, sigma: sigma)]))
    for n in [0, 11, 23, 35] {
      let logs = paths.map { log($0[n] / Self.perPeriod) }
      let (mean, variance, se) = Self.meanAndVariance(logs)
      let exact = Double(n) * sigma * sigma
      // Mean 0 within 4 SE (SE = √(nσ²/N)); variance nσ² within 4 SE of the sample variance
      // (plus the money grid's rounding, below 1e-12 in log).
      let meanSE: Double = (exact / Double(logs.count)).squareRoot()
      #expect(abs(mean) <= 4 * meanSE + 1e-9)
      #expect(abs(variance - exact) <= 4 * se + 1e-12, "n = \(n): \(variance) vs \(exact)")
    }
  }

  @Test func randomWalkCumulativeCostVarianceMatchesTheAnalyticSum() throws {
    // Yearly steps: cost in period t is c·exp(X_y(t)), Cov(X_a, X_b) = σ²·min(a, b), so
    // Var Σₜ≤τ c·e^{Xₜ} = c² Σₜ Σₜ′ e^{(vₜ + vₜ′)/2}(e^{σ² min} − 1), vₜ = σ²·y(t).
    let sigma = 0.08
    let paths = try Self.costs(Self.scenario([FactorProcess(kind: .randomWalk, step: .year, sigma: sigma)]))
    let c = Self.perPeriod
    for end in [11, 23, 35] {
      var exact = 0.0
      for a in 0...end {
        for b in 0...end {
          let ya = Double(a / 12), yb = Double(b / 12)
          let s2: Double = sigma * sigma
          let level: Double = exp(s2 * (ya + yb) / 2)
          let covariance: Double = exp(s2 * min(ya, yb)) - 1
          exact += c * c * level * covariance
        }
      }
      let totals = paths.map { $0[0...end].reduce(0, +) }
      let (mean, variance, se) = Self.meanAndVariance(totals)
      var expectedMean = 0.0
      for t in 0...end { expectedMean += c * exp(sigma * sigma * Double(t / 12) / 2) }
      // Mean within 4 SE (SE = √(Var/N)); variance within 4 SE of the sample variance, and
      // 0 exactly in year 1 (X = 0 there).
      let meanSE: Double = (exact / Double(totals.count)).squareRoot()
      #expect(abs(mean - expectedMean) <= 4 * meanSE + 1e-6 * expectedMean)
      let tolerance: Double = 4 * se + 1e-6 * exact + 1
      #expect(abs(variance - exact) <= tolerance, "end \(end): \(variance) vs \(exact)")
    }
  }

  @Test func ar1ApproachesItsStationaryVariance() throws {
    let sigma = 0.1, phi = 0.7
    let paths = try Self.costs(Self.scenario([FactorProcess(kind: .ar1, step: .period, sigma: sigma, phi: phi)]))
    for n in [1, 3, 35] {
      let logs = paths.map { log($0[n] / Self.perPeriod) }
      let (_, variance, se) = Self.meanAndVariance(logs)
      // σ²(1 − φ²ⁿ)/(1 − φ²); at n = 35 that is the stationary σ²/(1 − φ²) to 1e-10.
      let exact = sigma * sigma * (1 - pow(phi, 2 * Double(n))) / (1 - phi * phi)
      #expect(abs(variance - exact) <= 4 * se, "n = \(n): \(variance) vs \(exact)")
    }
    #expect(abs(FactorProcess(kind: .ar1, step: .period, sigma: sigma, phi: phi).variance(atStep: 35) - sigma * sigma / (1 - phi * phi)) < 1e-10)
  }

  @Test func innovationsCarryTheCopulasNormalCorrelation() throws {
    let sigma = 0.05, spearman = 0.6
    let walk = FactorProcess(kind: .randomWalk, step: .period, sigma: sigma)
    let scenario = Self.scenario([walk, walk], spearman: spearman)
    let a = try Self.costs(scenario, service: 0, tiles: 32), b = try Self.costs(scenario, service: 1, tiles: 32)
    // The increments log(cₜ/cₜ₋₁) = σ·εₜ: pairs over every step and iteration.
    var x: [Double] = [], y: [Double] = []
    for (pa, pb) in zip(a, b) {
      for t in 1..<pa.count { x.append(log(pa[t] / pa[t - 1])); y.append(log(pb[t] / pb[t - 1])) }
    }
    let n = Double(x.count)
    let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for i in x.indices {
      let dx: Double = x[i] - mx, dy: Double = y[i] - my
      sxy += dx * dy; sxx += dx * dx; syy += dy * dy
    }
    let r = sxy / (sxx * syy).squareRoot()
    let rho = 2 * sin(Double.pi * spearman / 6)
    // SE of a Pearson correlation ≈ (1 − ρ²)/√n (n = 71,680 pairs: SE ≈ 0.0023).
    let rSE: Double = (1 - rho * rho) / n.squareRoot()
    #expect(abs(r - rho) <= 4 * rSE, "r = \(r), ρ = \(rho)")
    let varianceSE: Double = sigma * sigma * (2 / n).squareRoot()
    #expect(abs(sxx / n - sigma * sigma) <= 4 * varianceSE)
  }

  @Test func inflationIsRealisedYearByYear() throws {
    // Prices compound the realised rates: year y costs c·Πⱼ≤y (1 + i)·exp(Xⱼ), so each year's
    // realised uplift log(p_y/p_{y−1}) − log(1 + i) is X_y, of variance y·σ² (random walk).
    let sigma = 0.02, rate = 0.03
    let scenario = Self.scenario(
      [FactorProcess(kind: .randomWalk, step: .year, sigma: sigma)], roles: [.inflation(services: [0])],
      levels: [.fixed(rate)], inflation: rate)
    let paths = try Self.costs(scenario)
    for y in 1...2 {
      let uplifts = paths.map { log($0[12 * y] / $0[12 * y - 1]) - log1p(rate) }
      let (mean, variance, se) = Self.meanAndVariance(uplifts)
      let exact = Double(y) * sigma * sigma
      let meanSE: Double = (exact / Double(uplifts.count)).squareRoot()
      #expect(abs(mean) <= 4 * meanSE)
      #expect(abs(variance - exact) <= 4 * se + 1e-12)
    }
    // Within a year the price does not move.
    #expect(paths.allSatisfy { abs($0[13] - $0[12]) < 1e-6 })

    // The analytic expected cost: E[exp(X₁ + … + X_y)] = exp(σ²·Σₖ (y − k + 1)² / 2).
    let plan = try SimulationPlan(scenario)
    for y in 0..<3 {
      let squares: Int = (0..<y).reduce(0) { $0 + ($1 + 1) * ($1 + 1) }
      let variance: Double = sigma * sigma * Double(squares)
      let exact: Double = Self.perPeriod * pow(1 + rate, Double(y)) * exp(variance / 2)
      #expect(abs(plan.expected.serviceCost[12 * y] - exact) <= 1e-9 * exact)
      let simulated = paths.map { $0[12 * y] }
      let (mean, v, _) = Self.meanAndVariance(simulated)
      let se: Double = (v / Double(simulated.count)).squareRoot()
      #expect(abs(mean - exact) <= 4 * se + 1e-9 * exact)
    }
  }

  @Test func analyticExpectedCostIsTheLognormalMeanWithCorrelatedProcesses() throws {
    // One event service whose service rate and segment rate both wander (AR(1) and random
    // walk, per period, normal correlation ρ): E[cost_t] = c·exp((v₁ + v₂ + 2ρ·c₁₂)/2), with
    // c₁₂ = σ₁σ₂ Σₖ₌₀ᵗ⁻¹ φᵏ. ~1.2 million events a year with fixed severity: Poisson noise
    // is 0.1 % of a period's cost, far inside the tolerance.
    let s1 = 0.06, phi = 0.8, s2 = 0.04, spearman = 0.5
    let rho = 2 * sin(Double.pi * spearman / 6)
    var scenario = TestScenario.make(
      population: 100_000, years: 3, services: [TestScenario.service("a", severity: .fixed)], rates: [12],
      factors: [
        Factor(name: "rate", distribution: .fixed(1), role: .serviceRateMultiplier(services: [0]),
               process: FactorProcess(kind: .ar1, step: .period, sigma: s1, phi: phi)),
        Factor(name: "people", distribution: .fixed(1), role: .segmentRateMultiplier(segments: [0]),
               process: FactorProcess(kind: .randomWalk, step: .period, sigma: s2)),
      ], proposals: [.margin(0)])
    scenario.correlation = RankCorrelation(count: 2, spearman: [1, spearman, spearman, 1])
    let plan = try SimulationPlan(scenario)
    let c = 100_000 * 100.0  // events a period × unit cost
    let paths = try Self.costs(scenario, tiles: 32)
    for t in [0, 12, 35] {
      let n = Double(t)
      let v1: Double = s1 * s1 * (1 - pow(phi, 2 * n)) / (1 - phi * phi)
      let v2: Double = n * s2 * s2
      let c12: Double = s1 * s2 * (0..<t).reduce(0.0) { $0 + pow(phi, Double($1)) }
      let exact: Double = c * exp((v1 + v2 + 2 * rho * c12) / 2)
      #expect(abs(plan.expected.serviceCost[t] - exact) <= 1e-9 * exact, "t = \(t)")
      let simulated = paths.map { $0[t] }
      let (mean, variance, _) = Self.meanAndVariance(simulated)
      // Mean within 4 SE (SE = √(Var/N), N = 2,048).
      let se: Double = (variance / Double(simulated.count)).squareRoot()
      #expect(abs(mean - exact) <= 4 * se)
    }
  }

  @Test func theDriftFanWidensAsStated() throws {
    // A yearly random walk on a level-1 rate: cumulative drift at the end of month 13 is
    // (12 + e^{X₁})/(12 + e^{σ²/2}) − 1 against the expected base (margin 0), X₁ ~ N(0, σ²),
    // so its q-quantile is that at X₁ = σ·Φ⁻¹(q); month 1 is 0 exactly; the band widens.
    let sigma = 0.1
    let scenario = Self.scenario([FactorProcess(kind: .randomWalk, step: .year, sigma: sigma)])
    let (_, f) = try TestScenario.run(scenario, iterations: 4_096, seed: 3)
    let fan = f.budgets[0].scopes[0].driftPath
    func band(_ t: Int) -> Double {
      let q = fan[t].quantiles
      return q.first { $0.level == 0.975 }!.value - q.first { $0.level == 0.025 }!.value
    }
    #expect(band(0) < 1e-6)
    #expect(band(0) < band(12) && band(12) < band(23) && band(23) < band(35))
    for q in fan[12].quantiles where [0.025, 0.5, 0.975].contains(q.level) {
      let x: Double = exp(sigma * StandardNormal.quantile(q.level))
      let exact: Double = (12 + x) / (12 + exp(sigma * sigma / 2)) - 1
      #expect(exact >= q.lower - q.resolution && exact <= q.upper + q.resolution, "level \(q.level): \(q.value) vs \(exact)")
    }
  }

  @Test func scenariosWithoutProcessesDrawNoInnovations() throws {
    let plan = try SimulationPlan(DriversTests.scenario(.lognormal(mean: 1, cv: 0.1)))
    #expect(plan.processes.isEmpty)
    let w = TileWorkspace(plan: plan)
    #expect(w.innovations.count == 0 && w.serviceDrift.count == 0 && w.priceDrift.count == 0)
  }
}

/// The `process:` key, read and refused.
@Suite struct FactorProcessReaderTests {
  static func with(_ process: String, role: String = "role: rate_multiplier") -> String {
    ScenarioText.replacing((role, role + "\n      process: " + process))
  }

  @Test func readsAProcess() throws {
    let s = try #require(loadedScenario(Self.with("{kind: ar1, step: year, sigma: 0.05, phi: 0.7}")))
    #expect(s.factors[0].process == FactorProcess(kind: .ar1, step: .year, sigma: 0.05, phi: 0.7))
    let walk = try #require(loadedScenario(Self.with("{kind: random_walk, step: period, sigma: 0.02}")))
    #expect(walk.factors[0].process == FactorProcess(kind: .randomWalk, step: .period, sigma: 0.02))
    #expect(walk.factors[1].process == nil)
  }

  @Test func refusesBadProcesses() {
    let p = "uncertainty.factors[0].process"
    expectIssue(validationIssues(Self.with("{kind: ar1, step: year, sigma: -0.1, phi: 0.5}")), path: p + ".sigma", "expected a finite number >= 0, found -0.1")
    expectIssue(validationIssues(Self.with("{kind: ar1, step: year, sigma: .nan, phi: 0.5}")), path: p + ".sigma", "expected a finite number >= 0")
    expectIssue(validationIssues(Self.with("{kind: ar1, step: year, sigma: 0.1, phi: 1}")), path: p + ".phi", "expected a finite number in (-1, 1), found 1")
    expectIssue(validationIssues(Self.with("{kind: ar1, step: year, sigma: 0.1, phi: -1.5}")), path: p + ".phi", "in (-1, 1)")
    expectIssue(validationIssues(Self.with("{kind: ar1, step: year, sigma: 0.1}")), path: p + ".phi", "missing required key 'phi'")
    expectIssue(validationIssues(Self.with("{kind: random_walk, step: year, sigma: 0.1, phi: 0.5}")), path: p + ".phi", "phi applies only to kind: ar1")
    expectIssue(validationIssues(Self.with("{kind: brownian, step: year, sigma: 0.1}")), path: p + ".kind", "expected random_walk or ar1")
    expectIssue(validationIssues(Self.with("{kind: ar1, step: month, sigma: 0.1, phi: 0.5}")), path: p + ".step", "expected period or year")
    expectIssue(validationIssues(Self.with("{kind: random_walk, sigma: 0.1}")), path: p + ".step", "missing required key 'step'")
    expectIssue(validationIssues(Self.with("{kind: random_walk, step: year, sigma: 0.1, sigm: 2}")), path: p + ".sigm", "unknown key 'sigm'")
    expectIssue(validationIssues(Self.with("0.1")), path: p, "expected a mapping")
    expectIssue(
      validationIssues(ScenarioText.replacing(
        ("role: growth", "role: population_multiplier\n      process: {kind: random_walk, step: year, sigma: 0.1}"))),
      path: "uncertainty.factors[1].process", "a population_multiplier factor cannot have a process", "put the process on a growth factor")
    #expect(validationIssues(Self.with("{kind: random_walk, step: year, sigma: 0.1}", role: "role: growth")).isEmpty)
  }

  @Test func theCostLimitsCoverAProcesssSpread() {
    // σ = 0.75 a period over 24 periods: the log spread at the end is 0.75·√23 ≈ 3.6, so the
    // 1e-9 extreme is e^21.6 times the expected cost, past the engine's 2³⁰ = e^20.8 limit (see
    // SimulationPlan+Limits); the level alone (CV 8 %) is well inside it.
    expectIssue(
      validationIssues(Self.with("{kind: random_walk, step: period, sigma: 0.75}")),
      path: "uncertainty.factors[0].process.sigma", "at its extreme (probability 1e-9)", "narrow this spread")
    #expect(validationIssues(Self.with("{kind: random_walk, step: period, sigma: 0.1}")).isEmpty)
  }

  @Test func pricesStepByYearAndCorrelatedProcessesShareAStep() {
    let inflation = ScenarioText.replacing(
      ("role: growth\n      segments: [frail_older]", "role: inflation\n      process: {kind: random_walk, step: period, sigma: 0.01}"))
    expectIssue(validationIssues(inflation), path: "uncertainty.factors[1].process.step", "expected step: year, found period")
    let mixed = ScenarioText.replacing(
      ("role: rate_multiplier", "role: rate_multiplier\n      process: {kind: random_walk, step: period, sigma: 0.02}"),
      ("role: growth\n      segments: [frail_older]", "role: unit_cost_multiplier\n      process: {kind: random_walk, step: year, sigma: 0.02}"))
    expectIssue(validationIssues(mixed), path: "uncertainty.correlation", "'demand_level' (process step: period)", "different steps")
  }
}
