@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskModel

/// One pass over a tile's need for every `absorb` evaluation.
///
/// Under `absorb` nothing is rationed, so nothing feeds back into need: every proposed budget
/// sees the same need path, and spend is that need. Where the budget is also the same for every
/// row and no arrangement moves the limit (no aligned transfers, rebasing, carry-forward or
/// risk share), a walk's figures are ratios and comparisons of two running sums — the need's,
/// once per row, and the budget's, once per evaluation — and the reserve's test, a running
/// comparison per pool. This pass forms the need sums once per row of a tile
/// (``prepare(rows:)``) and the budget sums once per evaluation (at construction), so that
/// ``BudgetLedger/walk(row:absorbing:slot:detailed:)`` only compares and divides.
///
/// Exact: cost and budgets are on the money grid (`MoneyGrid`), where sums do not depend on
/// their order, and each figure is the same expression of the same sums as in the full walk,
/// so the outcome equals ``BudgetLedger/walk(row:iteration:seed:evaluation:detailed:)``'s to
/// the bit (`AbsorbPassTests`, every bundled scenario; `scripts/bit-identical.sh`).
package final class AbsorbPass {
  let plan: SimulationPlan
  /// Per evaluation: its slot in the pass, or nil when the full walk takes it.
  private let slots: [Int?]
  /// Per slot, per pool and period: the proposed budget of the year to date, `slots × P × T`
  /// (`PoolYear.budget` in the walk).
  private let poolBudgetToDate: Buffer<Double>
  /// Per slot, per scope and period: the proposed budget to date over the horizon and within
  /// the budget year, `slots × S × T`.
  private let scopeBudgetToDate: Buffer<Double>, scopeYearBudgetToDate: Buffer<Double>
  /// Per row of the tile, per scope and period: the cost of need to date over the horizon and
  /// within the budget year, `rows × S × T`; per row and scope the need by category, `rows × S × 2`.
  private let scopeNeedToDate: Buffer<Double>, scopeYearNeedToDate: Buffer<Double>
  private let categoryNeed: Buffer<Double>

  /// A pass for the evaluations of `list` it can take, or nil when it takes none.
  package init?(plan: SimulationPlan, evaluations list: [Evaluation]) {
    guard Self.applies(to: plan) else { return nil }
    var slots = [Int?](repeating: nil, count: list.count), n = 0
    for (e, evaluation) in list.enumerated() where Self.takes(evaluation, plan: plan) {
      slots[e] = n; n += 1
    }
    guard n > 0 else { return nil }
    self.plan = plan
    self.slots = slots
    let P = plan.poolCount, T = plan.periods, S = plan.scopes.count, ppy = plan.periodsPerYear
    poolBudgetToDate = Buffer(n * P * T)
    scopeBudgetToDate = Buffer(n * S * T); scopeYearBudgetToDate = Buffer(n * S * T)
    scopeNeedToDate = Buffer(TileWorkspace.rows * S * T); scopeYearNeedToDate = Buffer(TileWorkspace.rows * S * T)
    categoryNeed = Buffer(TileWorkspace.rows * S * 2)
    // The budgets, filled as the walk fills them; no population is read (`dependsOnPopulation`).
    let budget = Buffer<Double>(P * T), population = Buffer<Double>(T * plan.segmentCount)
    for (e, slot) in slots.enumerated() {
      guard let k = slot else { continue }
      list[e].budget.fill(budget.handle, plan: plan, population: population.handle)
      for p in 0..<P {
        var toDate = 0.0
        for t in 0..<T {
          if t % ppy == 0 { toDate = 0 }
          toDate += budget[p * T + t]
          poolBudgetToDate[(k * P + p) * T + t] = toDate
        }
      }
      Self.scopeBudgetsToDate(budget.handle, plan: plan) { s, t, total, year in
        scopeBudgetToDate[(k * S + s) * T + t] = total
        scopeYearBudgetToDate[(k * S + s) * T + t] = year
      }
    }
  }

  /// Each scope's budget to date over the horizon and within the budget year, period by
  /// period, of one filled budget (`P × T`, ``ProposedBudget/fill(_:plan:population:)``):
  /// `emit(scope, period, horizon to date, year to date)`, summed as the walk sums them.
  static func scopeBudgetsToDate(
    _ budget: Handle<Double>, plan: SimulationPlan, emit: (Int, Int, Double, Double) -> Void
  ) {
    let T = plan.periods, ppy = plan.periodsPerYear
    for (s, scope) in plan.scopes.enumerated() {
      var total = 0.0, year = 0.0
      for t in 0..<T {
        if t % ppy == 0 { year = 0 }
        var period = 0.0
        for p in scope.pools { period += budget[p * T + t] }
        total += period; year += period
        emit(s, t, total, year)
      }
    }
  }

  /// Whether the pass takes evaluation `evaluation` of `plan`: an absorb evaluation whose
  /// budget does not follow the realised population, in a plan the pass ``applies(to:)``.
  static func takes(_ evaluation: Evaluation, plan: SimulationPlan) -> Bool {
    evaluation.response == .absorb && !evaluation.budget.dependsOnPopulation(plan)
  }

  /// Whether `plan`'s absorb walks are the same need path for every budget with nothing that
  /// moves the limit: no pool rationing under `pool_rules`, no aligned transfers, rebasing,
  /// carry-forward or risk share (those follow the budget period by period; the full walk
  /// takes them).
  static func applies(to plan: SimulationPlan) -> Bool {
    let spec = plan.budget
    guard case .separate = spec.arrangement else { return false }
    return spec.rebaseFraction == nil && !spec.carryForward && spec.riskShare == nil
      && !plan.poolResponse.contains(.ration) && plan.periods % plan.periodsPerYear == 0
  }

  /// The pass's slot for evaluation `e`, or nil when the full walk takes it.
  @inline(__always)
  package func slot(of e: Int) -> Int? { slots[e] }

  /// Forms the need sums of the tile's `rows` (after `TileWorkspace.simulate`).
  package func prepare(rows: Range<Int>, cells: TileCells) {
    let P = plan.poolCount, T = plan.periods, S = plan.scopes.count, ppy = plan.periodsPerYear
    for r in rows {
      let poolCells = cells.poolCategoryCost(row: r)
      for (s, scope) in plan.scopes.enumerated() {
        let toDate = scopeNeedToDate.row(r * S + s, width: T), yearToDate = scopeYearNeedToDate.row(r * S + s, width: T)
        var total = 0.0, year = 0.0, proactive = 0.0, reactive = 0.0
        for t in 0..<T {
          if t % ppy == 0 { year = 0 }
          var period = 0.0
          for p in scope.pools {
            let pro = poolCells[t * 2 * P + 2 * p], rea = poolCells[t * 2 * P + 2 * p + 1]
            period += pro + rea
            proactive += pro; reactive += rea
          }
          total += period; year += period
          toDate[t] = total; yearToDate[t] = year
        }
        categoryNeed[(r * S + s) * 2] = proactive; categoryNeed[(r * S + s) * 2 + 1] = reactive
      }
    }
  }
}

extension BudgetLedger {
  /// Row `r`'s outcome under the absorb evaluation in `pass`'s `slot`: what
  /// ``walk(row:iteration:seed:evaluation:detailed:)`` returns for it, to the bit, from the
  /// pass's sums (``AbsorbPass/prepare(rows:cells:)`` first, for the row's tile).
  ///
  /// `path: false` leaves the drift path unwritten (an evaluation whose fan is read off
  /// another's, ``SharedFans``); ``fillDriftPath(row:absorbing:slot:)`` writes it later if the
  /// outcome is recorded for a ration twin after all.
  package func walk(
    row r: Int, absorbing pass: AbsorbPass, slot k: Int, detailed: Bool = true, path: Bool = true
  ) -> PathOutcome {
    let P = plan.poolCount, T = plan.periods, S = plan.scopes.count, ppy = plan.periodsPerYear, Y = plan.years
    let review = spec.reviewEvery, tolerance = spec.driftTolerance
    // The reserve: a pool is exhausted where a period's need exceeds its budget to date plus
    // the reserve left, less its spend to date, the walk's expression (`+ moved` is `+ 0`);
    // a year's overspend of its budget comes out of the reserve at the year end.
    let poolCells = cells.poolCategoryCost(row: r)
    let budgetToDate = pass.poolBudgetToDateOf(slot: k)
    for p in 0..<P {
      var reserve = plan.reserve[p], spend = 0.0, reached = false
      var nextYearEnd = ppy
      for t in 0..<T {
        let pro = poolCells[t * 2 * P + 2 * p], rea = poolCells[t * 2 * P + 2 * p + 1]
        let budget = budgetToDate[p * T + t]
        if pro + rea > budget + reserve - spend { reached = true; break }
        spend += pro + rea
        if t + 1 == nextYearEnd {
          nextYearEnd += ppy
          reserve = max(0, reserve - max(0, -(budget - spend)))
          spend = 0
        }
      }
      exhausted[p] = reached
      horizon[p] = PoolHorizon()
    }
    let needToDate = pass.scopeNeedToDateOf(row: r), yearNeedToDate = pass.scopeYearNeedToDateOf(row: r)
    let scopeBudget = pass.scopeBudgetToDateOf(slot: k), yearBudget = pass.scopeYearBudgetToDateOf(slot: k)
    let paths = pathDrift.handle, byYear = overspentByYear.handle, costByYear = costOfNeedByYear.handle
    let budgetYear = budgetByYear.handle, unmetYear = unmetShareByYear.handle, rationingStart = rationingStartByYear.handle
    for s in 0..<S {
      let need = needToDate.row(s, width: T), yearNeed = yearNeedToDate.row(s, width: T)
      let budget = scopeBudget.row(s, width: T), yearBudgetToDate = yearBudget.row(s, width: T)
      var exhaustedAny = false
      for p in scopePools[s] where exhausted[p] { exhaustedAny = true }
      var breaches = ReviewBreaches()
      var t = review - 1
      while t < T {
        breaches.review(drift: Self.drift(yearNeed[t], yearBudgetToDate[t]), tolerance: tolerance, period: t)
        t += review
      }
      if detailed {
        if path { Self.fillDriftPath(paths.row(s, width: T), need: need, budget: budget, periods: T) }
        for y in 0..<Y {
          let end = (y + 1) * ppy - 1, i = s * Y + y
          byYear[i] = yearNeed[end] > yearBudgetToDate[end]
          costByYear[i] = yearNeed[end]
          budgetYear[i] = yearBudgetToDate[end]
          unmetYear[i] = yearNeed[end] > 0 ? 0.0 / yearNeed[end] : 0
          rationingStart[i] = -1
        }
      }
      let totalNeed = need[T - 1], totalBudget = budget[T - 1]
      let proactive = pass.categoryNeed(row: r, scope: s, category: 0)
      let reactive = pass.categoryNeed(row: r, scope: s, category: 1)
      // The walk's expressions with nothing unmet (`0.0 / x` is +0 as there).
      let settled = PoolHorizon()
      outcomes[s] = ScopeOutcome(
        costOfNeed: totalNeed, budget: totalBudget, unmet: 0, overspent: totalNeed > totalBudget,
        unmetShare: totalNeed > 0 ? 0.0 / totalNeed : 0, toleranceBreached: breaches.any, reserveExhausted: exhaustedAny,
        yearEndVariance: settled.variance, providerResult: settled.provider,
        funderResult: settled.variance - settled.provider, rebasings: settled.rebasings, rebased: settled.rebased,
        unmetShareProactive: proactive > 0 ? 0.0 / proactive : 0,
        unmetShareReactive: reactive > 0 ? 0.0 / reactive : 0,
        breaches: breaches)
    }
    if detailed { serviceUnmetShares.zero() }
    return result
  }

  /// Writes the drift path of row `r`'s outcome under `pass`'s `slot` (what a detailed
  /// ``walk(row:absorbing:slot:detailed:path:)`` writes), into the outcome that walk returned.
  package func fillDriftPath(row r: Int, absorbing pass: AbsorbPass, slot k: Int) {
    let T = plan.periods
    let needToDate = pass.scopeNeedToDateOf(row: r), scopeBudget = pass.scopeBudgetToDateOf(slot: k)
    for s in 0..<plan.scopes.count {
      Self.fillDriftPath(
        pathDrift.handle.row(s, width: T), need: needToDate.row(s, width: T), budget: scopeBudget.row(s, width: T), periods: T)
    }
  }

  @inline(__always)
  static func fillDriftPath(_ path: Handle<Double>, need: Handle<Double>, budget: Handle<Double>, periods T: Int) {
    for t in 0..<T { path[t] = drift(need[t], budget[t]) }
  }
}

extension AbsorbPass {
  @inline(__always)
  func poolBudgetToDateOf(slot k: Int) -> Handle<Double> {
    poolBudgetToDate.row(k, width: plan.poolCount * plan.periods)
  }
  @inline(__always)
  func scopeBudgetToDateOf(slot k: Int) -> Handle<Double> {
    scopeBudgetToDate.row(k, width: plan.scopes.count * plan.periods)
  }
  @inline(__always)
  func scopeYearBudgetToDateOf(slot k: Int) -> Handle<Double> {
    scopeYearBudgetToDate.row(k, width: plan.scopes.count * plan.periods)
  }
  @inline(__always)
  func scopeNeedToDateOf(row r: Int) -> Handle<Double> { scopeNeedToDate.row(r, width: plan.scopes.count * plan.periods) }
  @inline(__always)
  func scopeYearNeedToDateOf(row r: Int) -> Handle<Double> {
    scopeYearNeedToDate.row(r, width: plan.scopes.count * plan.periods)
  }
  @inline(__always)
  func categoryNeed(row r: Int, scope s: Int, category c: Int) -> Double { categoryNeed[(r * plan.scopes.count + s) * 2 + c] }
}
