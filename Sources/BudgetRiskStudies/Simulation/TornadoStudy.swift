import BudgetRiskNumerics
import BudgetRiskModel
import BudgetRiskEngine

/// The tornado's pass (``TornadoFigures``): the plan simulated again on the run's own
/// iterations (the same seed, so the same paths), the one budget walked, and each factor's
/// window means accumulated exactly and mergeably. A separate pass keeps the run's hot loop
/// as it is; it costs about one more run, and only when a tornado is asked for.
public enum TornadoStudy {
  /// The percentile windows: 5th–15th (for the 10th) and 85th–95th (for the 90th).
  public static let window = 0.05
  static let centres = [0.1, 0.9]

  /// The tornado of `plan` at its headline budget (the recommended margin, else the largest
  /// listed, see `HeadlineRule`) under its first response, over `options`' iterations.
  public static func run(
    _ plan: SimulationPlan, figures: RunFigures, options: RunOptions, cancel: (@Sendable () -> Bool)? = nil
  ) throws(RunOptionsError) -> TornadoFigures? {
    guard let response = plan.budget.responses.first, !plan.factors.isEmpty else { return nil }
    let scope = plan.scopes[plan.scopes.count - 1].name
    let margins = plan.proposals.map(\.margin)
    let rec = figures.recommendations.first { $0.response == response.rawValue && $0.scope == scope }?.margin
    let recommended = rec.flatMap { m in margins.firstIndex { $0 == m } }
    guard let k = HeadlineRule.headline(margins: margins, recommended: recommended) else { return nil }
    return try run(plan, evaluation: Evaluation(budget: plan.proposals[k], response: response), options: options, cancel: cancel)
  }

  /// The tornado of `plan` at `evaluation`.
  package static func run(
    _ plan: SimulationPlan, evaluation: Evaluation, options: RunOptions, cancel: (@Sendable () -> Bool)? = nil
  ) throws(RunOptionsError) -> TornadoFigures {
    try Engine.check(options)
    try Engine.requirePlain(options, study: "the tornado")
    let (workers, _) = ParallelTiles.run(options: options, cancel: cancel) { TornadoWorker(plan: plan, evaluation: evaluation) }
    var total = TornadoAccumulator(factors: plan.factors.count)
    for w in workers { total.merge(w.sums) }
    let bars = plan.factors.enumerated().map { f, factor in
      let points = centres.indices.map { side in
        TornadoPoint(
          percentile: centres[side], expectedCost: Estimate(total.cost[f * 2 + side]),
          overspendProbability: Probability(total.overspent[f * 2 + side]), iterations: total.overspent[f * 2 + side].trials)
      }
      return TornadoBar(
        factor: factor.name, low: points[0], high: points[1],
        costSwing: points[1].expectedCost.mean - points[0].expectedCost.mean,
        overspendSwing: points[1].overspendProbability.estimate - points[0].overspendProbability.estimate)
    }
    return TornadoFigures(
      proposal: evaluation.budget.label, response: evaluation.response.rawValue, scope: plan.scopes[plan.scopes.count - 1].name,
      currency: plan.currency, window: window, expectedCost: Estimate(total.allCost),
      overspendProbability: Probability(total.allOverspent),
      factors: bars.enumerated().sorted { (-abs($0.element.costSwing), $0.offset) < (-abs($1.element.costSwing), $1.offset) }.map(\.element))
  }
}

/// Per factor and side (`f × 2 + side`): the cost of need and the overspend indicator over
/// the iterations in the window. Exact, mergeable sums.
struct TornadoAccumulator: Sendable {
  var cost: [MeanAccumulator]
  var overspent: [ProportionCounter]
  var allCost = MeanAccumulator()
  var allOverspent = ProportionCounter()

  init(factors: Int) {
    cost = Array(repeating: MeanAccumulator(), count: factors * 2)
    overspent = Array(repeating: ProportionCounter(), count: factors * 2)
  }

  mutating func merge(_ o: TornadoAccumulator) {
    for i in cost.indices { cost[i].merge(o.cost[i]); overspent[i].merge(o.overspent[i]) }
    allCost.merge(o.allCost); allOverspent.merge(o.allOverspent)
  }
}

final class TornadoWorker: TileWorker {
  let workspace: TileWorkspace
  let ledger: BudgetLedger
  let evaluation: Evaluation
  let scope: Int
  let factors: Int
  var sums: TornadoAccumulator

  init(plan: SimulationPlan, evaluation: Evaluation) {
    workspace = TileWorkspace(plan: plan)
    ledger = BudgetLedger(plan: plan, cells: TileCells(workspace))
    self.evaluation = evaluation
    scope = plan.scopes.count - 1
    factors = plan.factors.count
    sums = TornadoAccumulator(factors: factors)
  }

  func process(tile t: Int, active: Range<Int>, seed: UInt64) {
    workspace.simulate(tile: t, active: active, seed: seed)
    let w = TornadoStudy.window
    for r in active {
      let o = ledger.walk(row: r, iteration: t * TileWorkspace.rows + r, seed: seed, evaluation: evaluation, detailed: false)
        .scopes[scope]
      let u = workspace.factorScores(row: r).u
      sums.allCost.add(o.costOfNeed); sums.allOverspent.add(o.overspent)
      for f in 0..<factors {
        for (side, centre) in TornadoStudy.centres.enumerated() where u[f] >= centre - w && u[f] < centre + w {
          sums.cost[f * 2 + side].add(o.costOfNeed)
          sums.overspent[f * 2 + side].add(o.overspent)
        }
      }
    }
  }
}

extension TornadoStudy {
  /// Every design's tornado in a comparison, at one shared budget for all: the baseline's
  /// recommended margin (by its label) under the first shared response, else that response's
  /// last shared budget (the largest margin, as the headline rule takes); each design at its
  /// own evaluation of that budget (on a common basis, the same money).
  public static func run(
    _ c: ComparisonRun, figures: [RunFigures], cancel: (@Sendable () -> Bool)? = nil
  ) throws(RunOptionsError) -> [(design: String, tornado: TornadoFigures)] {
    guard let response = c.shared.first?.response else { return [] }
    let b = c.baseline
    let scope = c.runs[b].plan.scopes[c.runs[b].plan.scopes.count - 1].name
    let recommended = figures[b].recommendations.first { $0.response == response.rawValue && $0.scope == scope }?.margin
    let label = recommended.flatMap { m in c.runs[b].plan.proposals.first { $0.margin == m }?.label }
    let candidates = c.shared.indices.filter { c.shared[$0].response == response }
    guard let k = candidates.first(where: { c.shared[$0].proposal == label }) ?? candidates.last else { return [] }
    var result: [(design: String, tornado: TornadoFigures)] = []
    for d in c.designs.indices where !c.runs[d].plan.factors.isEmpty {
      let evaluation = c.runs[d].evaluations[c.layoutEvaluation(design: d, shared: k)]
      result.append((c.designs[d].name, try run(c.runs[d].plan, evaluation: evaluation, options: c.options, cancel: cancel)))
    }
    return result
  }
}
