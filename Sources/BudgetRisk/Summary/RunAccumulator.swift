/// Everything a run accumulates, mergeable exactly: two runs over disjoint iteration ranges
/// merge into the accumulator of one run over both, whatever the order.
///
/// Memory is fixed by the scenario's shape, never by the iteration count: a horizon drift
/// histogram of ``Layout/driftBins`` bins, an overspend histogram and one coarser histogram
/// per period for the fan chart, per proposed budget × response × scope.
public struct RunAccumulator: Sendable, Equatable {
  public internal(set) var iterations: UInt64 = 0
  var evaluations: [EvaluationAccumulator]
  /// Drivers of the overspend tail per evaluation, on the total scope.
  var drivers: [DriversAccumulator]

  /// Histogram layouts and their quantile error (at most one bin width inside the range).
  enum Layout {
    /// Horizon drift on [−1, 2): bin 5e−4, quantile error ≤ 5e−4 (0.05 percentage points).
    static let drift = (lower: -1.0, upper: 2.0, bins: 6_000)
    /// Overspend amount / reference budget on [0, 1): bin 2.5e−4.
    static let overspend = (lower: 0.0, upper: 1.0, bins: 4_000)
    /// Cumulative drift per period on [−0.5, 0.5): bin 2.5e−3, error ≤ 2.5e−3.
    static let driftPath = (lower: -0.5, upper: 0.5, bins: 400)
  }

  /// Empty accumulators for `evaluations` budgets evaluated on `plan`'s paths.
  init(plan: SimulationPlan, evaluations count: Int) {
    evaluations = (0..<count).map { _ in EvaluationAccumulator(plan: plan) }
    drivers = (0..<count).map { _ in DriversAccumulator(factors: plan.factorCount) }
  }

  public mutating func merge(_ other: RunAccumulator) {
    precondition(evaluations.count == other.evaluations.count, "merging runs of different scenarios")
    iterations += other.iterations
    for e in evaluations.indices { evaluations[e].merge(other.evaluations[e]) }
    for e in drivers.indices { drivers[e].merge(other.drivers[e]) }
  }
}

/// One proposed budget under one response.
struct EvaluationAccumulator: Sendable, Equatable {
  var scopes: [ScopeAccumulator]

  /// An empty accumulator shaped for `plan`'s scopes and services.
  init(plan: SimulationPlan) {
    scopes = plan.scopes.map { _ in
      ScopeAccumulator(periods: plan.periods, years: plan.years, budget: plan.budget)
    }
    unmetShareByService = Array(repeating: MeanAccumulator(), count: plan.serviceCount)
    serviceGapByService = Array(repeating: ProportionCounter(), count: plan.serviceCount)
  }
  var unmetShareByService: [MeanAccumulator]
  var serviceGapByService: [ProportionCounter]

  mutating func merge(_ other: EvaluationAccumulator) {
    for s in scopes.indices { scopes[s].merge(other.scopes[s]) }
    for v in unmetShareByService.indices {
      unmetShareByService[v].merge(other.unmetShareByService[v])
      serviceGapByService[v].merge(other.serviceGapByService[v])
    }
  }
}

/// One pool (or the total) under one proposed budget and response.
struct ScopeAccumulator: Sendable, Equatable {
  var overspent = ProportionCounter()
  var overspentByYear: [ProportionCounter]
  var drift = MeanAccumulator()
  var driftDistribution = BinnedQuantiles(
    lower: RunAccumulator.Layout.drift.lower, upper: RunAccumulator.Layout.drift.upper,
    binCount: RunAccumulator.Layout.drift.bins)
  /// Overspend amounts, divided by the scope's reference budget.
  var overspendAmount = MeanAccumulator()
  var overspendDistribution = BinnedQuantiles(
    lower: RunAccumulator.Layout.overspend.lower, upper: RunAccumulator.Layout.overspend.upper,
    binCount: RunAccumulator.Layout.overspend.bins)
  /// Cost of need and budget over the horizon, divided by the reference budget.
  var costOfNeed = MeanAccumulator()
  var budget = MeanAccumulator()
  var driftPath: PathHistograms
  var unmetShare = MeanAccumulator()
  var serviceGap = ProportionCounter()
  var unmetShareByCategory = [MeanAccumulator(), MeanAccumulator()]
  var serviceGapByCategory = [ProportionCounter(), ProportionCounter()]
  var toleranceBreached = ProportionCounter()
  var reserveExhausted = ProportionCounter()
  /// Present when the scenario has a risk share / rebasing.
  var riskShare: RiskShareAccumulator?
  var rebasing: RebasingAccumulator?

  init(periods: Int, years: Int, budget: BudgetSpec) {
    riskShare = budget.riskShare.map { RiskShareAccumulator(thresholds: $0.lossThresholds) }
    rebasing = budget.rebaseFraction.map { _ in RebasingAccumulator() }
    overspentByYear = Array(repeating: ProportionCounter(), count: years)
    let layout = RunAccumulator.Layout.driftPath
    driftPath = PathHistograms(periods: periods, lower: layout.lower, upper: layout.upper, binCount: layout.bins)
  }

  // The by-year and per-period entries are added by the ledger as it walks the periods.
  mutating func add(
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

  mutating func merge(_ o: ScopeAccumulator) {
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
  /// Adds row `r`'s outcome of evaluation `e` on the total scope to the drivers, with the
  /// factors' scores `z` and their Φ from `workspace`.
  mutating func addDrivers(evaluation e: Int, outcome o: ScopeOutcome, row r: Int, workspace: TileWorkspace) {
    let F = drivers[e].factors
    drivers[e].add(
      drift: o.drift, overspent: o.overspent, z: workspace.correlated.base + r * F, u: workspace.correlatedCDF.base + r * F)
  }
}
