import BudgetRiskNumerics
import BudgetRiskModel
import BudgetRiskEngine

/// Every reported figure of a run, in money or fractions, ready for the table, JSON and CSV.
///
/// Probabilities carry a 95 % Wilson interval, means their Monte Carlo standard error and
/// quantiles a 95 % order-statistic interval. The JSON layout is this type's Codable form
/// (documented in `docs/output-format.md`).
public struct RunFigures: Codable, Sendable, Equatable {
  public var scenario: String
  public var currency: String
  public var iterations: UInt64
  public var seed: UInt64
  public var firstIteration: Int
  public var periods: Int
  public var periodLength: String
  public var budgetYears: Int
  /// The analytic expected cost of need per scope (the `expected` base before any margin).
  public var expectedCost: [ExpectedCostFigure]
  public var budgets: [BudgetFigures]
  public var recommendations: [Recommendation]
  /// P(cost of need over the horizon > level), per response and scope (the exceedance curve).
  public var costExceedance: [CostExceedance]
  /// Drivers of the overspend tail per proposed budget × response, on the total scope.
  public var drivers: [DriversFigure]
  /// Expected events per service and per scope × category, by budget year, at full delivery.
  public var activity: ActivityFigures
  /// Under `--sampling rqmc`: the replicate intervals of the headline figures; absent under
  /// plain Monte Carlo.
  public var sampling: ReplicateFigures?
}

public struct ExpectedCostFigure: Codable, Sendable, Equatable {
  public var scope: String
  public var byYear: [Double]
  public var horizon: Double
  /// The scope's base budget over the horizon at expected population.
  public var baseBudget: Double
}

public struct Probability: Codable, Sendable, Equatable {
  public var estimate: Double
  public var lower: Double
  public var upper: Double
}

/// A mean and its standard error. Either can be undefined (no value to average, one value
/// for a standard error, ranks all tied): it is then NaN here, `null` in JSON with the reason
/// in `undefined`, empty in CSV and "undefined" or "–" in tables. No NaN reaches an output.
public struct Estimate: Codable, Sendable, Equatable {
  public var mean: Double
  public var standardError: Double
  /// Why `mean` or `standardError` is undefined; nil when both are finite.
  public var undefined: String?

  public init(mean: Double, standardError: Double, undefined: String? = nil) {
    self.mean = mean
    self.standardError = standardError
    self.undefined = undefined
    if self.undefined == nil && !(mean.isFinite && standardError.isFinite) {
      self.undefined = mean.isFinite ? "no standard error (fewer than two values)" : "no value"
    }
  }

  enum CodingKeys: String, CodingKey { case mean, standardError, undefined }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    mean = try c.decodeIfPresent(Double.self, forKey: .mean) ?? .nan
    standardError = try c.decodeIfPresent(Double.self, forKey: .standardError) ?? .nan
    undefined = try c.decodeIfPresent(String.self, forKey: .undefined)
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(mean.isFinite ? mean : nil, forKey: .mean)
    try c.encode(standardError.isFinite ? standardError : nil, forKey: .standardError)
    try c.encodeIfPresent(undefined, forKey: .undefined)
  }

  public static func == (a: Estimate, b: Estimate) -> Bool {
    a.mean.bitPattern == b.mean.bitPattern && a.standardError.bitPattern == b.standardError.bitPattern
      && a.undefined == b.undefined
  }
}

/// A quantile with its 95 % order-statistic interval (widened by the summary's resolution
/// at each end) and `resolution`, the most the value can be off the exact sample quantile
/// because of the summary's buckets (``LogLinearQuantiles``).
public struct QuantileFigure: Codable, Sendable, Equatable {
  public var level: Double
  public var value: Double
  public var lower: Double
  public var upper: Double
  public var resolution: Double
}

public struct LevelValue: Codable, Sendable, Equatable {
  public var level: Double
  public var value: Double
  /// For a tail mean read from a summary, the most its buckets can move it (one bucket at
  /// the VaR); nil where there is no summary error.
  public var resolution: Double? = nil
}

public struct BudgetFigures: Codable, Sendable, Equatable {
  public var proposal: String
  /// The contingency margin, for margin proposals.
  public var margin: Double?
  public var response: String
  public var scopes: [ScopeFigures]
  public var services: [ServiceGapFigure]
}

public struct ScopeFigures: Codable, Sendable, Equatable {
  public var scope: String
  /// Mean budget over the horizon (varies by iteration only under capitation).
  public var budget: Estimate
  public var costOfNeed: Estimate
  /// The cost of need's distribution over the horizon (its own VaR and TVaR, not the
  /// overspend's), money.
  public var costDistribution: CostDistribution
  /// The same per budget year.
  public var costDistributionByYear: [CostDistribution]
  public var overspendProbability: Probability
  public var overspendProbabilityByYear: [Probability]
  /// (cost of need − budget) / budget over the horizon.
  public var drift: Estimate
  public var driftQuantiles: [QuantileFigure]
  /// E[(cost − budget)+], money.
  public var expectedOverspend: Estimate
  /// Quantiles of the overspend amount (0 where no overspend), money.
  public var valueAtRisk: [QuantileFigure]
  /// Mean overspend amount at or above the VaR, money.
  public var tailValueAtRisk: [LevelValue]
  /// Quantiles of cumulative drift at the end of every period (the fan chart).
  public var driftPath: [PeriodQuantiles]
  public var serviceGap: ServiceGapSummary
  public var instability: Instability
  /// Budgets balance every year: per budget year its budget, P(overspend), the overspend's
  /// mean, VaR and TVaR, and the service gap.
  public var years: [YearFigures]
  /// P(at least one budget year overspends).
  public var anyYearOverspends: Probability
  /// P(overspend in `k` or more budget years), `k = 1 … years` (the first is `anyYearOverspends`).
  public var overspendYears: [YearCountProbability]
  /// Present only when the scenario has a `risk_share` (`RunFigures+Arrangements.swift`).
  public var riskShare: RiskShareFigures?
  /// Present only when the scenario has `rebase_fraction`.
  public var rebasing: RebasingFigures?
}

/// One budget year of one scope under one budget, money of that year.
public struct YearFigures: Codable, Sendable, Equatable {
  /// 1-based.
  public var year: Int
  public var budget: Estimate
  public var overspendProbability: Probability
  /// E[(cost − budget)+] of the year.
  public var expectedOverspend: Estimate
  /// VaR and TVaR of the year's overspend amount at the risk levels (90, 95, 99 %).
  public var valueAtRisk: [QuantileFigure]
  public var tailValueAtRisk: [LevelValue]
  /// P(the year's unmet share > g) and its mean (0 under absorb).
  public var serviceGap: Probability
  public var expectedUnmetShare: Estimate
  /// When in the year rationing starts (0 under absorb): P(rationing leaves need unmet at
  /// some point in the year), P(it starts before the year's last quarter), and per period of
  /// the year P(rationing first leaves need unmet in that period).
  public var rationing: Probability
  public var rationingBeforeLastQuarter: Probability
  public var rationingStart: [PeriodProbability]
}

/// A probability for one period (0-based over the horizon).
public struct PeriodProbability: Codable, Sendable, Equatable {
  public var period: Int
  public var probability: Probability
}

/// P(overspend in `years` or more budget years).
public struct YearCountProbability: Codable, Sendable, Equatable {
  public var years: Int
  public var probability: Probability
}

/// The distribution of the cost of need (horizon or one budget year), money: its mean and
/// standard deviation, quantiles with 95 % intervals and resolution, and the VaR and TVaR
/// of the cost itself (the overspend's are ``ScopeFigures/valueAtRisk`` and
/// ``ScopeFigures/tailValueAtRisk``).
public struct CostDistribution: Codable, Sendable, Equatable {
  public var mean: Estimate
  public var standardDeviation: Double
  /// At ``CostDistribution/levels``.
  public var quantiles: [QuantileFigure]
  /// The cost's q-quantile at the risk levels (90, 95, 99 %).
  public var valueAtRisk: [QuantileFigure]
  /// The mean cost at or above its VaR at the risk levels.
  public var tailValueAtRisk: [LevelValue]

  public static let levels = [0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99, 0.995]
}

extension CostDistribution {
  package init(_ m: MeanAccumulator, _ h: LogLinearQuantiles, reference: Double) {
    mean = Estimate(m, scale: reference)
    standardDeviation = m.variance.squareRoot() * reference
    quantiles = Self.levels.map { QuantileFigure(h, level: $0, scale: reference) }
    valueAtRisk = RunFigures.riskLevels.map { QuantileFigure(h, level: $0, scale: reference) }
    tailValueAtRisk = RunFigures.riskLevels.map { LevelValue(h, level: $0, scale: reference) }
  }
}

public struct PeriodQuantiles: Codable, Sendable, Equatable {
  public var period: Int
  public var quantiles: [QuantileFigure]
}

public struct ServiceGapSummary: Codable, Sendable, Equatable {
  /// g in P(U > g).
  public var threshold: Double
  public var probability: Probability
  public var expectedUnmetShare: Estimate
  public var byCategory: [CategoryGap]
}

public struct CategoryGap: Codable, Sendable, Equatable {
  public var category: String
  public var probability: Probability
  public var expectedUnmetShare: Estimate
}

public struct ServiceGapFigure: Codable, Sendable, Equatable {
  public var service: String
  public var pool: String
  public var probability: Probability
  public var expectedUnmetShare: Estimate
}

public struct Instability: Codable, Sendable, Equatable {
  /// P(|year-to-date drift of spend| > tolerance at any review), either direction: the union
  /// of the two directional figures below, so it counts a comfortable underspend as a breach.
  public var toleranceBreached: Probability
  public var reserveExhausted: Probability
  /// The drift tolerance and the number of reviews over the horizon (one every `review_every`
  /// periods).
  public var tolerance: Double
  public var reviews: Int
  /// P(year-to-date drift of spend > +tolerance at any review): spending ahead of the budget.
  public var overspendBeyondTolerance: Probability
  /// P(year-to-date drift of spend < −tolerance at any review): money held back.
  public var underspendBeyondTolerance: Probability
  /// The mean number of reviews out of tolerance (either direction) per path, of `reviews`.
  public var reviewsOutOfTolerance: Estimate
  /// The distribution of the period of the first breach: one entry per review.
  public var firstBreach: [FirstBreach]
}

/// The share of paths whose first breach falls at the review ending in `period` (0-based;
/// with monthly periods, month `period + 1` of the horizon), per direction. Each direction's
/// shares sum to its P(… beyond tolerance) (the rest never breach that way).
public struct FirstBreach: Codable, Sendable, Equatable {
  public var period: Int
  /// First review out of tolerance in either direction.
  public var any: Probability
  /// First review with an overspend breach, and first with an underspend breach.
  public var overspend: Probability
  public var underspend: Probability
}

public struct CategoryGapTarget: Codable, Sendable, Equatable {
  public var category: String
  public var target: Double
  public var probability: Probability?
}

/// The smallest listed margin meeting the targets, per response and scope.
public struct Recommendation: Codable, Sendable, Equatable {
  public var response: String
  public var scope: String
  public var overspendTarget: Double
  /// What the target bounds (`budget.overspend_rule`): `horizon`, `every_year` or `worst_year`.
  public var overspendRule: String
  /// The probability the rule judges at the recommended margin: P(overspend) over the
  /// horizon, P(any year overspends), or the worst year's P(overspend).
  public var ruleProbability: Probability?
  /// Under `worst_year`, which budget year (1-based) is the worst at the recommended margin.
  public var worstYear: Int?
  /// The per-category service-gap targets set (`budget.service_gap_targets`), each with its
  /// P(service gap) at the recommended margin.
  public var categoryGapTargets: [CategoryGapTarget]
  public var serviceGapTarget: Double?
  /// nil when no listed margin meets the targets.
  public var margin: Double?
  public var annualContingency: Double?
  public var overspendProbability: Probability?
  public var serviceGapProbability: Probability?
  /// The pools of the scope with their own service-gap target (`pool_rules`), each with its
  /// P(service gap) at the recommended margin; absent when none is set.
  public var poolGapTargets: [PoolGapTarget]? = nil
}

/// A pool's own service-gap target and its P(service gap) at a margin.
public struct PoolGapTarget: Codable, Sendable, Equatable {
  public var pool: String
  public var target: Double
  public var probability: Probability?
}

extension RunFigures {
  public static let quantileLevels = [0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99]
  public static let riskLevels = [0.90, 0.95, 0.99]
  public static let fanLevels = [0.025, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.975]

  /// Reads every figure off a finished run.
  public init(_ run: SimulationRun) {
    let plan = run.plan, acc = run.accumulator
    scenario = plan.name
    currency = plan.currency
    iterations = acc.iterations
    seed = run.options.seed
    firstIteration = run.options.firstIteration
    periods = plan.periods
    periodLength = plan.periodLength.rawValue
    budgetYears = plan.years
    let T = plan.periods
    expectedCost = plan.scopes.map { scope in
      let byYear = (0..<plan.years).map { y in
        scope.pools.reduce(0.0) { acc, p in
          acc + (y * plan.periodsPerYear..<(y + 1) * plan.periodsPerYear).reduce(0) { $0 + plan.expected.poolCost[p * T + $1] }
        }
      }
      return ExpectedCostFigure(
        scope: scope.name, byYear: byYear, horizon: byYear.reduce(0, +), baseBudget: scope.reference)
    }
    let fans = SharedFans(plan: plan, evaluations: run.evaluations)
    // Each source's fan figures, read once per scope and mapped for every evaluation it serves.
    var sourceFans = [Int: [[PeriodQuantiles]]]()
    for source in Set(fans.sources.compactMap { $0?.evaluation }) {
      sourceFans[source] = acc.evaluations[source].scopes.map { ScopeFigures.fan($0.driftPath) }
    }
    budgets = run.evaluations.enumerated().map { e, evaluation in
      let proposal = evaluation.budget
      let ev = acc.evaluations[e], fan = fans.sources[e]
      return BudgetFigures(
        proposal: proposal.label, margin: proposal.margin, response: evaluation.response.rawValue,
        scopes: plan.scopes.enumerated().map { s, scope in
          ScopeFigures(
            ev.scopes[s], cost: acc.evaluations[run.evaluations.costSource(of: e, plan: plan)].scopes[s], reference: scope.reference,
            name: scope.name, threshold: plan.budget.serviceGapThreshold, budget: plan.budget,
            fan: fan.map { (sourceFans[$0.evaluation]![s], $0.scale[(s * T)..<((s + 1) * T)]) })
        },
        services: plan.serviceNames.enumerated().map { v, service in
          ServiceGapFigure(
            service: service, pool: plan.poolNames[plan.poolOfService[v]],
            probability: Probability(ev.serviceGapByService[v]),
            expectedUnmetShare: Estimate(ev.unmetShareByService[v]))
        })
    }
    recommendations = Self.recommend(budgets: budgets, plan: plan)
    costExceedance = Self.costExceedance(run)
    let totalScope = plan.scopes[plan.scopes.count - 1].name
    let evaluated = budgets
    drivers = evaluated.indices.map { e in
      DriversFigure(acc.drivers[e], factors: plan.factors, budget: evaluated[e], scope: totalScope, iterations: acc.iterations)
    }
    activity = ActivityFigures(acc.activity, plan: plan)
    sampling = ReplicateFigures(run)
  }

  /// Per response and scope, the smallest listed margin whose overspend probability (point
  /// estimate) is at most α and, when a service-gap target β is set, whose service-gap
  /// probability is at most β.
  static func recommend(budgets: [BudgetFigures], plan: SimulationPlan) -> [Recommendation] {
    let spec = plan.budget
    var out = [Recommendation]()
    for response in spec.responses {
      let candidates = budgets.filter { $0.response == response.rawValue }
      for (s, scope) in plan.scopes.enumerated() {
        let pick = HeadlineRule.recommended(margins: candidates.map(\.margin)) { i in
          let figures = candidates[i].scopes[s]
          return HeadlineRule.meetsTargets(
            overspend: figures.overspendProbability(by: spec.overspendRule).estimate,
            serviceGap: figures.serviceGap.probability.estimate,
            categoryGaps: figures.serviceGap.byCategory.map(\.probability.estimate), spec: spec)
            && HeadlineRule.meetsPoolTargets(pools: scope.pools, spec: spec) { p in
              candidates[i].scopes[plan.scopeIndex(ofPool: p)].serviceGap.probability.estimate
            }
        }.map { candidates[$0] }
        let poolTargets = scope.pools.compactMap { p in
          spec.poolRules[p]?.serviceGapTarget.map { target in
            PoolGapTarget(
              pool: plan.poolNames[p], target: target,
              probability: pick?.scopes[plan.scopeIndex(ofPool: p)].serviceGap.probability)
          }
        }
        let worstYear = pick.flatMap { b -> Int? in
          guard spec.overspendRule == .worstYear else { return nil }
          let judged = b.scopes[s].overspendProbability(by: .worstYear)
          return b.scopes[s].overspendProbabilityByYear.firstIndex(of: judged).map { $0 + 1 }
        }
        out.append(Recommendation(
          response: response.rawValue, scope: scope.name, overspendTarget: spec.overspendTarget,
          overspendRule: spec.overspendRule.rawValue,
          ruleProbability: pick?.scopes[s].overspendProbability(by: spec.overspendRule), worstYear: worstYear,
          categoryGapTargets: ServiceCategory.allCases.enumerated().compactMap { c, category in
            spec.categoryGapTargets[c].map { target in
              CategoryGapTarget(
                category: category.rawValue, target: target,
                probability: pick?.scopes[s].serviceGap.byCategory.first { $0.category == category.rawValue }?.probability)
            }
          },
          serviceGapTarget: spec.serviceGapTarget, margin: pick?.margin,
          annualContingency: pick.map { $0.margin! * scope.reference / Double(plan.years) },
          overspendProbability: pick?.scopes[s].overspendProbability,
          serviceGapProbability: pick?.scopes[s].serviceGap.probability,
          poolGapTargets: poolTargets.isEmpty ? nil : poolTargets))
      }
    }
    return out
  }
}

extension ScopeFigures {
  /// - Parameter cost: the accumulator keeping this scope's cost-of-need distribution (the
  ///   first `absorb` evaluation's under `absorb`).
  /// - Parameter fan: where the drift fan is read off another evaluation's (``SharedFans``):
  ///   its fan figures and the scale `c(t)` of the map `c·(1 + d) − 1` per period; nil: `a`'s own.
  package init(
    _ a: ScopeAccumulator, cost: ScopeAccumulator, reference: Double, name: String, threshold: Double, budget spec: BudgetSpec,
    fan: (source: [PeriodQuantiles], scale: ArraySlice<Double>)? = nil
  ) {
    scope = name
    budget = Estimate(a.budget, scale: reference)
    costOfNeed = Estimate(a.costOfNeed, scale: reference)
    costDistribution = CostDistribution(cost.costOfNeed, cost.costDistribution, reference: reference)
    costDistributionByYear = cost.costOfNeedByYear.indices.map {
      CostDistribution(cost.costOfNeedByYear[$0], cost.costDistributionByYear[$0], reference: reference)
    }
    overspendProbability = Probability(a.overspent)
    overspendProbabilityByYear = a.overspentByYear.map(Probability.init)
    drift = Estimate(a.drift)
    driftQuantiles = RunFigures.quantileLevels.map { QuantileFigure(a.driftDistribution, level: $0) }
    expectedOverspend = Estimate(a.overspendAmount, scale: reference)
    (valueAtRisk, tailValueAtRisk) = Self.overspendRisk(
      overspent: a.overspent, amount: a.overspendAmount, distribution: a.overspendDistribution, reference: reference)
    let yearly = a.yearly
    years = yearly.overspendAmount.indices.map { y in
      // The year's periods, and where its last quarter begins (month 10, or quarter 4).
      let ppy = yearly.rationingStart.count / max(yearly.overspendAmount.count, 1)
      let periods = y * ppy..<(y + 1) * ppy, lastQuarter = y * ppy + (3 * ppy) / 4
      let risk = Self.overspendRisk(
        overspent: a.overspentByYear[y], amount: yearly.overspendAmount[y], distribution: yearly.overspendDistribution[y],
        reference: reference)
      return YearFigures(
        year: y + 1, budget: Estimate(yearly.budget[y], scale: reference),
        overspendProbability: Probability(a.overspentByYear[y]),
        expectedOverspend: Estimate(yearly.overspendAmount[y], scale: reference),
        valueAtRisk: risk.valueAtRisk, tailValueAtRisk: risk.tailValueAtRisk,
        serviceGap: Probability(yearly.serviceGap[y]), expectedUnmetShare: Estimate(yearly.unmetShare[y]),
        rationing: Self.rationingShare(yearly, periods: periods.lowerBound..<periods.upperBound),
        rationingBeforeLastQuarter: Self.rationingShare(yearly, periods: periods.lowerBound..<lastQuarter),
        rationingStart: periods.map { t in
          PeriodProbability(period: t, probability: Self.rationingShare(yearly, periods: t..<t + 1))
        })
    }
    overspendYears = (1..<max(yearly.overspentYears.count, 2)).map { k in
      YearCountProbability(
        years: k, probability: Probability(ProportionCounter(successes: yearly.overspentAtLeast(k), trials: yearly.paths)))
    }
    anyYearOverspends = overspendYears[0].probability
    if let fan {
      driftPath = fan.source.enumerated().map { t, period in
        let c = fan.scale[fan.scale.startIndex + t]
        return PeriodQuantiles(period: t, quantiles: period.quantiles.map { $0.mapped(driftScale: c) })
      }
    } else {
      driftPath = Self.fan(a.driftPath)
    }
    serviceGap = ServiceGapSummary(
      threshold: threshold, probability: Probability(a.serviceGap),
      expectedUnmetShare: Estimate(a.unmetShare),
      byCategory: ServiceCategory.allCases.enumerated().map { c, category in
        CategoryGap(
          category: category.rawValue, probability: Probability(a.serviceGapByCategory[c]),
          expectedUnmetShare: Estimate(a.unmetShareByCategory[c]))
      })
    instability = Instability(
      toleranceBreached: Probability(a.toleranceBreached), reserveExhausted: Probability(a.reserveExhausted),
      breaches: a.breaches, tolerance: spec.driftTolerance, reviewEvery: spec.reviewEvery)
    riskShare = a.riskShare.map { RiskShareFigures($0, reference: reference) }
    rebasing = a.rebasing.map { RebasingFigures($0, reference: reference) }
  }
}

extension ScopeFigures {
  /// The fan's figures from its per-period histograms.
  static func fan(_ path: PathHistograms) -> [PeriodQuantiles] {
    path.enumerated().map { t, h in
      PeriodQuantiles(period: t, quantiles: RunFigures.fanLevels.map { QuantileFigure(h, level: $0) })
    }
  }

  /// VaR and TVaR of an overspend amount (÷ reference in the accumulators) at the risk levels.
  /// Overspend has a point mass at 0: where P(overspend) ≤ 1 − q the q-quantile is exactly 0,
  /// and the expected shortfall (mean of the worst 1 − q) is E[overspend] / (1 − q).
  static func overspendRisk(
    overspent: ProportionCounter, amount: MeanAccumulator, distribution: LogLinearQuantiles, reference: Double
  ) -> (valueAtRisk: [QuantileFigure], tailValueAtRisk: [LevelValue]) {
    let overspendShare = overspent.estimate
    let valueAtRisk = RunFigures.riskLevels.map { q in
      var figure = QuantileFigure(distribution, level: q, scale: reference)
      if overspendShare <= 1 - q { figure.value = 0; figure.lower = 0 }
      if figure.lower <= 0 && overspent.wilsonInterval(confidence: 0.95).upperBound <= 1 - q { figure.upper = 0 }
      return figure
    }
    let tailValueAtRisk = RunFigures.riskLevels.map { q in
      // With the VaR at 0 the tail mean is exact (E[overspend] from the exact sum).
      if overspendShare <= 1 - q { return LevelValue(level: q, value: amount.mean / (1 - q) * reference, resolution: 0) }
      return LevelValue(distribution, level: q, scale: reference)
    }
    return (valueAtRisk, tailValueAtRisk)
  }
}

extension ScopeFigures {
  /// The share of paths whose rationing first left need unmet in one of `periods` (all in one
  /// budget year, so each path counts at most once).
  static func rationingShare(_ yearly: YearlyAccumulator, periods: Range<Int>) -> Probability {
    let first = periods.reduce(UInt64(0)) { $0 &+ yearly.rationingStart[$1] }
    return Probability(ProportionCounter(successes: first, trials: yearly.paths))
  }
}

extension Instability {
  package init(
    toleranceBreached: Probability, reserveExhausted: Probability, breaches b: BreachAccumulator, tolerance: Double,
    reviewEvery: Int
  ) {
    let n = b.trials
    // Reviews end in periods review − 1, 2·review − 1, … (the ledger's review marks).
    let reviewPeriods = Array(stride(from: reviewEvery - 1, to: b.firstAny.count, by: reviewEvery))
    self.init(
      toleranceBreached: toleranceBreached, reserveExhausted: reserveExhausted, tolerance: tolerance,
      reviews: reviewPeriods.count, overspendBeyondTolerance: Probability(b.overspend),
      underspendBeyondTolerance: Probability(b.underspend), reviewsOutOfTolerance: Estimate(b.reviewsOutOfTolerance),
      firstBreach: reviewPeriods.map { t in
        FirstBreach(
          period: t, any: Probability(ProportionCounter(successes: b.firstAny[t], trials: n)),
          overspend: Probability(ProportionCounter(successes: b.firstOverspend[t], trials: n)),
          underspend: Probability(ProportionCounter(successes: b.firstUnderspend[t], trials: n)))
      })
  }
}

extension Probability {
  package init(_ c: ProportionCounter) {
    let interval = c.wilsonInterval(confidence: 0.95)
    self.init(estimate: c.estimate, lower: interval.lowerBound, upper: interval.upperBound)
  }
}

extension Estimate {
  package init(_ m: MeanAccumulator, scale: Double = 1) {
    let reason: String? =
      switch m.count {
      case 0: "no value: no iteration in this set"
      case 1: "one value: a standard error needs two"
      default: nil
      }
    self.init(mean: m.mean * scale, standardError: m.standardError * scale, undefined: reason)
  }
}

extension QuantileFigure {
  package init(_ h: LogLinearQuantiles, level: Double, scale: Double = 1) {
    let interval = h.quantileInterval(level, confidence: 0.95)
    self.init(
      level: level, value: h.quantile(level) * scale,
      lower: interval.lowerBound * scale, upper: interval.upperBound * scale,
      resolution: h.resolution(ofQuantile: level) * scale)
  }

  /// The quantile of `c·(1 + d) − 1` where `h` holds `d` and `c > 0` (``SharedFans``): the
  /// map of `h`'s quantile and interval (an increasing map keeps ranks), its resolution × `c`.
  package init(_ h: LogLinearQuantiles, level: Double, driftScale c: Double) {
    self = QuantileFigure(h, level: level).mapped(driftScale: c)
  }

  /// This drift quantile's figure for `c·(1 + d) − 1`, `c > 0` (see ``init(_:level:driftScale:)``).
  package func mapped(driftScale c: Double) -> QuantileFigure {
    QuantileFigure(
      level: level, value: SharedFans.map(value, scale: c), lower: SharedFans.map(lower, scale: c),
      upper: SharedFans.map(upper, scale: c), resolution: resolution * c)
  }
}

extension LevelValue {
  /// The tail mean at `level` (TVaR) with its resolution: one bucket at the VaR.
  package init(_ h: LogLinearQuantiles, level: Double, scale: Double = 1) {
    self.init(level: level, value: h.meanAbove(quantile: level) * scale, resolution: h.resolution(ofQuantile: level) * scale)
  }
}

/// What drives the overspend tail of one proposed budget × response on the total scope.
public struct DriversFigure: Codable, Sendable, Equatable {
  public var proposal: String
  public var margin: Double?
  public var response: String
  public var scope: String
  /// Iterations that overspent (the conditional sample).
  public var overspentIterations: UInt64
  /// The bound on the Spearman error from ties within drift bins (`√3·Σ p_b²`).
  public var tieErrorBound: Double
  /// Factors ranked by |Spearman ρ| with drift, largest first.
  public var factors: [FactorDriver]
}

public struct FactorDriver: Codable, Sendable, Equatable {
  public var factor: String
  /// Spearman's rank correlation of the factor with drift; its standard error is the
  /// large-sample `(1 − ρ²)/√(n − 1)` (exact at ρ = 0: `1/√(n − 1)`).
  public var spearman: Estimate
  /// Mean standardised score z (the copula normal) given overspend, with its standard error;
  /// 0 means overspend tells nothing about the factor. NaN when nothing overspent.
  public var meanZGivenOverspend: Estimate
}

extension DriversFigure {
  package init(_ d: DriversAccumulator, factors: [Factor], budget: BudgetFigures, scope: String, iterations: UInt64) {
    let (rho, tie) = d.spearman()
    let n = Double(iterations)
    let entries = factors.indices.map { f in
      FactorDriver(
        factor: factors[f].name,
        spearman: rho[f].isFinite
          ? Estimate(mean: rho[f], standardError: (1 - rho[f] * rho[f]) / (n - 1).squareRoot())
          : Estimate(
            mean: .nan, standardError: .nan,
            undefined: "every iteration ties (drift in one bin, or the factor constant): no rank correlation"),
        meanZGivenOverspend: Estimate(d.zGivenOverspend[f]))
    }
    self.init(
      proposal: budget.proposal, margin: budget.margin, response: budget.response, scope: scope,
      overspentIterations: d.zGivenOverspend.first?.count ?? 0, tieErrorBound: tie,
      factors: entries.enumerated().sorted { (Self.rank($0.element), $0.offset) < (Self.rank($1.element), $1.offset) }.map(\.element))
  }

  /// Sort key: largest |ρ| first, undefined ones last.
  private static func rank(_ d: FactorDriver) -> Double {
    d.spearman.mean.isFinite ? -abs(d.spearman.mean) : .infinity
  }
}
