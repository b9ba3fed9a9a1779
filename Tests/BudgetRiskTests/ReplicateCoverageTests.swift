import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies

/// `--sampling rqmc` against closed forms: its replicate intervals cover at their stated rate,
/// it reduces the variance of a smooth figure, and it is as deterministic as plain Monte Carlo.
@Suite struct ReplicateCoverageTests {
  /// Cost c·X·N over one year: N ~ Poisson(Λ) events (Λ = 1,000 people × 2 a year, fixed cost
  /// c = 100), X a lognormal unit-cost multiplier (mean 1, CV 0.1) independent of N. Then
  /// E[cost] = cΛ exactly, and P(cost > B) = Σₙ P(N = n)·P(X > B/(c·n)) with lognormal X
  /// in closed form.
  static let scenario = TestScenario.make(
    population: 1_000, services: [TestScenario.service("visits", severity: .fixed)], rates: [2],
    factors: [Factor(name: "unit_cost", distribution: .lognormal(mean: 1, cv: 0.1), role: .unitCostMultiplier(services: [0]))],
    proposals: [.margin(0), .margin(0.05), .margin(0.10)])
  static let lambda = 2_000.0, unitCost = 100.0

  static func exactOverspend(budget b: Double) -> Double {
    let s2 = log(1 + 0.1 * 0.1), s = s2.squareRoot(), mu = -s2 / 2
    var p = 0.0
    for n in 1...Int(lambda + 12 * lambda.squareRoot()) {
      let pmf = exp(Double(n) * log(lambda) - lambda - SpecialFunctions.logGamma(Double(n) + 1))
      p += pmf * StandardNormal.cdf(-(log(b / (unitCost * Double(n))) - mu) / s)
    }
    return p
  }

  static func rqmc(seed: UInt64, replicates: Int = 16, perReplicate: Int = 64, threads: Int = 2, blockSize: Int = 256) throws -> SimulationRun {
    try Engine.run(scenario, options: RunOptions(
      iterations: replicates * perReplicate, seed: seed, threads: threads, blockSize: blockSize,
      sampling: .rqmc(replicates: replicates)))
  }

  /// At 64 points per replicate (a power of two) and at 96 (= 64 + 32: a quarter-step count
  /// of ``PointGrid``, a net of 64 and an aligned block of 32). `BUDGET_RISK_COVERAGE_RUNS`
  /// sets the runs (60 by default) for an offline measurement.
  @Test(arguments: [64, 96])
  func replicateIntervalsCoverTheClosedFormsAtTheirStatedRate(perReplicate: Int) throws {
    // 60 runs of 16 replicates × 64 (or 96) points (sized for CI: ~60,000 iterations). Each 95 %
    // interval covers with probability 0.95 if valid; the count of covering runs is then
    // Binomial(60, 0.95), SE 2.8 %: the check allows 3.5 SE (false alarm ≈ 2e−4 per figure),
    // so intervals that cover less than 85 % fail (the replicates' binomial intervals
    // mistaken for RQMC's, replicates that share a scrambling: ~0 %). Measured with this
    // test at more runs: 1,000 runs of 16 × 64 points covered 93.5 % (mean drift) and
    // 94.2 / 94.5 / 94.9 % (P(overspend) at the three margins); 900 runs of 16 × 256 points
    // 95.0 % and 93.8 / 95.7 / 94.8 % (SE of a coverage 0.7 %). At 16 × 96 points, 1,000
    // runs covered 95.1 % (mean drift) and 94.3 / 93.9 / 95.5 % (P(overspend)): as well as at 64.
    let runs = ProcessInfo.processInfo.environment["BUDGET_RISK_COVERAGE_RUNS"].flatMap(Int.init) ?? 60
    let probe = try Self.rqmc(seed: 1, perReplicate: perReplicate)
    let budgets = RunFigures(probe).budgets.map { $0.scopes[0].budget.mean }
    let exactDrift = budgets.map { Self.unitCost * Self.lambda / $0 - 1 }
    let exactP = budgets.map { Self.exactOverspend(budget: $0) }
    var covered = [[Int]](repeating: [0, 0], count: budgets.count)
    for seed in 1...UInt64(runs) {
      let figures = try #require(ReplicateFigures(try Self.rqmc(seed: seed, perReplicate: perReplicate)))
      for e in budgets.indices {
        let scope = figures.budgets[e].scopes[0]
        let drift = try #require(scope.drift), p = try #require(scope.overspendProbability)
        if drift.lower <= exactDrift[e] && exactDrift[e] <= drift.upper { covered[e][0] += 1 }
        if p.lower <= exactP[e] && exactP[e] <= p.upper { covered[e][1] += 1 }
      }
    }
    let se = (0.95 * 0.05 / Double(runs)).squareRoot()
    for e in budgets.indices {
      for (k, name) in ["mean drift", "P(overspend)"].enumerated() {
        let rate = Double(covered[e][k]) / Double(runs)
        // An offline measurement (`BUDGET_RISK_COVERAGE_RUNS`) prints what it measured.
        if runs != 60 { print("coverage, 16 × \(perReplicate) points, \(runs) runs, margin \(e): \(name) \(rate)") }
        #expect(abs(rate - 0.95) < 3.5 * se, "margin \(e): \(name) covered \(rate)")
      }
    }
  }

  @Test func rqmcReducesTheVarianceOfTheMeanDrift() throws {
    // Variance of the run's mean drift over 1,024 paths: plain Monte Carlo's s²/n (s² from
    // its 1,024 paths) against RQMC's between-replicate variance / R (15 degrees of freedom).
    // The factor explains ~95 % of the cost's variance (measured ratio 15.9 at seed 3); if RQMC
    // did nothing the ratio's estimate would exceed 4 with probability ≈ 0.001 (a 4× gap is
    // the 0.1 % tail of χ²₁₅/15), so this check can fail.
    let plain = try TestScenario.run(Self.scenario, iterations: 1_024, seed: 3).0
    let plainVariance = pow(try #require(RunFigures(plain).budgets.first?.scopes[0].drift.standardError), 2)
    let run = try Self.rqmc(seed: 3)
    let replicates = try #require(run.replicates)
    let means = (0..<16).map { replicates.estimate(.meanDrift, replicate: $0, evaluation: 0, scope: 0) }
    let m = means.reduce(0, +) / 16
    let rqmcVariance = means.reduce(0) { $0 + ($1 - m) * ($1 - m) } / 15 / 16
    #expect(plainVariance / rqmcVariance > 4, "ratio \(plainVariance / rqmcVariance)")
  }

  @Test func rqmcRunsAreIdenticalAtAnyThreadCountBlockSizeAndBatching() throws {
    let a = try Self.rqmc(seed: 11, threads: 1, blockSize: 64)
    let b = try Self.rqmc(seed: 11, threads: 3, blockSize: 512)
    #expect(a.accumulator == b.accumulator)
    #expect(a.replicates == b.replicates)
    #expect(RunFigures(a) == RunFigures(b))
    // A precision run that doubles 16 × 32 to 16 × 64 is the run of 16 × 64 (interleaved
    // replicates keep their first points).
    let options = RunOptions(iterations: 512, seed: 11, threads: 2, sampling: .rqmc(replicates: 16))
    let (batched, note) = try Engine.run(Self.scenario, options: options, precision: PrecisionTarget(halfWidth: 1e-9, maxIterations: 1_024))
    #expect(note.batches == [512, 1_024])
    #expect(batched.accumulator == a.accumulator)
    #expect(batched.replicates == a.replicates)
    // And RQMC is not plain Monte Carlo under another name.
    #expect(try TestScenario.run(Self.scenario, iterations: 1_024, seed: 11).0.accumulator != a.accumulator)
  }

  @Test func rqmcRefusesAnIterationCountThatBreaksTheNets() {
    let options = RunOptions(iterations: 1_000, seed: 1, sampling: .rqmc(replicates: 16))
    #expect(throws: RunOptionsError.self) { try Engine.run(Self.scenario, options: options) }
    // 10,000 / 16 = 625 per replicate: the nearest grid count (``PointGrid``) is 640.
    #expect(Sampling.rqmc(replicates: 16).usableIterations(near: 10_000) == 10_240)
    #expect(Sampling.rqmc(replicates: 16).usableIterations(near: 1_024) == 1_024)
    #expect(Sampling.plain.usableIterations(near: 1_000) == 1_000)
    #expect(Sampling.rqmc(replicates: 3).problem(iterations: 48, factors: 1) != nil)
    #expect(Sampling.rqmc(replicates: 16).problem(iterations: 1_024, factors: 65) != nil)
  }

  @Test func studiesWithoutReplicatesRefuseRQMC() throws {
    let plan = try SimulationPlan(Self.scenario)
    let options = RunOptions(iterations: 1_024, seed: 1, sampling: .rqmc())
    #expect(throws: RunOptionsError.self) { try Engine.requirePlain(options, study: "x") }
  }

  @Test func replicateIntervalIsTheStudentTIntervalOfTheValues() throws {
    // Values 1…4: mean 2.5, s = 1.2910, t₀.₉₇₅(3) = 3.1824 → half-width 2.0543.
    let i = try #require(ReplicateInterval(values: [1, 2, 3, 4]))
    #expect(abs(i.estimate - 2.5) < 1e-12)
    #expect(abs(i.halfWidth - 3.182446305283708 * (5.0 / 3 / 4).squareRoot()) < 1e-12)
    #expect(ReplicateInterval(values: [1]) == nil)
    #expect(ReplicateInterval(values: [1, .nan]) == nil)
  }
}

extension ReplicateCoverageTests {
  @Test func anRQMCPrecisionRunCapsItsTotalAtAFullNet() throws {
    // A cap of 1,000 with a first batch of 16 × 32 stops at 16 × 56 = 896 (the grid count
    // at or below 62.5 per replicate: nets of 32, 16 and 8 points), not at 1,000 (which would
    // leave every replicate a partial net).
    let options = RunOptions(iterations: 512, seed: 2, threads: 2, sampling: .rqmc(replicates: 16))
    let (run, note) = try Engine.run(Self.scenario, options: options, precision: PrecisionTarget(halfWidth: 1e-9, maxIterations: 1_000))
    #expect(note.batches == [512, 896])
    #expect(note.maxIterations == 896)
    #expect(run.completedIterations == 896)
  }
}
