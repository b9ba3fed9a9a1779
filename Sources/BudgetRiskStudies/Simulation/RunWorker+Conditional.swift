import BudgetRiskModel
@_spi(HotPath) import BudgetRiskEngine

extension RunWorker {
  /// Under `--estimator conditional`: each active row's cumulants given its path
  /// (``ConditionalCost``), and the conditional figures of every absorb evaluation the pass
  /// covers, in the row's replicate (``ConditionalAccumulator``). Nothing otherwise.
  func recordConditional(tile t: Int, active: Range<Int>) {
    guard let cost = conditionalCost, let pass = conditionalPass, let count = conditional?.replicates else { return }
    let base = t * TileWorkspace.rows
    for r in active {
      let replicate = (base + r) % count
      cost.fill(row: r, from: workspace)
      conditional?.countPath(replicate: replicate)
      for e in 0..<(conditional?.evaluationCount ?? 0) {
        guard let slot = pass.slot(of: e) else { continue }
        conditional?.record(cost, row: r, pass: pass, slot: slot, evaluation: e, replicate: replicate)
      }
    }
  }
}

extension Engine {
  /// Refuses `--estimator conditional` where it has nothing to estimate: it covers absorb
  /// evaluations whose need is one path for every budget and whose limit nothing moves
  /// (``AbsorbPass``), and no evaluation of `plan` is one.
  package static func checkConditional(_ sampling: Sampling, plan: SimulationPlan, evaluations: [Evaluation]) throws(RunOptionsError) {
    guard sampling.estimator == .conditional else { return }
    guard AbsorbPass(plan: plan, evaluations: evaluations) != nil else {
      throw .invalid(
        "--estimator conditional covers absorb evaluations with separate pools and nothing that moves the limit "
          + "(no aligned transfers, rebasing, carry-forward, risk share or pool rationing, and a budget that does not "
          + "follow the population); this scenario has none: leave out --estimator")
    }
  }
}
