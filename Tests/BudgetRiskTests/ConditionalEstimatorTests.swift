import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies

/// `--estimator conditional` (conditional Monte Carlo under absorb) against closed forms: its
/// figures are unbiased where the conditional law is exactly normal, its intervals cover at
/// their stated rate, its stated bias is the normal approximation's leading error, and it is as
/// deterministic as the indicator; and the shocks' starts drawn from the Sobol' points keep
/// the shocks' law.
@Suite struct ConditionalEstimatorTests {
  /// One year of a per-person service: 1,000 people each costing a normal amount of mean
  /// 1,000 and CV 1 a year (the period's CV is ×√12: the year's sum is N(10⁶, 1,000·1,000²)),
  /// times X, a lognormal unit-cost multiplier (mean 1, CV 0.1). Given X the cost is exactly
  /// normal, so the conditional estimator has no approximation bias (third cumulant 0), and
  /// P(X·Y > B) = ∫ φ(z)·Φ((x(z)·m − B)/(x(z)·s)) dz exactly.
  static let scenario = make(responses: [.absorb])
  static func make(responses: [ProviderResponse]) -> Scenario {
    TestScenario.make(
    population: 1_000,
    services: [
      Service(name: "care", category: .reactive, stream: "care",
              cost: .perPerson(segments: [0], annualMean: 1_000, severity: .normal(cv: 1)), inflation: 0)
    ],
    rates: [0],
    factors: [Factor(name: "unit_cost", distribution: .lognormal(mean: 1, cv: 0.1), role: .unitCostMultiplier(services: [0]))],
    proposals: [.margin(0), .margin(0.05), .margin(0.10)], responses: responses)
  }
  static let mean = 1_000_000.0, sd = 1_000.0 * 1_000.0.squareRoot()

  static func exactOverspend(budget b: Double) -> Double {
    let s2 = log(1 + 0.1 * 0.1)
    return exactOverspend(budget: b, logMean: -s2 / 2, logSD: s2.squareRoot())
  }

  /// The same with X lognormal of log-mean `mu` and log-sd `s` (any product of correlated
  /// lognormal multipliers: `FactorRotationTests`).
  static func exactOverspend(budget b: Double, logMean mu: Double, logSD s: Double) -> Double {
    // Trapezoid over z ∈ [−9, 9]: the integrand is smooth and its tails beyond are < 1e-18.
    let n = 3_600, h = 18.0 / Double(n)
    var p = 0.0
    for i in 0...n {
      let z = -9 + Double(i) * h, x = exp(mu + s * z)
      let w = (i == 0 || i == n ? 0.5 : 1) * h * exp(-z * z / 2) / (2 * Double.pi).squareRoot()
      p += w * StandardNormal.cdf((x * mean - b) / (x * sd))
    }
    return p
  }

  static func run(_ scenario: Scenario = scenario, seed: UInt64, perReplicate: Int = 64, threads: Int = 2, blockSize: Int = 256) throws -> SimulationRun {
    try Engine.run(scenario, options: RunOptions(
      iterations: 16 * perReplicate, seed: seed, threads: threads, blockSize: blockSize,
      sampling: Sampling(method: .rqmc, replicates: 16, estimator: .conditional)))
  }

  @Test func conditionalIntervalsCoverTheClosedFormAtTheirStatedRate() throws {
    // 60 runs of 16 replicates × 64 points (~60,000 iterations, each one cell a period). Each
    // 95 % interval covers with probability 0.95 if it is valid: Binomial(60, 0.95), SE 2.8 %;
    // the check allows 3.5 SE, so intervals that cover less than 85 % fail (a biased
    // estimator, intervals from the pooled paths, replicates that share a scrambling).
    // Measured with this test at 1,000 runs: P(overspend) 94.4 / 94.5 / 95.5 % at the three
    // margins, mean drift 94.1 % (SE of a coverage 0.7 %).
    let runs = 60
    let probe = try Self.run(seed: 1)
    let budgets = RunFigures(probe).budgets.map { $0.scopes[0].budget.mean }
    let exactP = budgets.map { Self.exactOverspend(budget: $0) }
    let exactDrift = budgets.map { Self.mean / $0 - 1 }
    var covered = [[Int]](repeating: [0, 0], count: budgets.count)
    for seed in 1...UInt64(runs) {
      let figures = try #require(ReplicateFigures(try Self.run(seed: seed)))
      #expect(figures.estimator == "conditional")
      for e in budgets.indices {
        let c = try #require(figures.budgets[e].scopes[0].conditional)
        let p = try #require(c.overspendProbability), d = try #require(c.drift)
        // Exactly normal given the factor: the only stated bias is the money grid's (12 cells × 2⁻⁹ × φ(0) / 31,623 ≈ 3e-7).
        #expect(try #require(c.overspendBias) < 1e-6)
        #expect(!c.flagged)
        if p.lower <= exactP[e] && exactP[e] <= p.upper { covered[e][0] += 1 }
        if d.lower <= exactDrift[e] && exactDrift[e] <= d.upper { covered[e][1] += 1 }
        // One budget year: the year's figure is the horizon's.
        #expect(c.overspendProbabilityByYear == [p])
      }
    }
    let se = (0.95 * 0.05 / Double(runs)).squareRoot()
    for e in budgets.indices {
      for (k, name) in ["P(overspend)", "mean drift"].enumerated() {
        let rate = Double(covered[e][k]) / Double(runs)
        #expect(abs(rate - 0.95) < 3.5 * se, "margin \(e): \(name) covered \(rate)")
      }
    }
  }

  @Test func conditionalEstimateMatchesTheExactProbabilityAndBeatsTheIndicator() throws {
    // One run of 16 × 256: the conditional estimate within 4 of its standard errors
    // (half-width / t₁₅) of the exact P(overspend), and its replicate variance below the
    // indicator's. The indicator's variance includes the cost's own noise given X (P ≈ 0.3
    // at margin 0.05: a Bernoulli variance of ~0.2 a path), the conditional one only the
    // factor's: measured ratio > 20 at this seed; if they were equal the ratio's estimate
    // (F(15, 15)) would exceed 3 with probability ≈ 0.02, so this check can fail.
    let run = try Self.run(seed: 5, perReplicate: 256)
    let figures = try #require(ReplicateFigures(run))
    let budgets = RunFigures(run).budgets.map { $0.scopes[0].budget.mean }
    for e in budgets.indices {
      let scope = figures.budgets[e].scopes[0]
      let c = try #require(scope.conditional?.overspendProbability), plain = try #require(scope.overspendProbability)
      let exact = Self.exactOverspend(budget: budgets[e])
      #expect(abs(c.estimate - exact) <= 4 * c.halfWidth / 2.131_449_545_559_323, "margin \(e): \(c.estimate) vs \(exact)")
      if exact > 0.01 { #expect(plain.halfWidth / c.halfWidth > 3.0.squareRoot(), "margin \(e)") }
    }
  }

  @Test func statedBiasIsTheNormalApproximationsLeadingError() {
    // A compound Poisson sum of exponential costs (λ = 2,000 events of mean c = 100): its
    // tail is exact, P(S > y) = Σₙ P(N = n)·P(Poisson(y/c) ≤ n − 1). Away from z = ±1 (where
    // the leading term vanishes) the normal approximation's error is within the stated bias,
    // and the signed Edgeworth term takes ≥ 90 % of it (remainder O(1/λ): measured ≤ 3e-5
    // against terms of 3e-4 to 3e-3).
    let lambda = 2_000.0, c = 100.0
    let k1 = lambda * c, k2 = lambda * c * c * 2, k3 = lambda * c * c * c * 6
    func exactTail(_ y: Double) -> Double {
      let mu = y / c, top = Int(lambda + 15 * lambda.squareRoot())
      var cdf = 0.0, p = 0.0
      for n in 1...top {
        cdf += exp(Double(n - 1) * log(mu) - mu - SpecialFunctions.logGamma(Double(n)))  // P(Poisson(μ) ≤ n − 1)
        p += exp(Double(n) * log(lambda) - lambda - SpecialFunctions.logGamma(Double(n) + 1)) * min(1, cdf)
      }
      return p
    }
    for z in [-2.0, 0, 0.5, 2, 3] {
      let b = k1 + z * k2.squareRoot()
      let (probability, bias) = ConditionalCost.overspend(mean: k1, variance: k2, third: k3, cells: 0, budget: b)
      let exact = exactTail(b)
      let gamma = k3 / pow(k2, 1.5), signed = exp(-z * z / 2) / (2 * Double.pi).squareRoot() * gamma / 6 * (z * z - 1)
      #expect(abs(exact - probability) <= bias * 1.05, "z \(z): error \(exact - probability), bias \(bias)")
      #expect(abs(exact - probability - signed) <= 0.1 * bias, "z \(z)")
    }
    // No variance: the indicator of the mean, exactly.
    #expect(ConditionalCost.overspend(mean: 2, variance: 0, third: 0, cells: 0, budget: 1) == (1, 0))
    // Extremes give finite figures (no NaN may reach an exact sum): a variance of 1e-300
    // (γ overflows), a z of 1e200 (z² overflows), amounts beyond a Double's range.
    for (mean, variance, third, budget) in [
      (1.0, 1e-300, 1e-300, 2.0), (0.0, 1.0, 1.0, 1e200), (Double.infinity, 1.0, 1.0, 1.0), (1.0, .infinity, 1.0, 1.0),
    ] {
      let (p, b) = ConditionalCost.overspend(mean: mean, variance: variance, third: third, cells: 12, budget: budget)
      #expect(p.isFinite && b.isFinite && (0...1).contains(p) && (0...1).contains(b), "\(mean), \(variance)")
    }
  }

  @Test func tailShortcutChangesNoRecordedFigure() {
    // Beyond |z| = 8.5 `overspend` returns P(overspend) 0 or 1 without evaluating Φ. On a grid
    // of ratio 1.0001 from 8.5 to 60: the Φ(−z) it skips adds nothing to an exact sum and
    // leaves 1 − p at 1 (the any-year product), and Φ(z) is exactly 1 — so every recorded
    // figure is bit-identical. Near 8.2 the skipped value would matter (a fence for the bound).
    var z = ConditionalCost.certainTail, points = 0, changed = 0
    while z < 60 {
      let p = StandardNormal.cdf(-z)
      var sum = ExactSum()
      sum.add(p)
      let above = ConditionalCost.overspend(mean: 0, variance: 1, third: 1, cells: 0, budget: z).probability
      let below = ConditionalCost.overspend(mean: 0, variance: 1, third: 1, cells: 0, budget: -z).probability
      if sum != ExactSum() || 1 - p != 1 || StandardNormal.cdf(z) != 1 || above != 0 || below != 1 { changed += 1 }
      points += 1
      z *= 1.0001
    }
    #expect(points > 19_000)
    #expect(changed == 0)
    #expect(1 - StandardNormal.cdf(-8.1) != 1)
  }

  @Test func cellCumulantsAreTheCompoundSumsExactMoments() throws {
    // One service, one year: NB counts (dispersion k = 50 on the year's count of Λ = 2,000
    // events) of gamma costs (mean 100, CV 0.5); no factors. The year's cost has κ₁ = Λc,
    // κ₂ = c²·(Λcv² + Λ + Λ²/k) and κ₃ = c³·(Λ·2cv⁴ + 3(Λ + Λ²/k)cv² + Λ + 3Λ²/k + 2Λ³/k²):
    // the periods' cells add up to the year's NB(Λ, k) (see `yearDispersion`).
    // Row 0's year-0 cumulants (and its workspace) for one service of these counts.
    func yearCumulants(noise: CountNoise) throws -> (TileWorkspace, (mean: Double, variance: Double, third: Double, cells: Double)) {
      let scenario = TestScenario.make(
        population: 1_000, services: [TestScenario.service("visits", severity: .gamma(cv: 0.5), noise: noise)], rates: [2])
      let plan = try SimulationPlan(scenario)
      let w = TileWorkspace(plan: plan), cost = ConditionalCost(plan: plan)
      w.simulate(tile: 0, active: 0..<1, seed: 1)
      cost.fill(row: 0, from: w)
      return (w, cost.cumulants(row: 0, scope: 0, year: 0))
    }
    let (_, m) = try yearCumulants(noise: .negativeBinomial(dispersion: 50))
    let L = 2_000.0, c = 100.0, v = 0.25, k = 50.0
    let n2 = L + L * L / k, n3 = L + 3 * L * L / k + 2 * L * L * L / (k * k)
    #expect(abs(m.mean / (L * c) - 1) < 1e-12)
    #expect(abs(m.variance / (c * c * (L * v + n2)) - 1) < 1e-12)
    #expect(abs(m.third / (c * c * c * (L * 2 * v * v + 3 * n2 * v + n3)) - 1) < 1e-12)
    #expect(m.cells == 12)
    // `mixing: year`: the year's G is conditioned on, and the cells are Poisson(λ·G).
    let (mw, mm) = try yearCumulants(noise: .yearlyNegativeBinomial(dispersion: 50))
    let g = mw.yearMixing[0]
    #expect(g != 1)
    #expect(abs(mm.mean / (L * g * c) - 1) < 1e-12)
    #expect(abs(mm.variance / (c * c * L * g * (1 + v)) - 1) < 1e-12)
    #expect(abs(mm.third / (c * c * c * L * g * (1 + v) * (1 + 2 * v)) - 1) < 1e-12)
  }

  @Test func conditionalRunsAreIdenticalAtAnyThreadCountAndBatching() throws {
    let a = try Self.run(seed: 11, threads: 1, blockSize: 64)
    let b = try Self.run(seed: 11, threads: 3, blockSize: 512)
    #expect(a.conditional != nil)
    #expect(a.conditional == b.conditional)
    let options = RunOptions(iterations: 512, seed: 11, threads: 2, sampling: Sampling(method: .rqmc, replicates: 16, estimator: .conditional))
    let (batched, note) = try Engine.run(Self.scenario, options: options, precision: PrecisionTarget(halfWidth: 1e-9, maxIterations: 1_024))
    #expect(note.batches == [512, 1_024])
    #expect(batched.conditional == a.conditional)
    // The indicator figures are those of an RQMC run without the estimator.
    let indicator = try Engine.run(Self.scenario, options: RunOptions(iterations: 1_024, seed: 11, sampling: .rqmc(replicates: 16)))
    #expect(indicator.accumulator == a.accumulator)
    #expect(indicator.conditional == nil)
  }

  @Test func conditionalIsRefusedWhereItDoesNotApply() throws {
    // Plain Monte Carlo has no replicates to take its intervals from.
    let plain = RunOptions(iterations: 1_024, seed: 1, sampling: Sampling(method: .plain, replicates: 1, estimator: .conditional))
    #expect(throws: RunOptionsError.self) { try Engine.run(Self.scenario, options: plain) }
    // Ration only: no absorb evaluation to estimate.
    #expect(throws: RunOptionsError.self) { try Self.run(Self.make(responses: [.ration]), seed: 1) }
  }

  @Test func samplingWritesItsEstimatorOnlyWhenConditional() throws {
    let plain = try JSONEncoder().encode(Sampling.rqmc(replicates: 16))
    #expect(!String(decoding: plain, as: UTF8.self).contains("estimator"))
    let conditional = Sampling(method: .rqmc, replicates: 16, estimator: .conditional)
    let data = try JSONEncoder().encode(conditional)
    #expect(try JSONDecoder().decode(Sampling.self, from: data) == conditional)
    #expect(try JSONDecoder().decode(Sampling.self, from: plain) == .rqmc(replicates: 16))
  }
}

extension ConditionalEstimatorTests {
  @Test func shockStartsFromThePointsKeepTheShocksLaw() throws {
    // A shock that starts in each month with p = 0.2 and lasts 3 months: in month t it is
    // active with probability 1 − 0.8^min(t + 1, 3). Over 16 × 256 RQMC iterations, each
    // month's active share is within 4 binomial SEs of that (RQMC's error is at most about
    // the binomial one here: the check can fail only if the law is wrong).
    let scenario = TestScenario.make(
      services: [TestScenario.service("visits")], rates: [2],
      factors: [Factor(name: "unit_cost", distribution: .lognormal(mean: 1, cv: 0.1), role: .unitCostMultiplier(services: [0]))],
      shocks: [Shock(name: "surge", probability: 0.2, duration: 3, multiplier: 2, services: [0])])
    let plan = try SimulationPlan(scenario)
    let w = TileWorkspace(plan: plan)
    let set = try #require(FactorPoints(.rqmc(replicates: 16), factors: 1, shocks: 1))
    #expect(set.shockGaps == FactorPoints.maximumShockGaps)
    w.factorPoints = set
    let n = 16 * 256
    var active = [Int](repeating: 0, count: 12)
    for i in 0..<n {
      w.shockMultiplier.fill(1)
      w.fillShockMultipliers(points: set, iteration: i, seed: 3)
      for t in 0..<12 {
        let m = w.shockMultiplier[t]
        #expect(m == 1 || m == 2)  // the multiplier applies once, however many starts overlap
        if m == 2 { active[t] += 1 }
      }
    }
    for t in 0..<12 {
      let p = 1 - pow(0.8, Double(min(t + 1, 3))), se = (p * (1 - p) / Double(n)).squareRoot()
      #expect(abs(Double(active[t]) / Double(n) - p) < 4 * se, "month \(t): \(Double(active[t]) / Double(n)) vs \(p)")
    }
  }
}
