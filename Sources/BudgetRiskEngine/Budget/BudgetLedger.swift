@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskModel

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
package final class BudgetLedger {
  package let plan: SimulationPlan
  /// The simulated tile, as far as the ledger may see it.
  package let cells: TileCells
  /// The plan's budget rules and the scopes' pools, held here so that the per-period loops
  /// read stored values.
  package let spec: BudgetSpec
  let scopePools: [[Int]]
  private let interventionProactive: [[Int]]
  /// Per pool and period: the proposed budget, proactive and reactive need, and delivered shares.
  package let budget: Buffer<Double>, needProactive: Buffer<Double>, needReactive: Buffer<Double>
  private let deliveredProactive: Buffer<Double>, deliveredReactive: Buffer<Double>
  /// The provider's limit budget per pool and period: the proposed budget plus rebasing and
  /// carried-forward underspend.
  let limitBudget: Buffer<Double>
  /// Cost of need per period and service on this budget's path, `T × V`.
  private let need: Buffer<Double>
  /// Share of each intervention's proactive need delivered per period, `K × T` (set by a
  /// walk under rationing in a plan with interventions; `outcomes` under ration reads it).
  package let interventionDelivery: Buffer<Double>
  /// Each rebasing's amount, `P × maxRebasings`, in the order they happened.
  let rebasingAmounts: Buffer<Double>
  let maxRebasings: Int
  /// Each scope's cumulative drift per period on this iteration's path, `scopes × T`.
  let pathDrift: Buffer<Double>
  /// Each service's unmet share of need over the horizon, `V`.
  let serviceUnmetShares: Buffer<Double>
  // Buffers (`Internals/Buffer.swift`), not arrays: the ledger never leaves its worker's
  // thread, and as class arrays these cost a dynamic exclusivity check and a
  // copy-on-write uniqueness check on every write (together ~20 % of a run, callgrind).
  /// Per pool: the reserve left, whether it was ever exhausted.
  let reserveLeft: Buffer<Double>, exhausted: Buffer<Bool>
  /// Per pool: whether it rations on this walk (the evaluated response, or its own under
  /// `pool_rules`), and its rationing order.
  private let rations: Buffer<Bool>
  private let poolOrder: [RationingOrder]
  /// Per pool: this budget year's running position, and totals over the horizon.
  package let year: Buffer<PoolYear>, horizon: Buffer<PoolHorizon>
  /// What the last walk came to, per scope (pools, then the total).
  let outcomes: Buffer<ScopeOutcome>
  /// Per scope and budget year: whether the last walk overspent it.
  let overspentByYear: Buffer<Bool>
  let costOfNeedByYear: Buffer<Double>
  /// Per scope and budget year: the proposed budget and the unmet share of need (0 under absorb).
  let budgetByYear: Buffer<Double>, unmetShareByYear: Buffer<Double>
  /// Per scope and budget year: the period in which rationing first leaves need unmet; −1: none.
  let rationingStartByYear: Buffer<Int>
  /// The view of the last walk that ``walk(row:iteration:seed:evaluation:detailed:)`` returns.
  private(set) var result: PathOutcome!
  /// The proposed budget now in `budget`, when it does not depend on the row's population:
  /// consecutive walks of one budget (a tile's rows, an absorb walk and its ration twin)
  /// then skip `ProposedBudget.fill` (see `BudgetLedger+BudgetCache.swift`).
  @exclusivity(unchecked) var filledBudget: ProposedBudget?

  package init(plan: SimulationPlan, cells: TileCells) {
    self.plan = plan
    self.cells = cells
    spec = plan.budget
    scopePools = plan.scopes.map(\.pools)
    interventionProactive = plan.interventionProactive
    let P = plan.poolCount, T = plan.periods
    budget = Buffer(P * T); needProactive = Buffer(P * T); needReactive = Buffer(P * T)
    deliveredProactive = Buffer(P * T); deliveredReactive = Buffer(P * T)
    limitBudget = Buffer(P * T)
    need = Buffer(T * plan.serviceCount)
    interventionDelivery = Buffer(max(1, plan.interventionEffect.count) * T)
    maxRebasings = T / spec.reviewEvery + 1
    rebasingAmounts = Buffer(P * maxRebasings)
    pathDrift = Buffer(plan.scopes.count * T)
    serviceUnmetShares = Buffer(plan.serviceCount)
    reserveLeft = Buffer(P, repeating: 0); exhausted = Buffer(P, repeating: false)
    rations = Buffer(P, repeating: false)
    poolOrder = plan.poolRationingOrder
    year = Buffer(P, repeating: PoolYear()); horizon = Buffer(P, repeating: PoolHorizon())
    outcomes = Buffer(plan.scopes.count, repeating: ScopeOutcome())
    overspentByYear = Buffer(plan.scopes.count * plan.years, repeating: false)
    costOfNeedByYear = Buffer(plan.scopes.count * plan.years)
    budgetByYear = Buffer(plan.scopes.count * plan.years)
    unmetShareByYear = Buffer(plan.scopes.count * plan.years)
    rationingStartByYear = Buffer(plan.scopes.count * plan.years, repeating: -1)
    result = PathOutcome(
      scopes: outcomes.handle, periods: T, years: plan.years, driftPaths: pathDrift.handle,
      overspentByYear: overspentByYear.handle, costOfNeedByYear: costOfNeedByYear.handle,
      budgetByYear: budgetByYear.handle, unmetShareByYear: unmetShareByYear.handle,
      rationingStartByYear: rationingStartByYear.handle,
      serviceUnmetShares: serviceUnmetShares.handle,
      rebasingAmounts: rebasingAmounts.handle, maxRebasings: maxRebasings, poolHorizon: horizon.handle,
      scopePools: scopePools)
  }

  /// Walks row `r` (global iteration `iteration`) of the tile under `evaluation` and returns
  /// what it came to. With `detailed` false only the scopes' outcomes are summed (the margin
  /// solver's workers need nothing else); the per-period, per-year and per-service detail of
  /// the result is then stale.
  package func walk(row r: Int, iteration: Int, seed: UInt64, evaluation: Evaluation, detailed: Bool = true) -> PathOutcome {
    let rationing = walkPeriods(row: r, iteration: iteration, seed: seed, evaluation: evaluation)
    summarise(rationing: rationing, detailed: detailed)
    if detailed { summariseServices(rationing: rationing) }
    return result
  }

  /// Walks row `r`'s path period by period under `evaluation`; returns whether it rations.
  private func walkPeriods(row r: Int, iteration: Int, seed: UInt64, evaluation: Evaluation) -> Bool {
    let T = plan.periods, P = plan.poolCount, V = plan.serviceCount, ppy = plan.periodsPerYear
    var rationing = false  // whether any pool rations
    for p in 0..<P {
      rations[p] = (plan.poolResponse[p] ?? evaluation.response) == .ration
      if rations[p] { rationing = true }
    }
    let review = spec.reviewEvery
    let aligned: Bool
    if case .aligned = spec.arrangement { aligned = true } else { aligned = false }
    let feedback = rationing && plan.hasFeedback
    fillBudget(evaluation.budget, row: r)
    limitBudget.handle.update(from: budget.handle)

    // The path's own copy of the need, which rationing's feedback re-draws; only rationing reads it.
    if rationing { need.handle.update(from: cells.cost(row: r)) }
    var diverged = false
    for p in 0..<P {
      reserveLeft[p] = plan.reserve[p]; exhausted[p] = false
      year[p] = PoolYear(); horizon[p] = PoolHorizon()
    }
    let needPro = needProactive.handle, needRea = needReactive.handle, limits = limitBudget.handle, proposed = budget.handle
    let deliveredPro = deliveredProactive.handle, deliveredRea = deliveredReactive.handle

    let rowPoolCells = cells.poolCategoryCost(row: r)
    var nextYear = 0, nextReview = review  // period marks, instead of `%` per period
    for t in 0..<T {
      if t == nextYear { openYear(t / ppy); nextYear += ppy }
      let poolCells = rowPoolCells.slice(from: t * 2 * P, count: 2 * P)
      for p in 0..<P {
        let i = p * T + t
        needPro[i] = poolCells[2 * p]
        needRea[i] = poolCells[2 * p + 1]
        year[p].budget += limits[i]; year[p].proposed += proposed[i]
      }
      if diverged { redrawTargets(row: r, iteration: iteration, seed: seed, period: t) }
      if aligned { transferBetweenAlignedPools(period: t) }

      for p in 0..<P {
        let i = p * T + t
        let pro = needPro[i], rea = needRea[i]
        // In the order the ledger always summed it, so figures without arrangements keep their bits.
        let limit = year[p].budget + year[p].moved + reserveLeft[p] - year[p].spend
        var fPro = 1.0, fRea = 1.0
        if pro + rea > limit {
          exhausted[p] = true
          if rations[p] {
            let available = max(0, limit)
            switch poolOrder[p] {
            case .proactiveFirst:
              let delivered = min(rea, available)
              fRea = rea > 0 ? delivered / rea : 1
              fPro = pro > 0 ? min(pro, available - delivered) / pro : 1
            case .proRata:
              fPro = available / (pro + rea); fRea = fPro
            case .reactiveProtected:
              fPro = pro > 0 ? min(pro, max(0, available - rea)) / pro : 1
            }
          }
        }
        // Invariant (checked in debug builds): a response delivers a share of need in [0, 1].
        assert(fPro >= 0 && fPro <= 1 && fRea >= 0 && fRea <= 1, "delivered shares \(fPro), \(fRea)")
        deliveredPro[i] = fPro; deliveredRea[i] = fRea
        year[p].spend += fPro * pro + fRea * rea
      }

      if feedback {
        for k in interventionProactive.indices {
          var needed = 0.0, delivered = 0.0
          for v in interventionProactive[k] {
            needed += need[t * V + v]
            delivered += need[t * V + v] * deliveredPro[plan.poolOfService[v] * T + t]
          }
          let share = needed > 0 ? delivered / needed : 1
          interventionDelivery[k * T + t] = share
          if share < 1 { diverged = true }
        }
      }
      if t + 1 == nextReview {
        nextReview += review
        if let fraction = spec.rebaseFraction { rebase(period: t, fraction: fraction) }
      }
      if t + 1 == nextYear { closeYear(t / ppy) }
    }
    return rationing
  }

  /// Re-draws the intervention targets in period `t` whose multiplier differs from full delivery.
  private func redrawTargets(row r: Int, iteration: Int, seed: UInt64, period t: Int) {
    let T = plan.periods, V = plan.serviceCount
    for v in 0..<V where plan.isTarget[v] {
      let full = cells.interventionMultiplier(row: r, period: t, service: v, delivered: nil)
      let actual = cells.interventionMultiplier(row: r, period: t, service: v, delivered: interventionDelivery)
      guard actual != full else { continue }
      let redrawn = cells.redraw(row: r, iteration: iteration, seed: seed, period: t, service: v, multiplier: actual)
      let change = redrawn - need[t * V + v]
      need[t * V + v] = redrawn
      let i = plan.poolOfService[v] * T + t
      if plan.isProactive[v] { needProactive[i] += change } else { needReactive[i] += change }
    }
  }

  /// Turns the path into this iteration's outcome for every scope, with (when `detailed`)
  /// each scope's drift path and overspend by year.
  private func summarise(rationing: Bool, detailed: Bool) {
    let T = plan.periods, ppy = plan.periodsPerYear, Y = plan.years
    let review = spec.reviewEvery, tolerance = spec.driftTolerance
    let needPro = needProactive.handle, needRea = needReactive.handle, proposed = budget.handle
    let deliveredPro = deliveredProactive.handle, deliveredRea = deliveredReactive.handle
    let paths = pathDrift.handle, byYear = overspentByYear.handle, costByYear = costOfNeedByYear.handle
    let budgetYear = budgetByYear.handle, unmetYear = unmetShareByYear.handle, rationingStart = rationingStartByYear.handle

    for s in plan.scopes.indices {
      let path = paths.row(s, width: T)
      scopePools[s].withUnsafeBufferPointer { pools in
        var totalNeed = 0.0, totalBudget = 0.0
        var needByCategory = (0.0, 0.0), unmetByCategory = (0.0, 0.0)
        var yearNeed = 0.0, yearBudgetSum = 0.0, ytdSpend = 0.0, ytdBudget = 0.0, yearUnmet = 0.0
        var yearRationingStart = -1
        var breaches = ReviewBreaches()
        var exhaustedAny = false
        for p in pools where exhausted[p] { exhaustedAny = true }
        var nextReview = review, nextYearEnd = ppy  // period counts, instead of `%` per period
        for t in 0..<T {
          var periodNeed = 0.0, periodBudget = 0.0, periodSpend = 0.0
          for p in pools {
            let i = p * T + t
            let pro = needPro[i], rea = needRea[i]
            periodNeed += pro + rea  // on the money grid: exact sums (`MoneyGrid`)
            periodBudget += proposed[i]
            needByCategory.0 += pro; needByCategory.1 += rea
            // Absorb delivers everything: spend is the need and nothing is unmet, to the bit
            // (x · 1 = x, x · 0 = 0 for costs ≥ 0), so those sums are formed only when rationing.
            // Spend is summed as the need is, so a walk where every pool absorbs keeps its bits.
            guard rations[p] else {
              periodSpend += pro + rea
              continue
            }
            periodSpend += pro * deliveredPro[i] + rea * deliveredRea[i]
            let unmetPro = pro * (1 - deliveredPro[i]), unmetRea = rea * (1 - deliveredRea[i])
            unmetByCategory.0 += unmetPro
            unmetByCategory.1 += unmetRea
            yearUnmet += unmetPro + unmetRea
            if unmetPro + unmetRea > 0 && yearRationingStart < 0 { yearRationingStart = t }
          }
          totalNeed += periodNeed; totalBudget += periodBudget
          yearNeed += periodNeed; yearBudgetSum += periodBudget
          ytdSpend += periodSpend; ytdBudget += periodBudget
          if detailed { path[t] = Self.drift(totalNeed, totalBudget) }
          if t + 1 == nextReview {
            nextReview += review
            breaches.review(drift: Self.drift(ytdSpend, ytdBudget), tolerance: tolerance, period: t)
          }
          if t + 1 == nextYearEnd {
            nextYearEnd += ppy
            if detailed {
              byYear[s * Y + t / ppy] = yearNeed > yearBudgetSum
              costByYear[s * Y + t / ppy] = yearNeed
              budgetYear[s * Y + t / ppy] = yearBudgetSum
              unmetYear[s * Y + t / ppy] = yearNeed > 0 ? yearUnmet / yearNeed : 0
              rationingStart[s * Y + t / ppy] = yearRationingStart
            }
            yearNeed = 0; yearBudgetSum = 0; ytdSpend = 0; ytdBudget = 0; yearUnmet = 0; yearRationingStart = -1
          }
        }
        let unmet = unmetByCategory.0 + unmetByCategory.1
        let unmetShare = totalNeed > 0 ? unmet / totalNeed : 0
        var settled = PoolHorizon()
        for p in pools { settled.add(horizon[p]) }
        // Built in a register and stored whole: read back field by field from `outcomes`, the
        // narrow stores stalled the wide loads (store forwarding, 10 % of `record`).
        let outcome = ScopeOutcome(
          costOfNeed: totalNeed, budget: totalBudget, unmet: unmet, overspent: totalNeed > totalBudget,
          unmetShare: unmetShare, toleranceBreached: breaches.any, reserveExhausted: exhaustedAny,
          yearEndVariance: settled.variance, providerResult: settled.provider,
          funderResult: settled.variance - settled.provider,
          rebasings: settled.rebasings, rebased: settled.rebased,
          unmetShareProactive: needByCategory.0 > 0 ? unmetByCategory.0 / needByCategory.0 : 0,
          unmetShareReactive: needByCategory.1 > 0 ? unmetByCategory.1 / needByCategory.1 : 0,
          breaches: breaches)
        // Invariant (checked in debug builds): rationing leaves unmet at most the need.
        assert(unmet >= 0 && unmet <= totalNeed * (1 + 1e-12), "unmet \(unmet) of a need of \(totalNeed)")
        outcomes[s] = outcome
      }
    }
  }

  /// Each service's unmet share of need over the horizon.
  private func summariseServices(rationing: Bool) {
    let T = plan.periods, V = plan.serviceCount
    let need = self.need.handle, shares = serviceUnmetShares.handle
    for v in 0..<V {
      var serviceNeed = 0.0, serviceUnmet = 0.0
      // Under absorb nothing is unmet, so the share is 0 without summing the need.
      if rationing && rations[plan.poolOfService[v]] {
        let delivered = (plan.isProactive[v] ? deliveredProactive : deliveredReactive).row(plan.poolOfService[v], width: T)
        for t in 0..<T {
          let n = need[t * V + v]
          serviceNeed += n
          serviceUnmet += n * (1 - delivered[t])
        }
      }
      shares[v] = serviceNeed > 0 ? serviceUnmet / serviceNeed : 0
    }
  }

  /// (cost − budget) / budget, and 0 when both are 0.
  @inline(__always)
  package static func drift(_ cost: Double, _ budget: Double) -> Double {
    budget > 0 ? cost / budget - 1 : (cost > 0 ? Double.infinity : 0)
  }
}

/// One iteration's result for one scope under one evaluation, in money over the horizon.
package struct ScopeOutcome: Sendable, Equatable {
  package var costOfNeed = 0.0
  package var budget = 0.0
  /// Need left unmet by rationing (0 when the provider absorbs).
  package var unmet = 0.0
  package var overspent = false
  package var unmetShare = 0.0
  package var toleranceBreached = false
  package var reserveExhausted = false

  /// Σ over the scope's pools and budget years of spend − committed budget (the proposed
  /// budget plus carried-forward underspend), on the risk share's grid; 0 without a risk share.
  package var yearEndVariance = 0.0
  /// The provider's loss under the risk share (negative: gain), money.
  package var providerResult = 0.0
  /// The funder's extra payment under the risk share, `yearEndVariance − providerResult`
  /// exactly (negative: the funder keeps part of an underspend).
  package var funderResult = 0.0
  /// How many times the funder rebased one of the scope's pools.
  package var rebasings = 0
  /// Net money the funder added by rebasing (negative: budget taken back).
  package var rebased = 0.0
  /// The unmet share of proactive and of reactive need (0 under absorb).
  package var unmetShareProactive = 0.0
  package var unmetShareReactive = 0.0
  /// The reviews out of tolerance, by direction, and the period of each direction's first.
  package var breaches = ReviewBreaches()

  package var drift: Double { BudgetLedger.drift(costOfNeed, budget) }
  package var spend: Double { costOfNeed - unmet }
}
