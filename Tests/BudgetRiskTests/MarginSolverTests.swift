import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// The contingency solver against the empirical quantile, closed forms and exact quantiles,
/// and its two methods (order statistics, test-inversion search) against each other.
@Suite struct MarginSolverTests {
  /// Two services with demand uncertainty: a continuous, skewed R = cost / base − 1. One
  /// year of quarters (4 periods keep the debug-build tests fast).
  static func uncertain(responses: [ProviderResponse] = [.absorb], interventions: [Intervention] = []) -> Scenario {
    quarterly(TestScenario.make(
      population: 2_000,
      services: [TestScenario.service("visits", unitCost: 80, severity: .gamma(cv: 0.6)),
                 TestScenario.service("admissions", unitCost: 900, severity: .gamma(cv: 1.0))],
      rates: [3, 0.4],
      factors: [Factor(name: "demand", distribution: .lognormal(mu: -0.0032, sigma: 0.08), role: .serviceRateMultiplier(services: [1]))],
      interventions: interventions,
      pools: [Pool(name: "pooled", services: [0, 1])], responses: responses))
  }

  /// The scenario over one year of quarters: utilisation is per year, so the year's cost
  /// has the same law as over twelve months.
  static func quarterly(_ s: Scenario) -> Scenario {
    var s = s
    s.horizon = Horizon(periods: 4, periodLength: .quarter)
    return s
  }

  static func solve(
    _ s: Scenario, alpha: Double = 0.1, beta: Double? = nil, iterations: Int, seed: UInt64 = 7,
    method: MarginMethod = .automatic, responses: [ProviderResponse] = [], precision: PrecisionTarget? = nil
  ) throws -> MarginFigures {
    try MarginSolver.solve(
      s, request: MarginRequest(overspendTarget: alpha, serviceGapTarget: beta, responses: responses, precision: precision, method: method),
      options: RunOptions(iterations: iterations, seed: seed, threads: 2))
  }

  @Test func absorbMarginIsTheSmallestMarginMeetingTheTargetOnTheSample() throws {
    // The engine's own overspend counts, at listed margins 2e−4 either side of the solved
    // margin (over three buckets of the solver's histogram): above it P̂ ≤ α, below it P̂ > α. The
    // sample quantile is exactly the boundary; ~20 iterations lie within 2e−4 of it here.
    let s = Self.uncertain()
    let n = 20_000
    let solved = try Self.solve(s, iterations: n).results[0]
    let m = try #require(solved.margin)
    #expect(solved.method == "order-statistic")
    var check = s
    check.budget.proposals = [.margin(m - 2e-4), .margin(m + 2e-4)]
    let (_, f) = try TestScenario.run(check, iterations: n, seed: 7)
    #expect(f.budgets[0].scopes[0].overspendProbability.estimate > 0.1)
    #expect(f.budgets[1].scopes[0].overspendProbability.estimate <= 0.1)
    // P(overspend) at the solved margin is (n − r)/n, r = ⌈n(1 − α)⌉.
    #expect(solved.overspendProbability?.estimate == 0.1)
    #expect(solved.resolution == ReturnRatioWorker.layout.resolution(at: m) && solved.resolution <= 0x1p-14)
    #expect(solved.lower! < m && m < solved.upper!)
  }

  @Test func largePopulationMarginIsTheNormalQuantile() throws {
    // Compound Poisson, λ = 10⁴ events a year, gamma costs with CV 0.5: R = S/E[S] − 1 has
    // σ = √((1 + cv²)/λ) = 0.01118, so m* ≈ z₀.₉ · σ = 1.28155 × 0.01118 = 0.014328.
    // The skewness (E[X³]/(√λ · E[X²]^{3/2}) = 0.0134) moves the quantile by the
    // Cornish–Fisher term (z² − 1)/6 · γ · σ = 1.6e−5. Tolerance: 4 SE of the sample quantile,
    // SE = √(q(1 − q)/n) / f(m*) with f = φ(z)/σ, plus that term.
    let s = Self.quarterly(TestScenario.make(
      population: 10_000, services: [TestScenario.service("visits", unitCost: 100, severity: .gamma(cv: 0.5))], rates: [1]))
    let n = 20_000
    let r = try Self.solve(s, iterations: n).results[0]
    let sigma = (1.25 / 1e4).squareRoot(), z = 1.2815515655446004
    let density = exp(-z * z / 2) / (2 * Double.pi).squareRoot() / sigma
    let se = (0.09 / Double(n)).squareRoot() / density
    #expect(abs(try #require(r.margin) - z * sigma) < 4 * se + 1.6e-5)
    // The interval is ±1.96 SE wide (to within the binomial's discreteness), each end widened
    // by the histogram's resolution (one bucket, 2⁻¹⁴ here).
    #expect(abs(r.halfWidth! - r.resolution - 1.96 * se) < 0.25 * 1.96 * se)
  }

  /// The exact (1 − α) quantile of a compound Poisson(λ) sum of gamma costs, by bisection on
  /// its CDF.
  static func exactQuantile(_ level: Double, lambda: Double, meanCost: Double, cv: Double) -> Double {
    var lo = 0.0, hi = lambda * meanCost * 10
    for _ in 0..<80 {
      let mid = (lo + hi) / 2
      if EngineReferenceTests.compoundPoissonGammaCDF(mid, lambda: lambda, meanCost: meanCost, cv: cv) < level { lo = mid } else { hi = mid }
    }
    return (lo + hi) / 2
  }

  @Test func orderStatisticIntervalCoversTheExactMarginAtTheStatedRate() throws {
    // 10 people × 1.5 events a year, gamma costs (mean 100, CV 0.8): the year's cost is
    // compound Poisson(15) with an exact CDF, base 1,500. 200 seeds of 2,000 iterations;
    // coverage must be 95 % ± 4.6 pp (3 SE of a binomial proportion at n = 200).
    let s = Self.quarterly(TestScenario.make(
      population: 10, services: [TestScenario.service("visits", unitCost: 100, severity: .gamma(cv: 0.8))], rates: [1.5]))
    let truth = Self.exactQuantile(0.9, lambda: 15, meanCost: 100, cv: 0.8) / 1_500 - 1
    var covered = 0
    for seed in 1...200 {
      let r = try Self.solve(s, iterations: 2_000, seed: UInt64(seed)).results[0]
      if r.lower! <= truth && truth <= r.upper! { covered += 1 }
    }
    let rate = Double(covered) / 200
    #expect(abs(rate - 0.95) <= 0.046, "coverage \(rate)")
  }

  @Test func searchAgreesWithOrderStatisticsUnderAbsorb() throws {
    // The same paths: the point agrees to the histogram's bin plus the search's final
    // bracket (2e−4); the test-inversion ends differ from the order-statistic ranks by
    // O(z²) ranks, a few 1e−5 here, far inside 5 % of the half-width.
    let s = Self.uncertain()
    let n = 5_000
    let a = try Self.solve(s, iterations: n).results[0]
    let b = try Self.solve(s, iterations: n, method: .search).results[0]
    #expect(b.method == "test-inversion")
    #expect(abs(a.margin! - b.margin!) < 2e-4)
    #expect(abs(a.lower! - b.lower!) < 0.05 * a.halfWidth! + 2e-4)
    #expect(abs(a.upper! - b.upper!) < 0.05 * a.halfWidth! + 2e-4)
    #expect(b.resolution <= MarginSearch.resolution)
  }

  @Test func rationWithoutInterventionsEqualsAbsorb() throws {
    // No intervention: rationing leaves the cost of need unchanged, so P(overspend | m) is
    // the same on every path and the two answers agree to the resolution.
    let s = Self.uncertain(responses: [.absorb, .ration])
    let f = try Self.solve(s, iterations: 4_000)
    #expect(f.results.map(\.response) == ["absorb", "ration"])
    #expect(abs(f.results[0].margin! - f.results[1].margin!) < 2e-4)
    #expect(f.results[1].method == "test-inversion")
  }

  @Test func rationingPreventionRaisesTheMargin() throws {
    // Visits (proactive) prevent half of the admissions a month later. A provider that
    // rations cuts visits first when the money runs short, raising admissions: the cost of
    // need rises on the paths that hit the budget and the margin must be larger. The gap
    // is checked against the absorb answer's interval, not a point.
    var s = Self.uncertain(responses: [.absorb, .ration], interventions: [
      Intervention(name: "visits prevent admissions", proactive: [0], targets: [1], effect: 0.5, lag: 1, rampPeriods: 1)
    ])
    s.services[0].category = .proactive
    let f = try Self.solve(s, iterations: 4_000)
    let absorb = f.results[0], ration = f.results[1]
    #expect(ration.margin! > absorb.upper!, "absorb \(absorb.margin!) [\(absorb.lower!), \(absorb.upper!)], ration \(ration.margin!)")
  }

  @Test func gapTargetUnderAbsorbIsAlwaysMet() throws {
    let s = Self.uncertain()
    let plain = try Self.solve(s, iterations: 5_000).results[0]
    let withGap = try Self.solve(s, beta: 0.01, iterations: 5_000).results[0]
    #expect(plain.margin == withGap.margin)
  }

  @Test func gapTargetRaisesTheRationMargin() throws {
    // Rationing leaves need unmet on paths under budget overall but over the profile in
    // some month; P(U > 1 %) ≤ 1 % needs more margin than P(overspend) ≤ 10 %.
    let s = Self.uncertain(responses: [.ration])
    let plain = try Self.solve(s, iterations: 3_000).results[0]
    let withGap = try Self.solve(s, beta: 0.01, iterations: 3_000).results[0]
    #expect(withGap.binding == "service gap")
    #expect(withGap.margin! > plain.margin!)
    #expect(withGap.serviceGapProbability!.estimate <= 0.01)
  }

  @Test func precisionStopsWithinTheHalfWidthAndIsReproducible() throws {
    let s = Self.uncertain()
    let target = PrecisionTarget(halfWidth: 0.004, maxIterations: 1_000_000)
    let a = try Self.solve(s, iterations: 1_000, precision: target).results[0]
    #expect(a.halfWidth! <= 0.004)
    #expect(a.precisionReached == true)
    // The schedule projects from each batch's half-width: replay it from 1,000, solving
    // afresh at each total, and it reaches the final count, which alone meets the target.
    var total = 1_000, previous: Int?
    while total < Int(a.iterations) {
      let at = try Self.solve(s, iterations: total).results[0]
      #expect(at.halfWidth! > 0.004)
      previous = total
      total = target.projectedTotal(after: total, achieved: at.halfWidth!, replicates: 1)
    }
    #expect(total == Int(a.iterations) && previous != nil)
    let b = try Self.solve(s, iterations: 1_000, precision: target).results[0]
    #expect(a == b)
    // Identical to one solve at the final iteration count (batches are exact shards).
    let single = try Self.solve(s, iterations: Int(a.iterations)).results[0]
    #expect(single.margin == a.margin && single.lower == a.lower && single.upper == a.upper)
  }

  @Test func maxIterationsCapsAPrecisionRun() throws {
    let s = Self.uncertain(responses: [.ration])
    let r = try Self.solve(s, iterations: 1_000, precision: PrecisionTarget(halfWidth: 1e-5, maxIterations: 3_000)).results[0]
    #expect(r.iterations == 3_000)
    #expect(r.precisionReached == false)
    #expect(r.notes.contains { $0.contains("not reached") })
  }

  @Test func figuresDoNotDependOnThreadsOrBlockSize() throws {
    let s = Self.uncertain(responses: [.absorb, .ration])
    let request = MarginRequest(overspendTarget: 0.1, serviceGapTarget: 0.05)
    let a = try MarginSolver.solve(s, request: request, options: RunOptions(iterations: 1_000, seed: 4, threads: 1, blockSize: 64))
    let b = try MarginSolver.solve(s, request: request, options: RunOptions(iterations: 1_000, seed: 4, threads: 3, blockSize: 192))
    #expect(a == b)
    let c = try MarginSolver.solve(s, request: request, options: RunOptions(iterations: 1_000, seed: 5, threads: 1))
    #expect(a.results[0].margin != c.results[0].margin)
  }

  @Test func badRequestsAreClearErrors() {
    let s = Self.uncertain()
    #expect(throws: MarginSolverError.invalid("--overspend-at-most must lie strictly between 0 and 1, found 1.5")) {
      try Self.solve(s, alpha: 1.5, iterations: 100)
    }
    #expect(throws: MarginSolverError.self) {
      try MarginSolver.solve(s, request: MarginRequest(overspendTarget: 0.1, scope: "nope"), options: RunOptions(iterations: 100, seed: 1))
    }
  }
}

/// The search's bracket refinement on deterministic step functions.
@Suite struct MarginSearchTests {
  @Test func refinementFindsAStepToTheResolution() throws {
    // P(overspend | m) = 1 below m = 0.0731, 0 above, on 1,000 trials: every crossing is
    // the step, found to within the resolution.
    var search = MarginSearch()
    let step = 0.0731
    let crossings = search.run(MarginEstimate.criteria(target: 0.1, counter: \.overspent)) { ms in
      ms.map { m in MarginSearch.Counts(overspent: ProportionCounter(successes: m < step ? 1_000 : 0, trials: 1_000)) }
    }
    for c in crossings {
      guard case .at(let m) = c else { Issue.record("\(c)"); continue }
      #expect(abs(m - step) <= MarginSearch.resolution)
    }
    // The initial grid is 0.05 apart here; 4 parts a pass reach 1e−4 in 5 more passes
    // (0.05 / 4⁵ = 4.9e−5).
    #expect(search.passes == 6)
  }

  @Test func testInversionIntervalCoversAtTheStatedRate() {
    // The search alone on samples of R ~ N(0, 0.1²) (2,000 per seed, counts at a margin m
    // are #{R > m}): the true margin is 0.1 · z₀.₉ = 0.128155. Over 200 seeds the interval
    // must cover it 95 % ± 4.6 pp of the time (3 SE of a binomial proportion at n = 200).
    let truth = 0.1 * 1.2815515655446004, n = 2_000
    var covered = 0
    for seed in 1...200 {
      let sample = (0..<n).map { i -> Double in
        var g = RandomStream(seed: UInt64(seed), iteration: UInt64(i), stream: 9)
        return 0.1 * StandardNormal.sample(using: &g)
      }.sorted()
      var search = MarginSearch()
      let crossings = search.run(MarginEstimate.criteria(target: 0.1, counter: \.overspent)) { ms in
        ms.map { m in
          let above = sample.count - (sample.firstIndex { $0 > m } ?? sample.count)
          return MarginSearch.Counts(overspent: ProportionCounter(successes: UInt64(above), trials: UInt64(n)))
        }
      }
      guard case .at(let lower) = crossings[1], case .at(let upper) = crossings[2] else { continue }
      if lower <= truth && truth <= upper { covered += 1 }
    }
    let rate = Double(covered) / 200
    #expect(abs(rate - 0.95) <= 0.046, "coverage \(rate)")
  }

  @Test func crossingsOutsideTheRangeAreReported() {
    var search = MarginSearch()
    let always = search.run([.init(statistic: { _ in 0 }, target: 0.1), .init(statistic: { _ in 1 }, target: 0.1)]) { ms in
      ms.map { _ in MarginSearch.Counts() }
    }
    #expect(always == [.belowRange(MarginSearch.initialGrid[0]), .notFound])
  }
}
