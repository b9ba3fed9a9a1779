import BudgetRiskNumerics
import BudgetRiskEngine

/// The risk share's figures for one scope, money over the horizon (summed over its pools
/// and budget years). Present only when the scenario has a `risk_share`.
public struct RiskShareFigures: Codable, Sendable, Equatable {
  /// Σ year-end spend − committed budget: what the risk share splits.
  public var yearEndVariance: Estimate
  /// The provider's loss (negative: gain).
  public var providerResult: Estimate
  /// The funder's extra payment (negative: its share of an underspend).
  public var funderResult: Estimate
  /// P(provider loss > threshold) for each stated threshold, 95 % Wilson.
  public var providerLossProbabilities: [ThresholdProbability]
  /// Quantiles of the provider's loss at 90/95/99 %, and the mean at or above them.
  public var providerLossValueAtRisk: [QuantileFigure]
  public var providerLossTailValueAtRisk: [LevelValue]
  /// The same for the funder's extra payment.
  public var funderExtraValueAtRisk: [QuantileFigure]
  public var funderExtraTailValueAtRisk: [LevelValue]
}

public struct ThresholdProbability: Codable, Sendable, Equatable {
  public var threshold: Double
  public var probability: Probability
}

/// The funder's rebasing for one scope. Present only when the scenario has `rebase_fraction`.
public struct RebasingFigures: Codable, Sendable, Equatable {
  /// P(at least one rebasing over the horizon).
  public var probability: Probability
  /// Rebasings per iteration.
  public var expectedCount: Estimate
  /// Mean |amount| of one rebasing, money; nil when none happened. Its standard error
  /// treats rebasings as independent (those of one iteration are not), so it is a guide.
  public var meanSize: Estimate?
  /// Net money rebased per iteration (negative: budget taken back).
  public var expectedTotal: Estimate
}

extension RiskShareFigures {
  package init(_ a: RiskShareAccumulator, reference: Double) {
    // Means from the exact money totals (one rounding, so they add up to within an ulp);
    // standard errors from the relative accumulators.
    func estimate(_ total: ExactSum, _ m: MeanAccumulator) -> Estimate {
      Estimate(mean: total.value / Double(m.count), standardError: m.standardError * reference)
    }
    yearEndVariance = estimate(a.varianceTotal, a.variance)
    providerResult = estimate(a.providerTotal, a.provider)
    funderResult = estimate(a.funderTotal, a.funder)
    providerLossProbabilities = zip(a.thresholds, a.lossExceeds).map {
      ThresholdProbability(threshold: $0, probability: Probability($1))
    }
    func risk(_ h: LogLinearQuantiles) -> ([QuantileFigure], [LevelValue]) {
      (RunFigures.riskLevels.map { QuantileFigure(h, level: $0, scale: reference) },
       RunFigures.riskLevels.map { LevelValue(h, level: $0, scale: reference) })
    }
    (providerLossValueAtRisk, providerLossTailValueAtRisk) = risk(a.providerDistribution)
    (funderExtraValueAtRisk, funderExtraTailValueAtRisk) = risk(a.funderDistribution)
  }
}

extension RebasingFigures {
  package init(_ a: RebasingAccumulator, reference: Double) {
    probability = Probability(a.any)
    expectedCount = Estimate(a.count)
    meanSize = a.size.count > 0 ? Estimate(a.size, scale: reference) : nil
    expectedTotal = Estimate(a.net, scale: reference)
  }
}
