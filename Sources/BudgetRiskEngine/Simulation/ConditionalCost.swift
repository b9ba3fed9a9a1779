import Foundation
@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskModel

/// The law of a path's cost of need given everything but its counts and severities: the
/// factors, the processes and the shocks. The estimator of `--estimator conditional`
/// (``Sampling/Estimator``).
///
/// Given those, every (period, service) cell is drawn from its own stream, independently of
/// every other, so a scope's cost over the horizon or a budget year is a sum of independent
/// cells whose cumulants add. Per cell, with `c` the mean cost of one event at the year's
/// price, `Y = cost / c` one event's cost in units of `c` (raw moments `1`, `e₂ = 1 + cv²`,
/// `e₃`), and the count `N`'s cumulants `n₁, n₂, n₃`:
///
/// ```
/// κ₁ = n₁·c      κ₂ = c²·(n₁·cv² + n₂)      κ₃ = c³·(n₁·k₃(Y) + 3·n₂·cv² + n₃)
/// ```
///
/// (the compound sum's cumulants; `k₃(Y) = e₃ − 3e₂ + 2`). A Poisson count has
/// `n₁ = n₂ = n₃ = λ`, so `κ₂ = λc²(1 + cv²)`. A negative-binomial cell is drawn with the
/// dispersion `k·λ/Λ` of its budget year (``TileWorkspace/yearDispersion(_:mean:yearMean:)``):
/// `n₂ = λ(1 + Λ/k)`, `n₃ = λ(1 + 3Λ/k + 2Λ²/k²)`. Under `mixing: year` the year's gamma
/// rate G (drawn before the cells) is conditioned on like the factors: the cell is Poisson(λG).
/// A per-person cell is a sum of `people`
/// independent costs at a known level: `κⱼ = people·(level·price·a)ʲ·kⱼ(Y)` with `a` the
/// person's period mean. Programme costs are known given the factors (`κ₁` only).
///
/// Severity `e₃`: fixed 1, gamma `(1 + cv²)(1 + 2cv²)`, normal `1 + 3cv²`, lognormal
/// `(1 + cv²)³`. A lognormal cell above the exact-sum threshold is drawn from the gamma of the
/// same mean and variance, whose third cumulant is smaller: the lognormal's is used, so the
/// stated bias (below) can only be overstated there.
///
/// The figures (``ConditionalAccumulator``): P(cost > budget | path) is taken as
/// `Φ((κ₁ − B)/√κ₂)`; its error is led by the first Edgeworth term
/// `φ(z)·γ/6·(z² − 1)` (`z = (B − κ₁)/√κ₂`, `γ = κ₃/κ₂^{3/2}`, remainder O(1/n) in the
/// events), whose size is the run's stated bias. Cells are rounded to the money grid
/// (2⁻⁸): a shift of at most `cells·2⁻⁹` that adds `φ(0)·cells·2⁻⁹/√κ₂` to the bias.
/// The drift's conditional mean is `κ₁/B − 1` exactly (the drift is linear in the cost).
package final class ConditionalCost {
  let plan: SimulationPlan
  /// Per row, scope and budget year: κ₁, κ₂, κ₃ (and the cells summed, for the rounding
  /// term), `rows × S × Y × 4`. Scratch per service and year, `V × Y × 3`.
  private let moments: Buffer<Double>
  private let service: Buffer<Double>
  /// Per scope and service: whether the service's pool is in the scope.
  private let inScope: [Bool]

  package init(plan: SimulationPlan) {
    self.plan = plan
    let S = plan.scopes.count, Y = plan.years, V = plan.serviceCount
    moments = Buffer(TileWorkspace.rows * S * Y * 4)
    service = Buffer(V * Y * 3)
    inScope = plan.scopes.flatMap { scope in (0..<V).map { scope.pools.contains(plan.poolOfService[$0]) } }
  }

  /// The cumulants of row `r`'s scope `s` cost in budget year `y` (after ``fill(row:from:)``).
  @inline(__always)
  package func cumulants(row r: Int, scope s: Int, year y: Int) -> (mean: Double, variance: Double, third: Double, cells: Double) {
    let i = ((r * plan.scopes.count + s) * plan.years + y) * 4
    return (moments[i], moments[i + 1], moments[i + 2], moments[i + 3])
  }

  /// The third raw moment of one cost in units of its mean (see the type's note).
  @inline(__always)
  static func thirdMoment(_ severity: Severity) -> (cv2: Double, e3: Double) {
    switch severity {
    case .fixed: return (0, 1)
    case .gamma(let cv): let v = cv * cv; return (v, (1 + v) * (1 + 2 * v))
    case .normal(let cv): let v = cv * cv; return (v, 1 + 3 * v)
    case .lognormal(let cv): let v = cv * cv; return (v, (1 + v) * (1 + v) * (1 + v))
    }
  }

  /// Forms row `r`'s cumulants from the workspace's tile (after `simulate`).
  package func fill(row r: Int, from w: TileWorkspace) {
    let T = plan.periods, S = plan.segmentCount, V = plan.serviceCount, Y = plan.years, ppy = plan.periodsPerYear
    service.zero()
    for t in 0..<T {
      let cell = (r * T + t) * V, y = t / ppy
      for v in 0..<V {
        let price = w.price[(r * V + v) * Y + y]
        var k1 = 0.0, k2 = 0.0, k3 = 0.0
        switch plan.serviceCosts[v] {
        case .events(let unitCost, let severity, let noise):
          // λ as `simulateCells` formed it.
          let lambda = w.deliveredRates[cell + v]
          guard lambda > 0 else { break }
          // Under `mixing: year` the year's gamma rate G is drawn before the cells: it is part
          // of what the figure is conditioned on, and the cell is Poisson(λ·G) (`yearMixed`).
          let mixed = w.yearMixed(noise, mean: lambda, row: r, service: v, year: y)
          let mean = mixed.mean
          let c = unitCost * price, (cv2, e3) = Self.thirdMoment(severity)
          var n2 = mean, n3 = mean
          if case .negativeBinomial(let k) = mixed.noise {
            let ratio = w.yearEvents[(r * V + v) * Y + y] / k  // Λ/k
            n2 = mean * (1 + ratio); n3 = mean * (1 + 3 * ratio + 2 * ratio * ratio)
          }
          k1 = mean * c
          k2 = c * c * (mean * cv2 + n2)
          k3 = c * c * c * (mean * (e3 - 3 * (1 + cv2) + 2) + 3 * n2 * cv2 + n3)
        case .perPerson(let segments, let annualMean, let severity):
          var people = 0.0
          for s in segments { people += w.population[(r * T + t) * S + s] }
          let level = w.deliveredRates[cell + v]  // as `simulateCells` formed it
          // The period's law, as ``CellCost/perPerson`` draws it (lognormal: whole people).
          let period = CellCost.periodSeverity(severity, periodsPerYear: ppy)
          let (cv2, e3) = Self.thirdMoment(period)
          if case .lognormal = period { people = people.rounded() }
          let a = level * price * annualMean / Double(ppy)
          guard people > 0, a > 0 else { break }
          k1 = people * a
          k2 = people * a * a * cv2
          k3 = people * a * a * a * (e3 - 3 * (1 + cv2) + 2)
        }
        let j = (v * Y + y) * 3
        service[j] += k1; service[j + 1] += k2; service[j + 2] += k3
      }
    }
    for (k, charged) in plan.programmeService.enumerated() {
      guard let v = charged else { continue }
      for t in 0..<T { service[(v * Y + t / ppy) * 3] += w.programmeCost(row: r, intervention: k, period: t) }
    }
    for s in plan.scopes.indices {
      for y in 0..<Y {
        var k1 = 0.0, k2 = 0.0, k3 = 0.0, cells = 0.0
        for v in 0..<V where inScope[s * V + v] {
          let j = (v * Y + y) * 3
          k1 += service[j]; k2 += service[j + 1]; k3 += service[j + 2]; cells += Double(ppy)
        }
        let i = ((r * plan.scopes.count + s) * Y + y) * 4
        moments[i] = k1; moments[i + 1] = k2; moments[i + 2] = k3; moments[i + 3] = cells
      }
    }
  }

  /// P(cost > budget) for a cost of the given cumulants, normal, and the size of its error's
  /// leading terms (the first Edgeworth term and the money grid's rounding).
  ///
  /// Beyond |z| = 8.5 the probability is not evaluated: above, Φ(−z) < Φ(−8.5) = 9.5·10⁻¹⁸
  /// is returned as 0; below −8.5 `erfc` gives exactly 1 anyway. The 0 changes no figure:
  /// the accumulators' exact sums count in units of 2⁻⁴⁰ (a value below 2⁻⁴¹ adds nothing)
  /// and 1 − p is 1 for p ≤ 2⁻⁵⁴ (`tailShortcutChangesNoRecordedFigure` checks both at every
  /// z). A conditional run has many such (scope, year) pairs, and `erfc` in its tails costs
  /// more than the rest of this function.
  @inline(__always)
  package static func overspend(mean: Double, variance: Double, third: Double, cells: Double, budget: Double)
    -> (probability: Double, bias: Double)
  {
    // Amounts beyond a Double's range: the indicator of the mean, with the largest bias (the
    // run refuses such values elsewhere; nothing here may trap or pass on a NaN).
    guard mean.isFinite, variance.isFinite, third.isFinite else { return (mean > budget ? 1 : 0, 1) }
    guard variance > 0 else { return (mean > budget ? 1 : 0, 0) }
    let sd = variance.squareRoot(), z = (budget - mean) / sd
    // Past |z| = 40 the density is below 1e-347: the Edgeworth term is 0 (and z² may overflow).
    var edgeworth = 0.0
    if abs(z) < 40 {
      let gamma = third / (variance * sd)
      edgeworth = exp(-0.5 * z * z) * 0.398_942_280_401_432_7 * abs(gamma) / 6 * abs(z * z - 1)
    }
    let bias = edgeworth + 0.398_942_280_401_432_7 * cells * MoneyGrid.quantum / 2 / sd
    let probability = z >= Self.certainTail ? 0 : z <= -Self.certainTail ? 1 : StandardNormal.cdf(-z)
    return (probability, bias.isFinite ? min(1, bias) : 1)
  }

  /// The |z| beyond which ``overspend(mean:variance:third:cells:budget:)`` takes P(overspend) as 0 or 1.
  @inline(__always) package static var certainTail: Double { 8.5 }
}
