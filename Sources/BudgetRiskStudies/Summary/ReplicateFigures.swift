import BudgetRiskNumerics
import BudgetRiskModel
import BudgetRiskEngine

/// A figure's 95 % interval from R independent RQMC replicates: the mean of the replicate
/// estimates ± `t₀.₉₇₅(R − 1) · s / √R`, with `s` their sample standard deviation.
///
/// Exact coverage needs the replicate estimates to be normal; each is an average over n
/// points (n on the ``PointGrid``), so the interval is asymptotic in n as the binomial one is,
/// and its coverage is tested on a closed-form case (`ReplicateCoverageTests`, at n = 64 and
/// at the quarter-step n = 96). The Wilson intervals of the
/// pooled figures stay in the output and usually overstate the error under RQMC.
public struct ReplicateInterval: Codable, Sendable, Equatable {
  public var estimate: Double
  public var lower: Double
  public var upper: Double
  public var halfWidth: Double

  /// The interval of `values` (one per replicate), or `nil` for fewer than two or any
  /// non-finite value (no NaN reaches an output).
  public init?(values: [Double]) {
    let R = values.count
    guard R >= 2, R - 1 <= StudentTCriticalValue.maximumDegreesOfFreedom, values.allSatisfy(\.isFinite) else { return nil }
    let mean = values.reduce(0, +) / Double(R)
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(R - 1)
    let h = StudentTCriticalValue.t95(degreesOfFreedom: R - 1) * (variance / Double(R)).squareRoot()
    estimate = mean; lower = mean - h; upper = mean + h; halfWidth = h
  }

  /// The interval of `figure` for evaluation `e`, scope `s` of a run's replicates.
  package init?(_ replicates: ReplicateAccumulator, _ figure: ReplicateAccumulator.Figure, evaluation e: Int, scope s: Int) {
    self.init(values: (0..<replicates.replicates).map { replicates.estimate(figure, replicate: $0, evaluation: e, scope: s) })
  }
}

/// The `sampling` section of the JSON under `--sampling rqmc`: how the factors were sampled
/// and the replicate intervals of the headline figures of every proposed budget × response
/// and scope. Absent under plain Monte Carlo.
public struct ReplicateFigures: Codable, Sendable, Equatable {
  public var method: String
  public var replicates: Int
  public var pointsPerReplicate: Int
  public var pointSet: String
  public var interval: String
  /// `conditional` under `--estimator conditional` (absent otherwise), and what it covers.
  public var estimator: String?
  public var estimatorNote: String?
  public var budgets: [Budget]

  public struct Budget: Codable, Sendable, Equatable {
    public var proposal: String
    public var margin: Double?
    public var response: String
    public var scopes: [Scope]
  }

  /// Intervals of one scope; a figure is absent (`null`) where a replicate's value is undefined.
  public struct Scope: Codable, Sendable, Equatable {
    public var scope: String
    /// P(overspend) as the scenario's overspend rule judges it.
    public var overspendProbability: ReplicateInterval?
    public var drift: ReplicateInterval?
    public var serviceGapProbability: ReplicateInterval?
    /// Under `--estimator conditional`, for an absorb budget it covers: the conditional Monte
    /// Carlo figures (``ConditionalFigures``); absent otherwise.
    public var conditional: ConditionalFigures?
  }

  /// The conditional Monte Carlo figures of one absorb budget and scope
  /// (``ConditionalAccumulator``): P(overspend) as the overspend rule judges it, and the mean
  /// drift, each with its replicates' t interval; the stated bias of the probability (the
  /// replicates' mean of the normal approximation's leading error term, see
  /// ``ConditionalCost``), and `flagged` where that bias exceeds ``ConditionalFigures/biasShare``
  /// of the interval's half-width: the interval may then cover less than stated.
  public struct ConditionalFigures: Codable, Sendable, Equatable {
    public var overspendProbability: ReplicateInterval?
    /// P(overspend) in each budget year (the year's cost against the year's budget).
    public var overspendProbabilityByYear: [ReplicateInterval?]
    public var drift: ReplicateInterval?
    public var overspendBias: Double?
    public var flagged: Bool

    /// A bias of a fifth of the half-width moves a 95 % interval's coverage to at least 93 %.
    public static let biasShare = 0.2

    package init?(_ conditional: ConditionalAccumulator, _ figure: ReplicateAccumulator.Figure, evaluation e: Int, scope s: Int) {
      guard conditional.covered[e] else { return nil }
      let R = conditional.replicates
      let p = (0..<R).map { conditional.estimate(figure, replicate: $0, evaluation: e, scope: s) }
      let d = (0..<R).map { conditional.estimate(.meanDrift, replicate: $0, evaluation: e, scope: s) }
      let values = p.compactMap { $0 }, drifts = d.compactMap { $0 }
      let interval = values.count == R ? ReplicateInterval(values: values.map(\.value)) : nil
      let bias = values.count == R ? values.reduce(0.0) { $0 + $1.bias } / Double(R) : nil
      overspendProbability = interval
      drift = drifts.count == R ? ReplicateInterval(values: drifts.map(\.value)) : nil
      overspendBias = bias
      overspendProbabilityByYear = (0..<conditional.years).map { y in
        let year = (0..<R).compactMap { conditional.estimate(.overspendInYear(y), replicate: $0, evaluation: e, scope: s) }
        return year.count == R ? ReplicateInterval(values: year.map(\.value)) : nil
      }
      if let bias, let interval { flagged = bias > Self.biasShare * interval.halfWidth } else { flagged = true }
    }
  }

  /// The figures of an RQMC run, or `nil` for a plain (or cancelled) one.
  public init?(_ run: SimulationRun) {
    guard let replicates = run.replicates, replicates.evaluationCount == run.evaluations.count, replicates.evaluationCount > 0
    else { return nil }
    let plan = run.plan
    method = Sampling.Method.rqmc.rawValue
    self.replicates = replicates.replicates
    pointsPerReplicate = Int(replicates.paths(replicate: 0))
    let gaps = FactorPoints(Sampling.rqmc(replicates: replicates.replicates), factors: plan.factors.count, shocks: plan.shocks.count)?.shockGaps ?? 0
    pointSet = "Sobol' points (Joe–Kuo direction numbers) over the uncertain factors"
      + (gaps > 0 ? " and the first \(gaps) starts of each shock" : "") + ", nested uniform (Owen) scrambling"
    interval = "95 % Student-t over the \(replicates.replicates) replicate means (\(replicates.replicates - 1) degrees of freedom)"
    if let conditional = run.conditional, conditional.evaluationCount == run.evaluations.count {
      estimator = Sampling.Estimator.conditional.rawValue
      estimatorNote = "conditional Monte Carlo under absorb: each path's P(overspend) given its factors, processes and "
        + "shocks (normal, with the cells' exact conditional mean and variance) and its expected drift; the bias is the "
        + "normal approximation's leading Edgeworth term plus money-grid rounding, averaged over paths; flagged where it "
        + "exceeds \(ConditionalFigures.biasShare) of the half-width. Ration figures and P(service gap) keep the indicator"
    }
    budgets = run.evaluations.enumerated().map { e, evaluation in
      Budget(
        proposal: evaluation.budget.label, margin: evaluation.budget.margin, response: evaluation.response.rawValue,
        scopes: plan.scopes.enumerated().map { s, scope in
          Scope(
            scope: scope.name,
            overspendProbability: ReplicateInterval(
              replicates, Self.overspendFigure(plan.budget.overspendRule, scope: run.accumulator.evaluations[e].scopes[s]),
              evaluation: e, scope: s),
            drift: ReplicateInterval(replicates, .meanDrift, evaluation: e, scope: s),
            serviceGapProbability: ReplicateInterval(replicates, .serviceGap, evaluation: e, scope: s),
            conditional: run.conditional.flatMap { c in
              c.evaluationCount == run.evaluations.count ? ConditionalFigures(
                c, Self.overspendFigure(plan.budget.overspendRule, scope: run.accumulator.evaluations[e].scopes[s]),
                evaluation: e, scope: s) : nil
            })
        })
    }
  }

  /// The replicate figure that `rule` judges α against; under `worst_year` the year is the
  /// pooled run's worst (``ScopeAccumulator/overspent(by:)``), the same year in every replicate.
  package static func overspendFigure(_ rule: OverspendRule, scope: ScopeAccumulator) -> ReplicateAccumulator.Figure {
    switch rule {
    case .horizon: return .overspendHorizon
    case .everyYear: return .overspendAnyYear
    case .worstYear:
      var worst: Int?
      for (y, c) in scope.overspentByYear.enumerated() where worst.map({ c.successes > scope.overspentByYear[$0].successes }) ?? true {
        worst = y
      }
      return worst.map { .overspendInYear($0) } ?? .overspendHorizon
    }
  }
}
