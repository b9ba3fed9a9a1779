@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskModel

/// Everything a run accumulates, mergeable exactly: two runs over disjoint iteration ranges
/// merge into the accumulator of one run over both, whatever the order.
///
/// Memory is fixed by the scenario's shape, never by the iteration count: a horizon drift
/// histogram of ``Layout/driftBins`` bins, an overspend histogram and one coarser histogram
/// per period for the fan chart, per proposed budget × response × scope.
public struct RunAccumulator: Sendable, Equatable {
  public package(set) var iterations: UInt64 = 0
  package var evaluations: [EvaluationAccumulator]
  /// Drivers of the overspend tail per evaluation, on the total scope.
  package var drivers: [DriversAccumulator]
  /// Each scope's reference budget (money figures are accumulated divided by it) and the
  /// service-gap threshold: what ``record(_:evaluation:scores:)`` needs besides the outcome.
  private let references: [Double]
  private let gapThreshold: Double

  /// Histogram layouts and their quantile error (at most one bin width inside the range).
  enum Layout {
    /// Horizon drift on [−1, 2): bin 5e−4, quantile error ≤ 5e−4 (0.05 percentage points).
    package static let drift = (lower: -1.0, upper: 2.0, bins: 6_000)
    /// Overspend amount / reference budget on [0, 1): bin 2.5e−4.
    package static let overspend = (lower: 0.0, upper: 1.0, bins: 4_000)
    /// Cumulative drift per period on [−0.5, 0.5): bin 2.5e−3, error ≤ 2.5e−3.
    package static let driftPath = (lower: -0.5, upper: 0.5, bins: 400)
  }

  /// Empty accumulators for `evaluations` budgets evaluated on `plan`'s paths.
  package init(plan: SimulationPlan, evaluations count: Int) {
    evaluations = (0..<count).map { _ in EvaluationAccumulator(plan: plan) }
    drivers = (0..<count).map { _ in DriversAccumulator(factors: plan.factorCount) }
    references = plan.scopes.map(\.reference)
    gapThreshold = plan.budget.serviceGapThreshold
  }

  public mutating func merge(_ other: RunAccumulator) {
    precondition(evaluations.count == other.evaluations.count, "merging runs of different scenarios")
    iterations += other.iterations
    for e in evaluations.indices { evaluations[e].merge(other.evaluations[e]) }
    for e in drivers.indices { drivers[e].merge(other.drivers[e]) }
  }
}

/// One proposed budget under one response.
package struct EvaluationAccumulator: Sendable, Equatable {
  package var scopes: [ScopeAccumulator]

  /// An empty accumulator shaped for `plan`'s scopes and services.
  package init(plan: SimulationPlan) {
    scopes = plan.scopes.map { _ in
      ScopeAccumulator(periods: plan.periods, years: plan.years, budget: plan.budget)
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
  package var driftDistribution = BinnedQuantiles(
    lower: RunAccumulator.Layout.drift.lower, upper: RunAccumulator.Layout.drift.upper,
    binCount: RunAccumulator.Layout.drift.bins)
  /// Overspend amounts, divided by the scope's reference budget.
  package var overspendAmount = MeanAccumulator()
  package var overspendDistribution = BinnedQuantiles(
    lower: RunAccumulator.Layout.overspend.lower, upper: RunAccumulator.Layout.overspend.upper,
    binCount: RunAccumulator.Layout.overspend.bins)
  /// Cost of need and budget over the horizon, divided by the reference budget.
  package var costOfNeed = MeanAccumulator()
  package var budget = MeanAccumulator()
  package var driftPath: PathHistograms
  package var unmetShare = MeanAccumulator()
  package var serviceGap = ProportionCounter()
  package var unmetShareByCategory = [MeanAccumulator(), MeanAccumulator()]
  package var serviceGapByCategory = [ProportionCounter(), ProportionCounter()]
  package var toleranceBreached = ProportionCounter()
  package var reserveExhausted = ProportionCounter()
  /// Present when the scenario has a risk share / rebasing.
  package var riskShare: RiskShareAccumulator?
  package var rebasing: RebasingAccumulator?

  package init(periods: Int, years: Int, budget: BudgetSpec) {
    riskShare = budget.riskShare.map { RiskShareAccumulator(thresholds: $0.lossThresholds) }
    rebasing = budget.rebaseFraction.map { _ in RebasingAccumulator() }
    overspentByYear = Array(repeating: ProportionCounter(), count: years)
    let layout = RunAccumulator.Layout.driftPath
    driftPath = PathHistograms(periods: periods, lower: layout.lower, upper: layout.upper, binCount: layout.bins)
  }

  /// Adds scope `s` of one walk of the ledger.
  package mutating func record(_ o: PathOutcome, scope s: Int, reference: Double, gapThreshold g: Double) {
    let x = o.scopes[s]
    for y in overspentByYear.indices { overspentByYear[y].add(o.overspent(scope: s, year: y)) }
    o.driftPath(scope: s).withUnsafeBase { driftPath.add(path: $0) }
    riskShare?.add(provider: x.providerResult, funder: x.funderResult, variance: x.yearEndVariance, reference: reference)
    if rebasing != nil {
      rebasing!.add(rebasings: x.rebasings, rebased: x.rebased / reference)
      o.forEachRebasing(scope: s) { rebasing!.addRebasing(size: $0 / reference) }
    }
    add(
      drift: x.drift, overspendAmount: max(0, x.costOfNeed - x.budget) / reference, overspent: x.overspent,
      costOfNeed: x.costOfNeed / reference, budget: x.budget / reference, unmetShare: x.unmetShare,
      unmetShareByCategory: (x.unmetShareProactive, x.unmetShareReactive), gapThreshold: g,
      toleranceBreached: x.toleranceBreached, reserveExhausted: x.reserveExhausted)
  }

  private mutating func add(
    drift d: Double, overspendAmount o: Double, overspent: Bool, costOfNeed c: Double, budget b: Double,
    unmetShare u: Double, unmetShareByCategory uc: (Double, Double), gapThreshold g: Double,
    toleranceBreached: Bool, reserveExhausted: Bool
  ) {
    self.overspent.add(overspent)
    drift.add(d); driftDistribution.add(d)
    overspendAmount.add(o); overspendDistribution.add(o)
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
    costOfNeed.merge(o.costOfNeed); budget.merge(o.budget)
    driftPath.merge(o.driftPath)
    unmetShare.merge(o.unmetShare); serviceGap.merge(o.serviceGap)
    for c in 0..<2 {
      unmetShareByCategory[c].merge(o.unmetShareByCategory[c])
      serviceGapByCategory[c].merge(o.serviceGapByCategory[c])
    }
    toleranceBreached.merge(o.toleranceBreached)
    reserveExhausted.merge(o.reserveExhausted)
    mergeArrangements(o)
  }
}

extension RunAccumulator {
  /// The one door in: adds one walk of the ledger under evaluation `e` — every scope, every
  /// service, and the drivers on the total scope with the iteration's factor `scores`.
  package mutating func record(_ o: PathOutcome, evaluation e: Int, scores: FactorScores) {
    evaluations[e].record(o, references: references, gapThreshold: gapThreshold)
    let total = o.scopes[o.scopes.count - 1]
    scores.z.withUnsafeBase { z in
      scores.u.withUnsafeBase { u in drivers[e].add(drift: total.drift, overspent: total.overspent, z: z, u: u) }
    }
  }
}

extension EvaluationAccumulator {
  package mutating func record(_ o: PathOutcome, references: [Double], gapThreshold g: Double) {
    scopes.withUnsafeMutableBufferPointer { scopes in
      for s in scopes.indices { scopes[s].record(o, scope: s, reference: references[s], gapThreshold: g) }
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
