import BudgetRiskNumerics

/// The tornado in money: for each uncertain input, the expected cost of need and
/// P(overspend) at one budget when the input sits at its 10th and at its 90th percentile,
/// sorted by the swing in expected cost (``TornadoStudy``).
///
/// Conditional estimates from one run: "at the 10th percentile" is the mean over the
/// iterations whose input lies between its 5th and 15th percentiles (a tenth of them), and
/// likewise 85th–95th for the 90th. That window average is the documented approximation:
/// where the cost rises (or falls) with the input, it lies between the conditional values at
/// the window's ends (the 5th and 15th percentiles); its Monte Carlo error is the stated
/// standard error (Wilson interval) of a sample of about n/10. The other inputs vary as they
/// do in the run (correlated inputs move with the one held: the swing is of the input and
/// what moves with it).
public struct TornadoFigures: Codable, Sendable, Equatable {
  public var proposal: String
  public var response: String
  /// The total scope (the total, or the only pool).
  public var scope: String
  public var currency: String
  /// Half-width of each percentile window, as a probability (0.05).
  public var window: Double
  /// The whole run's expected cost of need (money, horizon) and P(overspend) at this budget.
  public var expectedCost: Estimate
  public var overspendProbability: Probability
  /// One per factor, largest swing in expected cost first.
  public var factors: [TornadoBar]
}

public struct TornadoBar: Codable, Sendable, Equatable {
  public var factor: String
  public var low: TornadoPoint
  public var high: TornadoPoint
  /// `high − low` expected cost of need (money, horizon).
  public var costSwing: Double
  /// `high − low` P(overspend).
  public var overspendSwing: Double
}

public struct TornadoPoint: Codable, Sendable, Equatable {
  /// 0.1 or 0.9.
  public var percentile: Double
  public var expectedCost: Estimate
  public var overspendProbability: Probability
  public var iterations: UInt64
}
