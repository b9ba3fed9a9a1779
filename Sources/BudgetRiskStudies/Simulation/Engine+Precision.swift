import BudgetRiskModel
import BudgetRiskEngine

extension Engine {
  /// Simulates in batches until the decision figure of `run` — the overspend probability at
  /// the recommended margin — has a 95 % Wilson half-width of at most `precision.halfWidth`,
  /// or `precision.maxIterations` iterations have run (under RQMC: the largest replicates ×
  /// ``PointGrid`` count within it, so that every replicate's points are whole nets).
  ///
  /// The decision figure is taken for the reported scope (the total, or the only pool) under
  /// every response: the largest half-width counts. Where no listed margin meets the target,
  /// the probability at the largest listed margin is used. Batch totals follow
  /// ``PrecisionTarget/projectedTotal(after:achieved:replicates:)`` — the total the last
  /// half-width projects, on the grid — and merge exactly, so the result is identical to one
  /// `Engine.run` over the final iteration count.
  ///
  /// - Returns: the merged run (incomplete if cancelled: check `isComplete`) and how the
  ///   precision run ended.
  public static func run(
    _ scenario: Scenario, options: RunOptions, precision: PrecisionTarget,
    progress: (@Sendable (Int) -> Void)? = nil, cancel: (@Sendable () -> Bool)? = nil
  ) throws(RunOptionsError) -> (run: SimulationRun, precision: PrecisionNote) {
    let plan: SimulationPlan
    do { plan = try SimulationPlan(scenario) } catch { throw .scenario(error) }
    return try run(plan, options: options, precision: precision, progress: progress, cancel: cancel)
  }

  /// A precision run of a compiled plan (see the overload above).
  public static func run(
    _ plan: SimulationPlan, options: RunOptions, precision: PrecisionTarget,
    progress: (@Sendable (Int) -> Void)? = nil, cancel: (@Sendable () -> Bool)? = nil
  ) throws(RunOptionsError) -> (run: SimulationRun, precision: PrecisionNote) {
    try precision.validate(firstBatch: options.iterations)
    try check(options.sampling, options: options, plan: plan)
    // Under RQMC every batch total must keep the replicates whole nets: the cap is rounded
    // down to replicates × a grid count (the first batch is on the grid, so it is within).
    let replicateCount = options.sampling.pointSets
    var precision = precision
    precision.maxIterations = precision.cap(replicates: replicateCount)
    var total = options.iterations
    var done = 0
    var merged: SimulationRun?
    var batches = [Int]()
    while true {
      var batch = options
      batch.firstIteration = options.firstIteration + done
      batch.iterations = total - done
      let part = try Engine.run(plan, options: batch, progress: progress, cancel: cancel)
      var whole = options
      whole.iterations = total
      var accumulator = merged?.accumulator ?? part.accumulator
      var replicates = merged?.replicates ?? part.replicates
      var conditional = merged?.conditional ?? part.conditional
      if merged != nil {
        accumulator.merge(part.accumulator)
        if let r = part.replicates { replicates?.merge(r) }
        if let c = part.conditional { conditional?.merge(c) }
      }
      let run = SimulationRun(
        options: whole, accumulator: accumulator,
        elapsedSeconds: (merged?.elapsedSeconds ?? 0) + part.elapsedSeconds, plan: part.plan,
        evaluations: part.evaluations, replicates: replicates, conditional: conditional)
      merged = run
      done = total
      batches.append(total)
      let halfWidth = run.isComplete ? decisionHalfWidth(run) : .infinity
      let reached = halfWidth <= precision.halfWidth
      if !run.isComplete || reached || total >= precision.maxIterations {
        return (run, PrecisionNote(
          target: precision.halfWidth, achieved: halfWidth, reached: reached,
          maxIterations: precision.maxIterations,
          figure: options.sampling.method == .rqmc
            ? "P(overspend) at the recommended margin, 95 % Student-t half-width over \(options.sampling.replicates) RQMC replicates"
              + (options.sampling.estimator == .conditional
                ? " (absorb: conditional Monte Carlo where it covers the budget and its bias is not flagged)" : "")
            : "P(overspend) at the recommended margin, 95 % Wilson half-width",
          batches: batches))
      }
      total = precision.projectedTotal(after: total, achieved: halfWidth, replicates: replicateCount)
    }
  }

  /// The largest 95 % half-width of P(overspend) at the headline budget (``HeadlineRule``)
  /// over the responses, for the reported scope (the total, or the only pool). Read off the
  /// accumulators: the figures of the run are not needed for one half-width.
  static func decisionHalfWidth(_ run: SimulationRun) -> Double {
    let plan = run.plan, s = plan.scopes.count - 1
    var widest = 0.0
    for response in plan.budget.responses {
      let indices = run.evaluations.indices.filter { run.evaluations[$0].response == response }
      let margins = indices.map { run.evaluations[$0].budget.margin }
      func scope(_ i: Int) -> ScopeAccumulator { run.accumulator.evaluations[indices[i]].scopes[s] }
      let recommended = HeadlineRule.recommended(margins: margins) { i in
        HeadlineRule.meetsTargets(
          overspend: scope(i).overspent(by: plan.budget.overspendRule).estimate, serviceGap: scope(i).serviceGap.estimate,
          categoryGaps: scope(i).serviceGapByCategory.map(\.estimate), spec: plan.budget)
          && HeadlineRule.meetsPoolTargets(pools: plan.scopes[s].pools, spec: plan.budget) { p in
            run.accumulator.evaluations[indices[i]].scopes[plan.scopeIndex(ofPool: p)].serviceGap.estimate
          }
      }
      guard let h = HeadlineRule.headline(margins: margins, recommended: recommended) else { return .infinity }
      if let replicates = run.replicates {
        // RQMC: the replicate means' t interval (the binomial one overstates the error).
        let figure = ReplicateFigures.overspendFigure(plan.budget.overspendRule, scope: scope(h))
        // Conditional Monte Carlo where it covers the budget and its bias is not flagged.
        if let conditional = run.conditional,
          let c = ReplicateFigures.ConditionalFigures(conditional, figure, evaluation: indices[h], scope: s), !c.flagged,
          let interval = c.overspendProbability
        {
          widest = max(widest, interval.halfWidth)
          continue
        }
        guard let interval = ReplicateInterval(replicates, figure, evaluation: indices[h], scope: s) else { return .infinity }
        widest = max(widest, interval.halfWidth)
        continue
      }
      let p = Probability(scope(h).overspent(by: plan.budget.overspendRule))
      widest = max(widest, (p.upper - p.lower) / 2)
    }
    return widest
  }
}
