import BudgetRiskNumerics
import BudgetRiskModel
import BudgetRiskEngine

/// A figure's 95 % interval from R independent RQMC replicates: the mean of the replicate
/// estimates ± `t₀.₉₇₅(R − 1) · s / √R`, with `s` their sample standard deviation.
///
/// Exact coverage needs the replicate estimates to be normal; each is an average over 2ᵏ
/// points, so the interval is asymptotic in 2ᵏ as the binomial one is in n, and its coverage
/// is tested on a closed-form case (`ReplicateCoverageTests`). The Wilson intervals of the
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
  }

  /// The figures of an RQMC run, or `nil` for a plain (or cancelled) one.
  public init?(_ run: SimulationRun) {
    guard let replicates = run.replicates, replicates.evaluationCount == run.evaluations.count, replicates.evaluationCount > 0
    else { return nil }
    let plan = run.plan
    method = Sampling.Method.rqmc.rawValue
    self.replicates = replicates.replicates
    pointsPerReplicate = Int(replicates.paths(replicate: 0))
    pointSet = "Sobol' points (Joe–Kuo direction numbers) over the uncertain factors, nested uniform (Owen) scrambling"
    interval = "95 % Student-t over the \(replicates.replicates) replicate means (\(replicates.replicates - 1) degrees of freedom)"
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
            serviceGapProbability: ReplicateInterval(replicates, .serviceGap, evaluation: e, scope: s))
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
