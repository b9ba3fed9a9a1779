import Foundation

/// The lognormal factor that factor processes (``FactorProcess``) put on a cell's expected cost.
///
/// A cell's cost is its factor levels' functions times `exp(L)`, where `L` sums the log
/// deviations of the processes acting on it: each rate or unit-cost process's state `Xₙ`
/// at the cell's step, each inflation process's `X₁ + … + X_y` (the realised rates
/// compounded into year `y`), and each growth process's `Dₜ` on the people the cell counts
/// (``FactorProcess/addGrowthWeights(beforePeriod:periodsPerYear:into:)``). `L` is a linear
/// combination of the innovations, `L = Σ_q Σ_k w_q(k)·ε_{q,k}`, with `Corr(ε_{q,k}, ε_{q′,k}) = ρ_{qq′}` (the copula's normal
/// correlation) for processes of one step kind and independence otherwise, and the
/// innovations are independent of the levels. So, exactly,
///
/// ```
/// E[levels' product · exp(L)] = E[levels' product] · exp(Var L / 2),
/// Var L = Σ_{q,q′ same step} ρ_{qq′} Σ_k w_q(k)·w_{q′}(k).
/// ```
struct ProcessMoments {
  private let processes: [FactorProcess]
  /// The copula's normal correlation between processes `q` and `q′`, `Q × Q`.
  private let rho: [Double]
  private let periodsPerYear: Int
  /// Process indices acting on each segment's rate, each service's rate and unit cost, and
  /// each service's inflation.
  private let segmentRate: [[Int]], serviceRate: [[Int]], unitCost: [[Int]], inflation: [[Int]]
  /// Process indices realising each segment's growth.
  private let growth: [[Int]]

  var isEmpty: Bool { processes.isEmpty }

  init(_ scenario: Scenario, correlation: [Double]) {
    let F = scenario.factors.count
    let targets = ProcessTargets(scenario)
    let indices = targets.factors
    processes = scenario.factors.compactMap(\.process)
    rho = indices.flatMap { i in indices.map { j in correlation[i * F + j] } }
    periodsPerYear = scenario.horizon.periodsPerYear
    segmentRate = targets.segmentRate; serviceRate = targets.serviceRate
    unitCost = targets.unitCost; inflation = targets.inflation
    growth = targets.growth
  }

  /// `E[exp(Dₜ)]` for segment `s`'s people in period `t` (growth processes alone).
  func populationFactor(segment s: Int, period t: Int) -> Double {
    guard !growth[s].isEmpty else { return 1 }
    return factor(segment: nil, people: s, service: nil, period: t, rates: false)
  }

  /// `E[exp(L)]` for service `v` in period `t`: with the rate processes of segment `s` (nil:
  /// none, a per-person service) and of the service when `rates` (false: the price alone,
  /// a programme's cost), and the growth processes of the segment whose people the cell
  /// counts (`people`, default `s`).
  func factor(segment s: Int?, people: Int? = nil, service v: Int?, period t: Int, rates: Bool = true) -> Double {
    guard !processes.isEmpty else { return 1 }
    let year = t / periodsPerYear
    // Per process, in a fixed order (the sum below must not depend on hashing).
    var weights = [[Double]?](repeating: nil, count: processes.count)
    func add(_ q: Int, _ fill: (FactorProcess, inout [Double]) -> Void) {
      var w = weights[q] ?? [Double](repeating: 0, count: processes[q].step == .period ? t + 1 : year + 1)
      fill(processes[q], &w)
      weights[q] = w
    }
    if rates {
      for q in (v.map { serviceRate[$0] } ?? []) + (s.map { segmentRate[$0] } ?? []) {
        add(q) { p, w in p.addWeights(state: p.step(ofPeriod: t, periodsPerYear: periodsPerYear), into: &w) }
      }
    }
    if let v {
      for q in unitCost[v] { add(q) { p, w in p.addWeights(state: year, into: &w) } }
      for q in inflation[v] { add(q) { p, w in p.addCumulativeWeights(through: year, into: &w) } }
    }
    if let g = people ?? s {
      for q in growth[g] { add(q) { p, w in p.addGrowthWeights(beforePeriod: t, periodsPerYear: periodsPerYear, into: &w) } }
    }
    let Q = processes.count
    var variance = 0.0
    for q in 0..<Q {
      guard let a = weights[q] else { continue }
      for r in 0..<Q where processes[q].step == processes[r].step {
        guard let b = weights[r] else { continue }
        var dot = 0.0
        for k in 0..<min(a.count, b.count) { dot += a[k] * b[k] }
        variance += rho[q * Q + r] * dot
      }
    }
    return exp(variance / 2)
  }
}
