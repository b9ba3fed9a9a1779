import Foundation

/// How an uncertain factor wanders over the horizon: a process in log space around the
/// level drawn once per iteration (the factor's distribution).
///
/// With `X₀ = 0` and independent standard normal innovations `εₙ` (correlated across
/// factors through the copula, step by step),
///
/// ```
/// random walk:  Xₙ = Xₙ₋₁ + σ·εₙ          Var Xₙ = n·σ²
/// AR(1):        Xₙ = φ·Xₙ₋₁ + σ·εₙ        Var Xₙ = σ²·(1 − φ²ⁿ)/(1 − φ²) → σ²/(1 − φ²)
/// ```
///
/// and in step `n` (period `n`, or budget year `n`) a multiplier factor is `x·exp(Xₙ)`.
/// An inflation factor's rate is realised year by year: the uplift into year `y` is
/// `(1 + x)·exp(X_y)`, so prices compound the realised rates. A growth factor's rate is
/// realised step by step: in step `n` the segment grows at `(1 + x)·exp(Xₙ)` a year (spread
/// evenly over the step's periods), so its people in period `t` are
/// `N₀·(1 + x)^(t/periodsPerYear)·exp(Dₜ)`, `Dₜ = Σᵤ₌₀ᵗ⁻¹ X_{step(u)}/periodsPerYear`: the
/// population path wanders, and a random walk on growth is a population whose trend itself
/// wanders (``addGrowthWeights(beforePeriod:periodsPerYear:into:)``). `Xₙ` is Gaussian and
/// independent of the level, so `E[exp(Xₙ)] = exp(Var Xₙ / 2)` (lognormal): the analytic
/// expected cost is exact with processes (``ExpectedCost``).
public struct FactorProcess: Sendable, Equatable {
  public enum Kind: String, Sendable, CaseIterable {
    case randomWalk = "random_walk"
    case ar1
  }
  /// When an innovation arrives: every period, or at each budget year.
  public enum Step: String, Sendable, CaseIterable {
    case period
    case year
  }
  public var kind: Kind
  public var step: Step
  /// The innovations' standard deviation, in log space.
  public var sigma: Double
  /// The AR(1) persistence φ, |φ| < 1 (1 for a random walk).
  public var phi: Double

  public init(kind: Kind, step: Step, sigma: Double, phi: Double = 1) {
    self.kind = kind; self.step = step; self.sigma = sigma
    self.phi = kind == .randomWalk ? 1 : phi
  }

  /// The step of period `t` (period `t`, or its budget year).
  @inlinable
  public func step(ofPeriod t: Int, periodsPerYear: Int) -> Int {
    step == .period ? t : t / periodsPerYear
  }

  /// Steps over a horizon of `periods` periods.
  public func steps(periods: Int, periodsPerYear: Int) -> Int {
    step == .period ? periods : (periods + periodsPerYear - 1) / periodsPerYear
  }

  /// The weight of innovation `k` (1…n) in `Xₙ`: `σ·φⁿ⁻ᵏ`, added into `weights[k]`.
  public func addWeights(state n: Int, into weights: inout [Double]) {
    guard n >= 1 else { return }
    var w = sigma
    for k in stride(from: n, through: 1, by: -1) {
      weights[k] += w
      w *= phi
    }
  }

  /// The weight of innovation `k` in `X₁ + … + X_y` (the log of the compounded deviations of
  /// a yearly realised rate): `σ·Σⱼ₌ₖʸ φʲ⁻ᵏ`, added into `weights[k]`.
  public func addCumulativeWeights(through y: Int, into weights: inout [Double]) {
    for j in stride(from: 1, through: y, by: 1) { addWeights(state: j, into: &weights) }
  }

  /// The weight of innovation `k` in `Dₜ = Σᵤ₌₀ᵗ⁻¹ X_{step(u)} / periodsPerYear`, the log
  /// deviation of a population in period `t` whose growth rate wanders (each period grows by
  /// `((1 + g)·exp(X_{step(u)}))^(1/periodsPerYear)`), added into `weights[k]`.
  public func addGrowthWeights(beforePeriod t: Int, periodsPerYear: Int, into weights: inout [Double]) {
    let share = 1 / Double(periodsPerYear)
    for u in 0..<t {
      var w = sigma * share
      for k in stride(from: step(ofPeriod: u, periodsPerYear: periodsPerYear), through: 1, by: -1) {
        weights[k] += w
        w *= phi
      }
    }
  }

  /// The standard deviation of `Dₜ` at the horizon's last period (``addGrowthWeights``): the
  /// spread a growth process adds to the cost limits.
  public func growthSpread(periods: Int, periodsPerYear: Int) -> Double {
    var w = [Double](repeating: 0, count: steps(periods: periods, periodsPerYear: periodsPerYear))
    addGrowthWeights(beforePeriod: periods - 1, periodsPerYear: periodsPerYear, into: &w)
    return w.reduce(0) { $0 + $1 * $1 }.squareRoot()
  }

  /// `Var Xₙ = σ²·Σⱼ₌₀ⁿ⁻¹ φ²ʲ`.
  public func variance(atStep n: Int) -> Double {
    var weights = [Double](repeating: 0, count: n + 1)
    addWeights(state: n, into: &weights)
    return weights.reduce(0) { $0 + $1 * $1 }
  }

  /// The standard deviation of the log deviation at the horizon's end: the last state, or
  /// for an inflation rate the sum of its states (the compounded deviation of the last
  /// year's price). The spread the cost limits add (``SimulationPlan``'s limits).
  public func horizonSpread(periods: Int, periodsPerYear: Int, compounded: Bool) -> Double {
    let last = steps(periods: periods, periodsPerYear: periodsPerYear) - 1
    var w = [Double](repeating: 0, count: last + 1)
    if compounded { addCumulativeWeights(through: last, into: &w) } else { addWeights(state: last, into: &w) }
    return w.reduce(0) { $0 + $1 * $1 }.squareRoot()
  }
}

/// What a scenario's factor processes act on: process `q` is the `q`-th factor with a
/// `process:`. The analytic expected cost and the engine read the same lists.
package struct ProcessTargets: Sendable {
  /// The factors with a process, in order: process `q` is factor `factors[q]`.
  package let factors: [Int]
  /// Processes multiplying each segment's rate (`S` lists), and each service's rate and
  /// unit cost, and realising each service's yearly inflation (`V` lists).
  package let segmentRate: [[Int]], serviceRate: [[Int]], unitCost: [[Int]], inflation: [[Int]]
  /// Processes realising each segment's yearly growth rate (`S` lists; ``FactorProcess/addGrowthWeights``).
  package let growth: [[Int]]

  package init(_ scenario: Scenario) {
    factors = scenario.factors.indices.filter { scenario.factors[$0].process != nil }
    var segment = [[Int]](repeating: [], count: scenario.segments.count)
    var service = [[Int]](repeating: [], count: scenario.services.count)
    var cost = service, inflation = service, growth = segment
    for (q, f) in factors.enumerated() {
      switch FactorEffect(scenario.factors[f].role) {
      case .segmentRate(let s): for i in s { segment[i].append(q) }
      case .serviceRate(let v): for i in v { service[i].append(q) }
      case .unitCost(let v): for i in v { cost[i].append(q) }
      case .inflation(let v): for i in v { inflation[i].append(q) }
      case .growth(let s): for i in s { growth[i].append(q) }
      case .population, .interventionEffect, .interventionSpillover: break  // refused by the reader
      }
    }
    segmentRate = segment; serviceRate = service; unitCost = cost; self.inflation = inflation
    self.growth = growth
  }
}
