/// Runs one iteration's cost of need through one proposed budget and provider response.
///
/// Per pool and budget year, the provider may spend up to the year-to-date *limit budget*
/// plus what is left of its reserve. The limit budget starts as the proposed budget and
/// moves with the funding arrangements (`BudgetLedger+Arrangements.swift`): aligned pools'
/// transfers, the funder's rebasing at reviews, and underspend carried forward. Past the
/// limit, `absorb` keeps meeting need (the reserve is marked exhausted; the overspend is
/// drift) and `ration` delivers only what the money covers, in the scenario's rationing
/// order. At a year end any overspend of the limit is taken from the reserve and the risk
/// share settles the year's variance against the committed budget.
///
/// Overspend, drift and the per-year figures stay measured against the proposed budget:
/// the money committed in advance.
///
/// When rationing cuts an intervention's proactive services, the intervention's effect on
/// its reactive targets falls `lag` periods later, so those cells are re-drawn at the higher
/// rate from their own random streams (common random numbers): rationing prevention raises
/// later crisis demand and with it the cost of need.
final class BudgetLedger {
  let plan: SimulationPlan
  let tile: TileWorkspace
  /// Per pool and period: the proposed budget, proactive and reactive need, and delivered shares.
  let budget: Buffer, needProactive: Buffer, needReactive: Buffer
  private let deliveredProactive: Buffer, deliveredReactive: Buffer
  /// The provider's limit budget per pool and period: the proposed budget plus rebasing and
  /// carried-forward underspend.
  let limitBudget: Buffer
  /// Cost of need per period and service on this budget's path, `T × V`.
  private let need: Buffer
  /// Share of each intervention's proactive need delivered per period, `K × T`.
  private let interventionDelivery: Buffer
  /// Each rebasing's amount, `P × maxRebasings`, in the order they happened.
  let rebasingAmounts: Buffer
  let maxRebasings: Int
  // `@exclusivity(unchecked)`: the ledger never leaves its worker's thread, and the dynamic
  // exclusivity checks on these class properties were ~18 % of a run's instructions (callgrind).
  @exclusivity(unchecked) var reserveLeft: [Double], exhausted: [Bool]
  /// Per pool: this budget year's running position, and totals over the horizon.
  @exclusivity(unchecked) var year: [PoolYear], horizon: [PoolHorizon]
  /// What the last `evaluate` came to, per scope (pools, then the total): for workers that
  /// need per-iteration values (paired design comparison, the margin solver, drivers).
  @exclusivity(unchecked) private(set) var outcomes: [ScopeOutcome]

  init(plan: SimulationPlan, tile: TileWorkspace) {
    self.plan = plan
    self.tile = tile
    let P = plan.poolCount, T = plan.periods
    budget = Buffer(P * T); needProactive = Buffer(P * T); needReactive = Buffer(P * T)
    deliveredProactive = Buffer(P * T); deliveredReactive = Buffer(P * T)
    limitBudget = Buffer(P * T)
    need = Buffer(T * plan.serviceCount)
    interventionDelivery = Buffer(max(1, plan.scenario.interventions.count) * T)
    maxRebasings = T / plan.scenario.budget.reviewEvery + 1
    rebasingAmounts = Buffer(P * maxRebasings)
    reserveLeft = Array(repeating: 0, count: P)
    exhausted = Array(repeating: false, count: P)
    year = Array(repeating: PoolYear(), count: P)
    horizon = Array(repeating: PoolHorizon(), count: P)
    outcomes = Array(repeating: ScopeOutcome(), count: plan.scopes.count)
  }

  /// Evaluates row `r` (global iteration `iteration`) of the tile under evaluation `e`.
  func evaluate(row r: Int, iteration: Int, seed: UInt64, evaluation e: Int, into acc: inout EvaluationAccumulator) {
    let scenario = plan.scenario
    let T = plan.periods, P = plan.poolCount, V = plan.serviceCount, ppy = plan.periodsPerYear
    let evaluation = plan.evaluations[e]
    let rationing = evaluation.response == .ration
    let order = scenario.budget.rationingOrder
    let review = scenario.budget.reviewEvery
    setBudgets(row: r, proposal: scenario.budget.proposals[evaluation.proposal])
    limitBudget.base.update(from: budget.base, count: P * T)

    let rowCost = tile.cost.base + r * T * V
    need.base.update(from: rowCost, count: T * V)
    var diverged = false
    for p in 0..<P {
      reserveLeft[p] = plan.reserve[p]; exhausted[p] = false
      year[p] = PoolYear(); horizon[p] = PoolHorizon()
    }

    for t in 0..<T {
      if t % ppy == 0 { openYear(t / ppy) }
      let poolCells = tile.poolCategoryCost.base + (r * T + t) * 2 * P
      for p in 0..<P {
        let i = p * T + t
        needProactive[i] = poolCells[2 * p]
        needReactive[i] = poolCells[2 * p + 1]
        year[p].budget += limitBudget[i]; year[p].proposed += budget[i]
      }
      if diverged { redrawTargets(row: r, iteration: iteration, seed: seed, period: t) }
      if case .aligned = scenario.budget.arrangement { transferBetweenAlignedPools(period: t) }

      for p in 0..<P {
        let i = p * T + t
        let pro = needProactive[i], rea = needReactive[i]
        // In the order the ledger always summed it, so figures without arrangements keep their bits.
        let limit = year[p].budget + year[p].moved + reserveLeft[p] - year[p].spend
        var fPro = 1.0, fRea = 1.0
        if pro + rea > limit {
          exhausted[p] = true
          if rationing {
            let available = max(0, limit)
            switch order {
            case .proactiveFirst:
              let deliveredRea = min(rea, available)
              fRea = rea > 0 ? deliveredRea / rea : 1
              fPro = pro > 0 ? min(pro, available - deliveredRea) / pro : 1
            case .proRata:
              fPro = available / (pro + rea); fRea = fPro
            case .reactiveProtected:
              fPro = pro > 0 ? min(pro, max(0, available - rea)) / pro : 1
            }
          }
        }
        deliveredProactive[i] = fPro; deliveredReactive[i] = fRea
        year[p].spend += fPro * pro + fRea * rea
      }

      if rationing && plan.hasFeedback {
        for (k, intervention) in scenario.interventions.enumerated() {
          var needed = 0.0, delivered = 0.0
          for v in intervention.proactive {
            needed += need[t * V + v]
            delivered += need[t * V + v] * deliveredProactive[plan.poolOfService[v] * T + t]
          }
          let share = needed > 0 ? delivered / needed : 1
          interventionDelivery[k * T + t] = share
          if share < 1 { diverged = true }
        }
      }
      if let fraction = scenario.budget.rebaseFraction, (t + 1) % review == 0 { rebase(period: t, fraction: fraction) }
      if (t + 1) % ppy == 0 { closeYear(t / ppy) }
    }
    record(rationing: rationing, into: &acc)
  }

  /// Budget per pool and period for this row and proposal.
  private func setBudgets(row r: Int, proposal: Proposal) {
    let T = plan.periods, S = plan.segmentCount
    for p in 0..<plan.poolCount {
      for t in 0..<T {
        let base: Double
        if case .capitation(let rates, let segments) = plan.scenario.budget.base {
          var people = 0.0
          for s in segments { people += tile.population[(r * T + t) * S + s] }
          base = rates[p] / Double(plan.periodsPerYear) * people
        } else {
          base = plan.expectedBase[p * T + t]
        }
        switch proposal {
        case .margin(let m): budget[p * T + t] = base * (1 + m)
        case .amounts(_, let annual): budget[p * T + t] = annual[p] * plan.profile[p * T + t]
        }
      }
    }
  }

  /// Re-draws the intervention targets in period `t` whose multiplier differs from full delivery.
  private func redrawTargets(row r: Int, iteration: Int, seed: UInt64, period t: Int) {
    let T = plan.periods, V = plan.serviceCount
    for v in 0..<V where plan.isTarget[v] {
      let full = tile.interventionMultiplier(row: r, period: t, service: v, delivered: nil)
      let actual = tile.interventionMultiplier(row: r, period: t, service: v, delivered: interventionDelivery)
      guard actual != full else { continue }
      let redrawn = tile.redrawCell(row: r, iteration: iteration, seed: seed, period: t, service: v, multiplier: actual)
      let change = redrawn - need[t * V + v]
      need[t * V + v] = redrawn
      let i = plan.poolOfService[v] * T + t
      if plan.isProactive[v] { needProactive[i] += change } else { needReactive[i] += change }
    }
  }

  /// Turns the path into this iteration's figures for every scope.
  private func record(rationing: Bool, into acc: inout EvaluationAccumulator) {
    let T = plan.periods, V = plan.serviceCount, ppy = plan.periodsPerYear
    let budgetSpec = plan.scenario.budget
    let review = budgetSpec.reviewEvery, tolerance = budgetSpec.driftTolerance
    let gapThreshold = budgetSpec.serviceGapThreshold

    for (s, scope) in plan.scopes.enumerated() {
      var totalNeed = 0.0, totalBudget = 0.0
      var needByCategory = (0.0, 0.0), unmetByCategory = (0.0, 0.0)
      var yearNeed = 0.0, yearBudgetSum = 0.0, ytdSpend = 0.0, ytdBudget = 0.0
      var breached = false
      var exhaustedAny = false
      for p in scope.pools where exhausted[p] { exhaustedAny = true }
      var nextReview = review, nextYearEnd = ppy  // period counts, instead of `%` per period
      for t in 0..<T {
        var periodNeed = 0.0, periodBudget = 0.0, periodSpend = 0.0
        for p in scope.pools {
          let i = p * T + t
          let pro = needProactive[i], rea = needReactive[i]
          periodNeed += pro + rea
          periodBudget += budget[i]
          periodSpend += pro * deliveredProactive[i] + rea * deliveredReactive[i]
          needByCategory.0 += pro; needByCategory.1 += rea
          unmetByCategory.0 += pro * (1 - deliveredProactive[i])
          unmetByCategory.1 += rea * (1 - deliveredReactive[i])
        }
        totalNeed += periodNeed; totalBudget += periodBudget
        yearNeed += periodNeed; yearBudgetSum += periodBudget
        ytdSpend += periodSpend; ytdBudget += periodBudget
        acc.scopes[s].driftPath[t].add(Self.drift(totalNeed, totalBudget))
        if t + 1 == nextReview {
          nextReview += review
          if abs(Self.drift(ytdSpend, ytdBudget)) > tolerance { breached = true }
        }
        if t + 1 == nextYearEnd {
          nextYearEnd += ppy
          acc.scopes[s].overspentByYear[t / ppy].add(yearNeed > yearBudgetSum)
          yearNeed = 0; yearBudgetSum = 0; ytdSpend = 0; ytdBudget = 0
        }
      }
      let reference = scope.reference
      let drift = Self.drift(totalNeed, totalBudget)
      let overspend = max(0, totalNeed - totalBudget) / reference
      let unmet = unmetByCategory.0 + unmetByCategory.1
      let unmetShare = totalNeed > 0 ? unmet / totalNeed : 0
      var settled = PoolHorizon()
      for p in scope.pools { settled.add(horizon[p]) }
      outcomes[s] = ScopeOutcome(
        costOfNeed: totalNeed, budget: totalBudget, unmet: unmet, overspent: totalNeed > totalBudget,
        unmetShare: unmetShare, toleranceBreached: breached, reserveExhausted: exhaustedAny,
        yearEndVariance: settled.variance, providerResult: settled.provider,
        funderResult: settled.variance - settled.provider,
        rebasings: settled.rebasings, rebased: settled.rebased)
      recordArrangements(scope: scope, outcome: outcomes[s], into: &acc.scopes[s])
      acc.scopes[s].add(
        drift: drift, overspendAmount: overspend, overspent: totalNeed > totalBudget,
        costOfNeed: totalNeed / reference, budget: totalBudget / reference,
        unmetShare: unmetShare,
        unmetShareByCategory: (
          needByCategory.0 > 0 ? unmetByCategory.0 / needByCategory.0 : 0,
          needByCategory.1 > 0 ? unmetByCategory.1 / needByCategory.1 : 0),
        gapThreshold: gapThreshold, toleranceBreached: breached, reserveExhausted: exhaustedAny)
    }

    for v in 0..<V {
      var serviceNeed = 0.0, serviceUnmet = 0.0
      let delivered = plan.isProactive[v] ? deliveredProactive : deliveredReactive
      let poolRow = plan.poolOfService[v] * T
      // Under absorb nothing is unmet, so the share is 0 without summing the need (~3 %).
      for t in 0..<T where rationing {
        let n = need[t * V + v]
        serviceNeed += n
        serviceUnmet += n * (1 - delivered[poolRow + t])
      }
      let share = serviceNeed > 0 ? serviceUnmet / serviceNeed : 0
      acc.unmetShareByService[v].add(share)
      acc.serviceGapByService[v].add(share > gapThreshold)
    }
  }

  /// (cost − budget) / budget, and 0 when both are 0.
  @inline(__always)
  static func drift(_ cost: Double, _ budget: Double) -> Double {
    budget > 0 ? cost / budget - 1 : (cost > 0 ? Double.infinity : 0)
  }
}

/// One iteration's result for one scope under one evaluation, in money over the horizon.
struct ScopeOutcome: Sendable, Equatable {
  var costOfNeed = 0.0
  var budget = 0.0
  /// Need left unmet by rationing (0 when the provider absorbs).
  var unmet = 0.0
  var overspent = false
  var unmetShare = 0.0
  var toleranceBreached = false
  var reserveExhausted = false

  /// Σ over the scope's pools and budget years of spend − committed budget (the proposed
  /// budget plus carried-forward underspend), on the risk share's grid; 0 without a risk share.
  var yearEndVariance = 0.0
  /// The provider's loss under the risk share (negative: gain), money.
  var providerResult = 0.0
  /// The funder's extra payment under the risk share, `yearEndVariance − providerResult`
  /// exactly (negative: the funder keeps part of an underspend).
  var funderResult = 0.0
  /// How many times the funder rebased one of the scope's pools.
  var rebasings = 0
  /// Net money the funder added by rebasing (negative: budget taken back).
  var rebased = 0.0

  var drift: Double { BudgetLedger.drift(costOfNeed, budget) }
  var spend: Double { costOfNeed - unmet }
}
