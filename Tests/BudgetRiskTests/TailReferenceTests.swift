import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Tail figures (VaR, TVaR) against exact compound distributions, with budgets far from the
/// cost. Every tolerance is 4 Monte Carlo standard errors of the figure (stated at each check)
/// plus the summary's own resolution, which the figure reports.
@Suite struct TailReferenceTests {
  /// A compound Poisson(λ) sum of gamma(shape α, scale θ) severities: given N = n it is
  /// Gamma(nα, θ). Its CDF, density and partial moments E[S^k; S > s] by the series over n.
  struct CompoundGamma {
    var pmf: [Double]  // P(N = n), n = 0...
    var shape: Double, scale: Double

    static func poisson(lambda: Double, meanCost: Double, cv: Double) -> CompoundGamma {
      let top = Int(lambda + 14 * lambda.squareRoot() + 40)
      let pmf = (0...top).map { n in exp(Double(n) * log(lambda) - lambda - SpecialFunctions.logGamma(Double(n) + 1)) }
      return CompoundGamma(pmf: pmf, shape: 1 / (cv * cv), scale: meanCost * cv * cv)
    }

    /// Negative binomial counts with mean μ and dispersion k: P(N = n) = Γ(n + k)/(Γ(k)·n!)·pᵏ·(1 − p)ⁿ,
    /// p = k/(k + μ).
    static func negativeBinomial(mean mu: Double, dispersion k: Double, meanCost: Double, cv: Double) -> CompoundGamma {
      let p = k / (k + mu)
      let top = Int(mu + 30 * (mu + mu * mu / k).squareRoot() + 60)
      let pmf = (0...top).map { n in
        exp(SpecialFunctions.logGamma(Double(n) + k) - SpecialFunctions.logGamma(k) - SpecialFunctions.logGamma(Double(n) + 1)
          + k * log(p) + Double(n) * log1p(-p))
      }
      return CompoundGamma(pmf: pmf, shape: 1 / (cv * cv), scale: meanCost * cv * cv)
    }

    func cdf(_ x: Double) -> Double {
      pmf.indices.reduce(0) { $0 + pmf[$1] * ($1 == 0 ? 1 : Gamma.cdf(x, shape: Double($1) * shape, scale: scale)) }
    }

    /// E[S^k; S > s] for k = 0, 1, 2: Γ(nα + k)/Γ(nα)·θᵏ·Q(nα + k, s/θ).
    func partialMoment(_ k: Int, above s: Double) -> Double {
      pmf.indices.dropFirst().reduce(0) { total, n in
        let a = Double(n) * shape
        let factor = k == 0 ? 1 : (k == 1 ? a * scale : a * (a + 1) * scale * scale)
        return total + pmf[n] * factor * SpecialFunctions.regularizedGammaQ(a + Double(k), s / scale)
      }
    }

    func quantile(_ q: Double) -> Double {
      var (lo, hi) = (0.0, 1.0)
      while cdf(hi) < q { hi *= 2 }
      for _ in 0..<100 { let mid = (lo + hi) / 2; if cdf(mid) < q { lo = mid } else { hi = mid } }
      return (lo + hi) / 2
    }

    func density(_ x: Double) -> Double {
      let h = 1e-4 * x
      return (cdf(x + h) - cdf(x - h)) / (2 * h)
    }

    /// The exact q-VaR and q-TVaR of (S − b)⁺ and their Monte Carlo standard errors at n
    /// iterations: the sample quantile's √(q(1 − q)/n)/f(s_q), and the empirical TVaR's
    /// √((Var(S | S > s_q) + q·(TVaR − VaR)²)/(n(1 − q))) (Manistre & Hancock 2005).
    func tail(_ q: Double, budget b: Double, iterations n: Int) -> (valueAtRisk: Double, varSE: Double, tvar: Double, tvarSE: Double) {
      let s = quantile(q)
      let m1 = partialMoment(1, above: s) / (1 - q), m2 = partialMoment(2, above: s) / (1 - q)
      let varSE = (q * (1 - q) / Double(n)).squareRoot() / density(s)
      let tvarSE = ((m2 - m1 * m1 + q * (m1 - s) * (m1 - s)) / (Double(n) * (1 - q))).squareRoot()
      return (s - b, varSE, m1 - b, tvarSE)
    }
  }

  /// The exact q-TVaR of (S − b)⁺ when b is above the q-quantile (the top 1 − q include
  /// zeros): E[(S − b)⁺]/(1 − q), with the SE of a mean of (S − b)⁺ over n, divided by 1 − q.
  static func tvarAboveQuantile(_ d: CompoundGamma, q: Double, budget b: Double, iterations n: Int) -> (Double, Double) {
    let m0 = d.partialMoment(0, above: b), m1 = d.partialMoment(1, above: b), m2 = d.partialMoment(2, above: b)
    let mean = m1 - b * m0
    let second = m2 - 2 * b * m1 + b * b * m0
    return (mean / (1 - q), ((second - mean * mean) / Double(n)).squareRoot() / (1 - q))
  }

  /// Compound Poisson and compound negative binomial (dispersion on the year's count) with
  /// gamma severities, at budgets far below, near and far above the cost: F(b) =
  /// 1 − P(overspend), VaR and TVaR 90/95/99 % of the overspend, each within 4 Monte Carlo
  /// SE (a proportion's binomial SE; the quantile's and TVaR's as in ``CompoundGamma/tail``)
  /// plus the reported resolution. A VaR whose budget lies within 4 SE of its quantile is
  /// not compared (the point mass at 0 makes it 0 or positive by chance).
  @Test(arguments: [false, true])
  func compoundAggregatesAtBudgetsFarFromTheCost(negativeBinomial: Bool) throws {
    let mu = 6.0, k = 3.0, cost = 1_000.0, cv = 0.8, n = 40_000
    let exact = negativeBinomial
      ? CompoundGamma.negativeBinomial(mean: mu, dispersion: k, meanCost: cost, cv: cv)
      : CompoundGamma.poisson(lambda: mu, meanCost: cost, cv: cv)
    let budgets = [0.3, 1.0, 1.6, 3.0].map { $0 * mu * cost }
    let noise = negativeBinomial ? "noise: {distribution: negative_binomial, dispersion: \(k)}" : "noise: {distribution: poisson}"
    let yaml = """
      name: Compound
      horizon: {years: 1}
      segments: [{name: area, population: 1}]
      services:
        - {name: visits, category: reactive, stream: health, unit_cost: \(cost), severity: {distribution: gamma, cv: \(cv)}, \(noise)}
      utilisation: {area: {visits: \(mu)}}
      budget:
        proposals: [\(budgets.map { "{name: b\(Int($0)), annual: {health: \($0)}}" }.joined(separator: ", "))]
      """
    let scenario = try #require(loadedScenario(yaml))
    let (_, figures) = try TestScenario.run(scenario, iterations: n, seed: 17)
    for (i, b) in budgets.enumerated() {
      let scope = figures.budgets[i].scopes[0]
      let f = exact.cdf(b)
      #expect(abs((1 - scope.overspendProbability.estimate) - f) < 4 * (f * (1 - f) / Double(n)).squareRoot() + 1e-12, "F(\(b))")
      for (j, q) in RunFigures.riskLevels.enumerated() {
        let v = scope.valueAtRisk[j], t = scope.tailValueAtRisk[j]
        let reference = exact.tail(q, budget: b, iterations: n)
        if reference.valueAtRisk > 4 * reference.varSE {
          #expect(abs(v.value - reference.valueAtRisk) < 4 * reference.varSE + v.resolution, "VaR \(q) at \(b)")
          #expect(abs(t.value - reference.tvar) < 4 * reference.tvarSE + (t.resolution ?? 0), "TVaR \(q) at \(b)")
        } else if reference.valueAtRisk < -4 * reference.varSE {
          #expect(v.value == 0, "VaR \(q) at \(b)")
          let (tvar, se) = Self.tvarAboveQuantile(exact, q: q, budget: b, iterations: n)
          #expect(abs(t.value - tvar) < 4 * se, "TVaR \(q) at \(b)")
        }
        #expect(t.value >= v.value)
      }
    }
    // The cost's own distribution: its VaR is its quantile, its TVaR the mean above it.
    let d = figures.budgets[0].scopes[0].costDistribution
    for (j, q) in RunFigures.riskLevels.enumerated() {
      let reference = exact.tail(q, budget: 0, iterations: n)
      #expect(abs(d.valueAtRisk[j].value - reference.valueAtRisk) < 4 * reference.varSE + d.valueAtRisk[j].resolution)
      #expect(abs(d.tailValueAtRisk[j].value - reference.tvar) < 4 * reference.tvarSE + (d.tailValueAtRisk[j].resolution ?? 0))
    }
  }

  static let placements = """
    name: Small placements pool
    horizon: {years: 1}
    segments: [{name: area, population: 50000}]
    services:
      - {name: placements, category: reactive, stream: social_care, unit_cost: 150000, severity: {distribution: gamma, cv: 0.5}}
    utilisation: {area: {placements: 0.00006}}
    budget: {margins: [0, 0.5]}
    """

  /// The issue's example: compound Poisson(3) × gamma(mean 150,000, cv 0.5), budgets 450,000
  /// (margin 0) and 675,000 (margin 0.5), far below the 99 % cost. The fixed-range histogram
  /// reported VaR95 = VaR99 = the sample maximum here; exact: VaR95 ≈ 535k, VaR99 ≈ 827k.
  @Test func placementsExampleHasTheExactTail() throws {
    let scenario = try #require(loadedScenario(Self.placements))
    let n = 40_000
    let (_, figures) = try TestScenario.run(scenario, iterations: n, seed: 1)
    let exact = CompoundGamma.poisson(lambda: 3, meanCost: 150_000, cv: 0.5)
    #expect(abs(exact.quantile(0.95) - 450_000 - 535_000) < 5_000 && abs(exact.quantile(0.99) - 450_000 - 827_000) < 5_000)
    for budget in figures.budgets {
      let b = 450_000 * (1 + budget.margin!)
      let scope = budget.scopes[0]
      for (k, q) in RunFigures.riskLevels.enumerated() {
        let reference = exact.tail(q, budget: b, iterations: n)
        let v = scope.valueAtRisk[k], t = scope.tailValueAtRisk[k]
        #expect(v.level == q && t.level == q)
        // 4 SE of the sample quantile plus the reported resolution (≤ 2⁻¹¹ of it).
        #expect(abs(v.value - reference.valueAtRisk) < 4 * reference.varSE + v.resolution, "VaR \(q) at \(b)")
        #expect(v.resolution > 0 && v.resolution <= 0x1p-11 * max(v.value, 0x1p-2 * 450_000) * 1.0001)
        #expect(v.lower <= v.value && v.value <= v.upper)
        // 4 SE of the empirical TVaR plus one bucket.
        #expect(abs(t.value - reference.tvar) < 4 * reference.tvarSE + (t.resolution ?? 0), "TVaR \(q) at \(b)")
        #expect(t.value >= v.value, "TVaR ≥ VaR at \(q)")
      }
    }
    // The cost's own standard deviation: √(λ·E[X²]) = √(3 · 150,000² · 1.25); tolerance 4 SE
    // of a sample SD, σ·√((κ − 1)/(4n)) with the kurtosis κ = 3 + E[X⁴]/(λ·E[X²]²) of a
    // compound Poisson sum (E[X⁴] of the gamma: μ⁴·(1 + cv²)(1 + 2cv²)(1 + 3cv²)).
    let sd = (3 * 150_000.0 * 150_000 * 1.25).squareRoot()
    let kurtosis = 3 + (1.25 * 1.5 * 1.75) / (3 * 1.25 * 1.25)
    #expect(abs(figures.budgets[0].scopes[0].costDistribution.standardDeviation - sd) < 4 * sd * ((kurtosis - 1) / (4 * Double(n))).squareRoot())
    // The same figures reach the JSON (every output renders these figures).
    let json = try JSONDecoder().decode(RunFigures.self, from: JSONEncoder().encode(figures))
    #expect(json == figures)
  }
}
