@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskModel

/// Everything a run accumulates, mergeable exactly: two runs over disjoint iteration ranges
/// merge into the accumulator of one run over both, whatever the order.
///
/// Memory is fixed by the scenario's shape and the range of its values, never by the
/// iteration count: a horizon drift histogram, an overspend histogram, a cost-of-need
/// histogram and one coarser histogram per period for the fan chart, per proposed budget ×
/// response × scope, all ``LogLinearQuantiles`` (no range to leave).
public struct RunAccumulator: Sendable, Equatable {
  public package(set) var iterations: UInt64 = 0
  package var evaluations: [EvaluationAccumulator]
  /// Drivers of the overspend tail per evaluation, on the total scope.
  package var drivers: [DriversAccumulator]
  /// Events per service and per scope × category (recorded by `run`'s worker; empty where a
  /// study does not report them).
  package var activity: ActivityAccumulator
  /// Each scope's reference budget (money figures are accumulated divided by it) and the
  /// service-gap threshold: what ``record(_:evaluation:scores:)`` needs besides the outcome.
  private let references: [Double]
  private let gapThreshold: Double

  /// Empty accumulators for `evaluations` evaluated on `plan`'s paths.
  package init(plan: SimulationPlan, evaluations list: [Evaluation]) {
    let fans = SharedFans(plan: plan, evaluations: list)
    evaluations = list.indices.map { e in
      EvaluationAccumulator(plan: plan, recordsCost: list.costSource(of: e, plan: plan) == e, recordsFan: fans.records(e))
    }
    drivers = list.map { _ in DriversAccumulator(factors: plan.factorCount) }
    activity = ActivityAccumulator(plan: plan)
    references = plan.scopes.map(\.reference)
    gapThreshold = plan.budget.serviceGapThreshold
  }

  /// How many non-finite values (a drift against a zero budget, a cost past the range of
  /// `Double`) the summaries were offered: a run with any is refused, never summarised.
  public var nonFiniteValues: UInt64 {
    var n: UInt64 = 0
    for e in evaluations {
      for s in e.scopes {
        n &+= s.driftDistribution.nonFiniteCount &+ s.overspendDistribution.nonFiniteCount &+ s.costDistribution.nonFiniteCount
        for h in s.costDistributionByYear { n &+= h.nonFiniteCount }
        for h in s.yearly.overspendDistribution { n &+= h.nonFiniteCount }
        for h in s.driftPath { n &+= h.nonFiniteCount }
        if let r = s.riskShare { n &+= r.providerDistribution.nonFiniteCount &+ r.funderDistribution.nonFiniteCount }
      }
    }
    return n
  }

  public mutating func merge(_ other: RunAccumulator) {
    precondition(evaluations.count == other.evaluations.count, "merging runs of different scenarios")
    iterations += other.iterations
    for e in evaluations.indices { evaluations[e].merge(other.evaluations[e]) }
    for e in drivers.indices { drivers[e].merge(other.drivers[e]) }
    activity.merge(other.activity)
  }
}

/// One proposed budget under one response.
package struct EvaluationAccumulator: Sendable, Equatable {
  package var scopes: [ScopeAccumulator]

  /// An empty accumulator shaped for `plan`'s scopes and services; `recordsCost`: whether
  /// it keeps the cost of need's distribution (see `costSource(of:)` on a list of evaluations);
  /// `recordsFan`: whether its drift fan is recorded, not read off another's (``SharedFans``:
  /// its histograms are then not pre-sized).
  package init(plan: SimulationPlan, recordsCost: Bool = true, recordsFan: Bool = true) {
    scopes = plan.scopes.map { _ in
      ScopeAccumulator(
        periods: plan.periods, years: plan.years, budget: plan.budget, recordsCost: recordsCost, recordsFan: recordsFan)
    }
    unmetShareByService = Array(repeating: MeanAccumulator(), count: plan.serviceCount)
    serviceGapByService = Array(repeating: ProportionCounter(), count: plan.serviceCount)
  }
  package var unmetShareByService: [MeanAccumulator]
  package var serviceGapByService: [ProportionCounter]

  package mutating func merge(_ other: EvaluationAccumulator) {
    for s in scopes.indices { scopes[s].merge(other.scopes[s]) }
    for v in unmetShareByService.indices {
      unmetShareByService[v].merge(other.unmetShareByService[v])
      serviceGapByService[v].merge(other.serviceGapByService[v])
    }
  }
}

/// One pool (or the total) under one proposed budget and response.
package struct ScopeAccumulator: Sendable, Equatable {
  package var overspent = ProportionCounter()
  package var overspentByYear: [ProportionCounter]
  package var drift = MeanAccumulator()
  // Windows pre-sized to the usual ranges (in units of the reference budget), so that a
  // run's first blocks do not keep reallocating them; wider values still fit.
  package var driftDistribution = LogLinearQuantiles(layout: .fineQuantiles, expected: -0.5...0.5)
  /// Overspend amounts, divided by the scope's reference budget.
  package var overspendAmount = MeanAccumulator()
  package var overspendDistribution = LogLinearQuantiles(layout: .fine, expected: 0...0.5)
  /// Cost of need and budget over the horizon, divided by the reference budget.
  package var costOfNeed = MeanAccumulator()
  package var budget = MeanAccumulator()
  /// The cost of need's distribution over the horizon and per budget year (÷ reference),
  /// kept only where `recordsCost`: under `absorb` every proposed budget sees the same cost
  /// of need, so one evaluation keeps it for all (four histogram adds an iteration fewer
  /// per scope and budget).
  let recordsCost: Bool
  package var costDistribution: LogLinearQuantiles
  package var costOfNeedByYear: [MeanAccumulator]
  package var costDistributionByYear: [LogLinearQuantiles]
  package var driftPath: PathHistograms
  package var unmetShare = MeanAccumulator()
  package var serviceGap = ProportionCounter()
  package var unmetShareByCategory = [MeanAccumulator(), MeanAccumulator()]
  package var serviceGapByCategory = [ProportionCounter(), ProportionCounter()]
  package var toleranceBreached = ProportionCounter()
  /// The reviews out of tolerance by direction, and the period of the first.
  package var breaches: BreachAccumulator
  /// How many budget years each path overspends, and each year's overspend, budget and gap.
  package var yearly: YearlyAccumulator
  package var reserveExhausted = ProportionCounter()
  /// Present when the scenario has a risk share / rebasing.
  package var riskShare: RiskShareAccumulator?
  package var rebasing: RebasingAccumulator?

  package init(periods: Int, years: Int, budget: BudgetSpec, recordsCost: Bool = true, recordsFan: Bool = true) {
    self.recordsCost = recordsCost
    riskShare = budget.riskShare.map { RiskShareAccumulator(thresholds: $0.lossThresholds) }
    rebasing = budget.rebaseFraction.map { _ in RebasingAccumulator() }
    overspentByYear = Array(repeating: ProportionCounter(), count: years)
    costOfNeedByYear = Array(repeating: MeanAccumulator(), count: years)
    // Only where the cost is kept; around its expected level, 1 over the horizon.
    let horizon: ClosedRange<Double>? = recordsCost ? 0.5...2 : nil
    let year: ClosedRange<Double>? = recordsCost ? (0.5 / Double(max(years, 1)))...(2 / Double(max(years, 1))) : nil
    costDistribution = LogLinearQuantiles(layout: .fine, expected: horizon)
    costDistributionByYear = Array(repeating: LogLinearQuantiles(layout: .fine, expected: year), count: years)
    driftPath = PathHistograms(periods: periods, layout: .path, presized: recordsFan)
    breaches = BreachAccumulator(periods: periods)
    yearly = YearlyAccumulator(years: years, periods: periods)
  }

  /// One budget year's overspend and cost of need (÷ reference), added at the year's end
  /// (the cost's histogram value into `stage` instead, when staging: see ``HistogramStage``).
  @inline(__always)
  mutating func addYear(_ y: Int, overspent: Bool, costOfNeed c: Double, stage: Handle<Double>? = nil) {
    overspentByYear[y].add(overspent)
    guard recordsCost else { return }
    costOfNeedByYear[y].add(c)
    if let stage { stage[HistogramStage.costByYear + y] = c } else { costDistributionByYear[y].add(c) }
  }

  /// Adds scope `s` of one walk of the ledger. With a `stage` (``HistogramStage``), the
  /// values of the histograms whose buckets are scattered are written there, for
  /// ``addStaged(_:count:step:)`` to add a tile's rows at once; everything else is added here.
  /// `fan`: whether the path goes into ``driftPath`` (not where the fan is read off another
  /// evaluation's, ``SharedFans``).
  package mutating func record(
    _ o: PathOutcome, scope s: Int, reference: Double, gapThreshold g: Double, stage: Handle<Double>? = nil,
    fan: Bool = true
  ) {
    let x = o.scopes[s]
    var yearsOverspent = 0
    let years = overspentByYear.count
    for y in overspentByYear.indices {
      let overspent = o.overspent(scope: s, year: y), cost = o.costOfNeed(scope: s, year: y) / reference
      addYear(y, overspent: overspent, costOfNeed: cost, stage: stage)
      yearly.addYear(
        y, costOfNeed: cost, budget: o.budget(scope: s, year: y) / reference, unmetShare: o.unmetShare(scope: s, year: y),
        gapThreshold: g, rationingStart: o.rationingStart(scope: s, year: y),
        stagedOverspend: stage?.slice(from: HistogramStage.overspendByYear(years: years), count: years))
      if overspent { yearsOverspent += 1 }
    }
    yearly.addPath(overspentYears: yearsOverspent)
    if fan { o.driftPath(scope: s).withUnsafeBase { driftPath.add(path: $0) } }
    riskShare?.add(provider: x.providerResult, funder: x.funderResult, variance: x.yearEndVariance, reference: reference)
    if rebasing != nil {
      rebasing!.add(rebasings: x.rebasings, rebased: x.rebased / reference)
      o.forEachRebasing(scope: s) { rebasing!.addRebasing(size: $0 / reference) }
    }
    add(
      drift: x.drift, overspendAmount: max(0, x.costOfNeed - x.budget) / reference, overspent: x.overspent,
      costOfNeed: x.costOfNeed / reference, budget: x.budget / reference, unmetShare: x.unmetShare,
      unmetShareByCategory: (x.unmetShareProactive, x.unmetShareReactive), gapThreshold: g,
      toleranceBreached: x.toleranceBreached, reserveExhausted: x.reserveExhausted, stage: stage)
    breaches.add(x.breaches)
  }

  private mutating func add(
    drift d: Double, overspendAmount o: Double, overspent: Bool, costOfNeed c: Double, budget b: Double,
    unmetShare u: Double, unmetShareByCategory uc: (Double, Double), gapThreshold g: Double,
    toleranceBreached: Bool, reserveExhausted: Bool, stage: Handle<Double>?
  ) {
    self.overspent.add(overspent)
    drift.add(d); overspendAmount.add(o)
    if let stage {
      stage[HistogramStage.drift] = d; stage[HistogramStage.overspend] = o; stage[HistogramStage.cost] = c
    } else {
      driftDistribution.add(d); overspendDistribution.add(o)
      if recordsCost { costDistribution.add(c) }
    }
    costOfNeed.add(c); budget.add(b)
    unmetShare.add(u); serviceGap.add(u > g)
    unmetShareByCategory[0].add(uc.0); serviceGapByCategory[0].add(uc.0 > g)
    unmetShareByCategory[1].add(uc.1); serviceGapByCategory[1].add(uc.1 > g)
    self.toleranceBreached.add(toleranceBreached)
    self.reserveExhausted.add(reserveExhausted)
  }

  package mutating func merge(_ o: ScopeAccumulator) {
    overspent.merge(o.overspent)
    for y in overspentByYear.indices { overspentByYear[y].merge(o.overspentByYear[y]) }
    drift.merge(o.drift); driftDistribution.merge(o.driftDistribution)
    overspendAmount.merge(o.overspendAmount); overspendDistribution.merge(o.overspendDistribution)
    costOfNeed.merge(o.costOfNeed); costDistribution.merge(o.costDistribution); budget.merge(o.budget)
    for y in costOfNeedByYear.indices {
      costOfNeedByYear[y].merge(o.costOfNeedByYear[y]); costDistributionByYear[y].merge(o.costDistributionByYear[y])
    }
    driftPath.merge(o.driftPath)
    unmetShare.merge(o.unmetShare); serviceGap.merge(o.serviceGap)
    for c in 0..<2 {
      unmetShareByCategory[c].merge(o.unmetShareByCategory[c])
      serviceGapByCategory[c].merge(o.serviceGapByCategory[c])
    }
    toleranceBreached.merge(o.toleranceBreached)
    breaches.merge(o.breaches)
    yearly.merge(o.yearly)
    reserveExhausted.merge(o.reserveExhausted)
    mergeArrangements(o)
  }
}

extension [Evaluation] {
  /// The evaluation whose accumulators keep evaluation `e`'s cost-of-need distribution:
  /// under `absorb` the first `absorb` evaluation (the cost of need does not depend on the
  /// budget when nothing is rationed), under `ration` `e` itself.
  /// Where a pool rations under every evaluation (`pool_rules`) and rationing feeds back into
  /// need, every evaluation keeps its own.
  package func costSource(of e: Int, plan: SimulationPlan) -> Int {
    guard self[e].response == .absorb, !plan.costDependsOnBudgetUnderAbsorb else { return e }
    return firstIndex { $0.response == .absorb } ?? e
  }
}

extension RunAccumulator {
  /// The one door in: adds one walk of the ledger under evaluation `e` — every scope, every
  /// service, and the drivers on the total scope with the iteration's factor `scores`. With
  /// a `stage`, the scattered histograms' values go to its row `row` (see ``HistogramStage``).
  /// `fan: false` leaves the drift fan out (``SharedFans``: read off another evaluation's).
  package mutating func record(
    _ o: PathOutcome, evaluation e: Int, scores: FactorScores, stage: HistogramStage? = nil, row: Int = 0,
    fan: Bool = true
  ) {
    evaluations[e].record(o, references: references, gapThreshold: gapThreshold, stage: stage, row: row, fan: fan)
    let total = o.scopes[o.scopes.count - 1]
    scores.z.withUnsafeBase { z in
      scores.u.withUnsafeBase { u in drivers[e].add(drift: total.drift, overspent: total.overspent, z: z, u: u) }
    }
  }
}

extension EvaluationAccumulator {
  package mutating func record(
    _ o: PathOutcome, references: [Double], gapThreshold g: Double, stage: HistogramStage? = nil, row: Int = 0,
    fan: Bool = true
  ) {
    scopes.withUnsafeMutableBufferPointer { scopes in
      for s in scopes.indices {
        scopes[s].record(
          o, scope: s, reference: references[s], gapThreshold: g, stage: stage?.values(row: row, scope: s), fan: fan)
      }
    }
    unmetShareByService.withUnsafeMutableBufferPointer { unmetShares in
      serviceGapByService.withUnsafeMutableBufferPointer { gaps in
        for v in 0..<o.serviceUnmetShares.count {
          let share = o.serviceUnmetShares[v]
          unmetShares[v].add(share)
          gaps[v].add(share > g)
        }
      }
    }
  }
}

// Saved state (`run --state`, `merge`): every field is Codable, so the conformance is the
// compiler's and a field added to an accumulator is saved and merged with no more code (its
// type must be Codable, and exact: integers, or doubles that round-trip).
extension RunAccumulator: Codable {}
extension EvaluationAccumulator: Codable {}
extension ScopeAccumulator: Codable {}

extension RunAccumulator {
  /// Whether `self` and `other` have the same shape — evaluations, scopes, years, periods,
  /// services, factors, arrangements and histogram layouts — so that ``merge(_:)`` may combine
  /// them: a saved state is checked against its plan's empty accumulator before it is used,
  /// so a damaged file is refused rather than trapping in a merge.
  package func hasShape(of other: RunAccumulator) -> Bool {
    guard evaluations.count == other.evaluations.count, drivers.count == other.drivers.count,
      references == other.references, activity.hasShape(of: other.activity)
    else { return false }
    for (a, b) in zip(drivers, other.drivers) where !a.hasShape(of: b) { return false }
    for (a, b) in zip(evaluations, other.evaluations) {
      guard a.scopes.count == b.scopes.count, a.unmetShareByService.count == b.unmetShareByService.count,
        a.serviceGapByService.count == b.serviceGapByService.count
      else { return false }
      for (x, y) in zip(a.scopes, b.scopes) where !x.hasShape(of: y) { return false }
    }
    return true
  }
}

extension ScopeAccumulator {
  func hasShape(of o: ScopeAccumulator) -> Bool {
    let layouts = [driftDistribution.layout, overspendDistribution.layout, costDistribution.layout]
      + costDistributionByYear.map(\.layout) + driftPath.map(\.layout)
    let theirs = [o.driftDistribution.layout, o.overspendDistribution.layout, o.costDistribution.layout]
      + o.costDistributionByYear.map(\.layout) + o.driftPath.map(\.layout)
    return layouts == theirs && overspentByYear.count == o.overspentByYear.count
      && costOfNeedByYear.count == o.costOfNeedByYear.count && recordsCost == o.recordsCost
      && unmetShareByCategory.count == o.unmetShareByCategory.count
      && serviceGapByCategory.count == o.serviceGapByCategory.count
      && (riskShare == nil) == (o.riskShare == nil) && (rebasing == nil) == (o.rebasing == nil)
      && riskShare?.thresholds == o.riskShare?.thresholds
      && riskShare?.lossExceeds.count == o.riskShare?.lossExceeds.count
      && [riskShare?.providerDistribution.layout, riskShare?.funderDistribution.layout]
        == [o.riskShare?.providerDistribution.layout, o.riskShare?.funderDistribution.layout]
      && breaches.hasShape(of: o.breaches) && yearly.hasShape(of: o.yearly)
  }
}
