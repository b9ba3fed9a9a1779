import BudgetRiskEngine

/// The figures of `budget-risk margin`: per scope and provider response, the smallest
/// continuous contingency margin meeting the targets, with its 95 % interval, in percent and
/// in money per year. The JSON layout is this type's Codable form (documented in
/// `docs/output-format.md`).
public struct MarginFigures: Codable, Sendable, Equatable {
  public var scenario: String
  public var currency: String
  public var seed: UInt64
  public var firstIteration: Int
  public var periods: Int
  public var budgetYears: Int
  /// α: the margin must give P(overspend) ≤ α.
  public var overspendTarget: Double
  /// β: if set, the margin must also give P(service gap) ≤ β.
  public var serviceGapTarget: Double?
  /// g in the service gap U > g.
  public var serviceGapThreshold: Double
  /// The requested 95 % half-width of the margin (`--precision`), if any.
  public var precision: Double?
  /// The iteration cap of a precision run.
  public var maxIterations: Int?
  /// The largest margin the solver considers: a result without a margin means none up to
  /// this one meets the targets.
  public var largestMarginSearched: Double
  public var results: [MarginResult]
  /// What α bounds (`budget.overspend_rule`): `horizon`, `every_year` (P(any budget year
  /// overspends)) or `worst_year` (the largest P(overspend) of a budget year).
  public var overspendRule: String? = nil
  /// Under `--sampling rqmc`: how the factors were sampled and how the intervals were made;
  /// absent under plain Monte Carlo.
  public var sampling: MarginSampling? = nil
}

/// The `sampling` section of the margin JSON under `--sampling rqmc`.
public struct MarginSampling: Codable, Sendable, Equatable {
  public var method: String
  public var replicates: Int
  public var interval: String

  /// `nil` under plain Monte Carlo.
  public init?(_ sampling: Sampling) {
    guard sampling.method == .rqmc else { return nil }
    method = sampling.method.rawValue
    replicates = sampling.replicates
    interval =
      "the margins where the 95 % Student-t bounds over the \(replicates) replicates' estimates of P(overspend | m) (and of each gap target's probability) fall to the target (test inversion)"
  }
}

/// The solved margin for one scope under one provider response.
public struct MarginResult: Codable, Sendable, Equatable {
  public var scope: String
  public var response: String
  /// `order-statistic` (absorb: the (1 − α) quantile of cost / base − 1) or
  /// `test-inversion` (a search over margins on common random numbers).
  public var method: String
  /// Iterations the figures rest on.
  public var iterations: UInt64
  /// The smallest margin meeting the targets; nil when none up to the searched maximum does.
  public var margin: Double?
  /// The 95 % interval of the margin.
  public var lower: Double?
  public var upper: Double?
  /// Half the interval's width: the figure `--precision` bounds.
  public var halfWidth: Double?
  /// Which target sets the margin: `overspend` or `service gap`.
  public var binding: String?
  /// The margin's numerical resolution: the width of the histogram's bucket at the margin (order statistic) or the
  /// final search bracket (test inversion); far below the Monte Carlo error.
  public var resolution: Double
  /// The scope's base budget per year (at expected population under capitation).
  public var annualBaseBudget: Double
  /// Base budget per year × margin, with the interval's ends.
  public var annualContingency: MoneyInterval?
  /// The same split by pool (the margin applies to every pool of the scope).
  public var pools: [PoolContingency]
  /// P(overspend) and P(service gap) at the solved margin.
  public var overspendProbability: Probability?
  public var serviceGapProbability: Probability?
  /// Whether `--precision` was met (nil without `--precision`).
  public var precisionReached: Bool?
  /// Caveats: a bound outside the searched range, a censored quantile, …
  public var notes: [String]
  /// P(overspend) (and P(service gap)) against the margin near the solution, for the chart.
  public var curve: [MarginCurvePoint]
  /// The per-category service-gap targets (`budget.service_gap_targets`), each with its
  /// P(service gap) at the solved margin (nil under the order statistic: nothing is unmet).
  public var categoryGapTargets: [CategoryGapTarget]? = nil
  /// The scope's pools with their own service-gap target (`pool_rules`), each with its
  /// P(service gap) at the solved margin (nil for a pool that absorbs: nothing is unmet).
  public var poolGapTargets: [PoolGapTarget]? = nil
  /// Under `--sampling rqmc`: P(overspend) and P(service gap) at the solved margin with
  /// their 95 % Student-t intervals over the replicates (the Wilson intervals above are of
  /// the pooled count and overstate the error under RQMC); absent under plain Monte Carlo.
  public var overspendInterval: ReplicateInterval? = nil
  public var serviceGapInterval: ReplicateInterval? = nil
}

public struct MoneyInterval: Codable, Sendable, Equatable {
  public var value: Double
  public var lower: Double
  public var upper: Double
}

public struct PoolContingency: Codable, Sendable, Equatable {
  public var pool: String
  public var annualBaseBudget: Double
  public var annualContingency: MoneyInterval?
}

public struct MarginCurvePoint: Codable, Sendable, Equatable {
  public var margin: Double
  public var overspendProbability: Probability
  public var serviceGapProbability: Probability?
}
