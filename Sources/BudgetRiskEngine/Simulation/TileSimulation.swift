import Foundation
@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskModel

extension TileWorkspace {
  /// Simulates the cost of need at full delivery for every active row of tile `tile`.
  ///
  /// 1. standard normals per iteration (plain or RQMC: ``fillFactorNormals(first:active:seed:)``)
  ///    → correlated through the copula (GEMM with Lᵀ) → factor values by each factor's
  ///    quantile function;
  ///    1b. factors with a process: their innovations, states and drift multipliers
  ///    (`TileWorkspace+Processes.swift`);
  /// 2. population per segment and period → expected events (GEMM with utilisation);
  /// 3. per cell: season, multipliers, shocks, interventions at full delivery → counts and
  ///    costs from the cell's own stream;
  /// 4. cost per pool × category (GEMM with the pool map).
  ///
  /// - Parameter active: the rows (`0..<rows`) whose iterations belong to the run.
  package func simulate(tile: Int, active: Range<Int>, seed: UInt64) {
    let R = Self.rows, T = plan.periods, V = plan.serviceCount
    let F = plan.factorCount, P = plan.poolCount
    let first = tile * R

    // 1. Parameters through the copula.
    fillFactorNormals(first: first, active: active, seed: seed)
    // Under RQMC with `--rotation gradient`, Qᵀ·Lᵀ in place of Lᵀ (``FactorRotation``).
    BLAS.multiply(normals, factorPoints?.copula ?? plan.copulaTransposed, into: correlated, m: R, n: F, k: F)
    for r in 0..<R { setParameters(row: r, active: active.contains(r)) }
    simulateProcesses(tile: tile, active: active, seed: seed)

    // 2. Population and expected events.
    simulatePopulation(active: active)

    // 3. Counts and costs per cell.
    cost.zero()
    for r in active {
      simulateCells(row: r, iteration: first + r, seed: seed)
      // Cells of one service split by pools over segments share its year total (nothing
      // happens here for a scenario that splits none).
      if _slowPath(plan.splitsServices) { shareYearTotals(yearEvents.row(r, width: V * plan.years)) }
      drawCells(row: r, iteration: first + r, seed: seed)
    }

    // 4. Pool totals.
    BLAS.multiply(cost, plan.poolCategoryMap, into: poolCategoryCost, m: R * T, n: 2 * P, k: V)
  }

  /// Factor values and the row's parameters (neutral values for inactive rows).
  func setParameters(row r: Int, active: Bool) {
    let S = plan.segmentCount, V = plan.serviceCount, F = plan.factorCount
    let K = plan.interventionEffect.count
    for s in 0..<S {
      startPopulation[r * S + s] = plan.segmentPopulation[s]
      growth[r * S + s] = plan.segmentGrowth[s]
      segmentRate[r * S + s] = 1
    }
    for v in 0..<V {
      serviceRate[r * V + v] = 1
      unitCostMultiplier[r * V + v] = 1
      inflation[r * V + v] = plan.serviceInflation[v]
    }
    for k in 0..<K { effect[r * K + k] = plan.interventionEffect[k]; spillover[r * K + k] = plan.interventionSpilloverInRamp[k] }
    guard active else { return }
    for f in 0..<F {
      correlatedCDF[r * F + f] = StandardNormal.cdf(correlated[r * F + f])
      let x = plan.factors[f].distribution.quantile(correlatedCDF[r * F + f])
      factorValues[r * F + f] = x
      switch plan.factorEffects[f] {
      case .serviceRate(let targets): for v in targets { serviceRate[r * V + v] *= x }
      case .segmentRate(let targets): for s in targets { segmentRate[r * S + s] *= x }
      case .unitCost(let targets): for v in targets { unitCostMultiplier[r * V + v] *= x }
      case .inflation(let targets): for v in targets { inflation[r * V + v] = x }
      case .growth(let targets): for s in targets { growth[r * S + s] = x }
      case .population(let targets): for s in targets { startPopulation[r * S + s] *= x }
      case .interventionEffect(let targets): for k in targets { effect[r * K + k] = x }
      case .interventionSpillover(let targets): for k in targets { spillover[r * K + k] = x }
      }
    }
  }

  /// Step 2 of ``simulate(tile:active:seed:)``: people per segment and period of the active
  /// rows, and the tile's expected events before season, multipliers and shocks.
  func simulatePopulation(active: Range<Int>) {
    let R = Self.rows, T = plan.periods, S = plan.segmentCount, V = plan.serviceCount
    population.zero(); effectivePopulation.zero()
    let ppy = Double(plan.periodsPerYear)
    for r in active {
      for s in 0..<S {
        let monthlyGrowth = exp(log1p(growth[r * S + s]) / ppy)
        var people = startPopulation[r * S + s]
        for t in 0..<T {
          population[(r * T + t) * S + s] = people
          effectivePopulation[(r * T + t) * S + s] = people * segmentRate[r * S + s]
          people *= monthlyGrowth
        }
      }
    }
    // Growth that wanders (a growth process): each period's people times exp(Dₜ); nothing
    // without one.
    if driftingPopulation {
      for r in active {
        for i in (r * T * S)..<((r + 1) * T * S) {
          population[i] *= populationDrift[i]; effectivePopulation[i] *= populationDrift[i]
        }
      }
    }
    // Segment rates that wander (factor processes), period by period; nothing without them.
    if drifting {
      for r in active {
        for i in (r * T * S)..<((r + 1) * T * S) { effectivePopulation[i] *= segmentDrift[i] }
      }
    }
    BLAS.multiply(effectivePopulation, plan.utilisationPerPeriod, into: baseRates, m: R * T, n: V, k: S)
  }

  /// Row `r`'s prices and shocks, and each event cell's expected events (kept in `cost` until
  /// ``drawCells(row:iteration:seed:)`` draws it) with their year totals in `yearEvents`.
  func simulateCells(row r: Int, iteration: Int, seed: UInt64) {
    let T = plan.periods, V = plan.serviceCount
    let years = plan.years, ppy = plan.periodsPerYear

    for v in 0..<V {
      let step = 1 + inflation[r * V + v]
      var p = unitCostMultiplier[r * V + v]
      for y in 0..<years {
        price[(r * V + v) * years + y] = p
        p *= step
      }
    }
    if driftingPrices {
      for i in (r * V * years)..<((r + 1) * V * years) { price[i] *= priceDrift[i] }
    }
    shockMultiplier.fill(1)
    if let set = factorPoints, set.shockGaps > 0 {
      fillShockMultipliers(points: set, iteration: iteration, seed: seed)
    } else {
      fillShockMultipliers(iteration: iteration, seed: seed)
    }
    // Service rates that wander (factor processes) join the shocks' multipliers: one product
    // per cell either way, and nothing without processes.
    if drifting {
      for i in 0..<(T * V) { shockMultiplier[i] *= serviceDrift[r * T * V + i] }
    }

    // Overdispersion held for the year (`mixing: year`): the row's G per service and year.
    drawYearMixing(row: r, iteration: iteration, seed: seed)

    // The expected events of every event cell first (kept in `cost` until it is drawn), and
    // their sum per service and budget year: a negative-binomial count's dispersion is
    // that of the year's count (see `yearDispersion`).
    let yearTotals = yearEvents.row(r, width: V * years)
    yearTotals.fill(0)
    for t in 0..<T {
      let cell = (r * T + t) * V
      let year = t / ppy  // once a period, not per cell: an integer division is tens of cycles
      for v in 0..<V {
        let activity = plan.season[t * V + v] * serviceRate[r * V + v] * shockMultiplier[t * V + v]
        guard case .events = plan.serviceCosts[v] else {
          // A per-person cell's level, before and after interventions (drawn in `drawCells`;
          // `ConditionalCost` reads the delivered one).
          preInterventionRates[cell + v] = activity
          deliveredRates[cell + v] = activity * interventionMultiplier(row: r, period: t, service: v, delivered: nil)
          continue
        }
        let rate = baseRates[cell + v] * activity
        preInterventionRates[cell + v] = rate
        let lambda = rate * interventionMultiplier(row: r, period: t, service: v, delivered: nil)
        cost[cell + v] = lambda
        deliveredRates[cell + v] = lambda
        yearTotals[v * years + year] += lambda
      }
    }
  }

  /// Each cell's count and cost from its own stream (the expected events are in `cost`, and
  /// their year totals in `yearEvents`, from ``simulateCells(row:iteration:seed:)``); then
  /// the programme costs.
  private func drawCells(row r: Int, iteration: Int, seed: UInt64) {
    let T = plan.periods, S = plan.segmentCount, V = plan.serviceCount
    let years = plan.years, ppy = plan.periodsPerYear
    let threshold = plan.exactSumThreshold
    let yearTotals = yearEvents.row(r, width: V * years)
    let counts = yearCounts.row(r, width: V * years)
    counts.fill(0)
    for t in 0..<T {
      let cell = (r * T + t) * V
      let year = t / ppy
      for v in 0..<V {
        var rng = RandomStream(seed: seed, iteration: UInt64(iteration), stream: StreamID.cell(service: plan.serviceStreamKey[v]), substream: t)
        // Switching on the element in place: copying a `Service` (names, arrays) per cell was 4 %.
        switch plan.serviceCosts[v] {
        case .events(let unitCost, let severity, let noise):
          let lambda = cost[cell + v]
          // `CellCost.events` in its two steps (the same draws), so that the count is kept.
          var count = 0.0, amount = 0.0
          if lambda > 0 {
            let mixed = yearMixed(noise, mean: lambda, row: r, service: v, year: year)
            count = CellCost.count(
              expected: mixed.mean, noise: Self.yearDispersion(mixed.noise, mean: lambda, yearMean: yearTotals[v * years + year]),
              using: &rng)
            amount = CellCost.sum(
              of: count, meanCost: unitCost * price[(r * V + v) * years + year], severity: severity,
              threshold: threshold, using: &rng)
          }
          counts[v * years + year] += count
          // Every cell on the money grid: pool and horizon sums are then exact in any order
          // (the BLAS product included), so `cost > budget` is decided exactly.
          cost[cell + v] = MoneyGrid.round(amount)
        case .perPerson(let segments, let annualMean, let severity):
          var people = 0.0
          for s in segments { people += population[(r * T + t) * S + s] }
          let level = deliveredRates[cell + v]  // from `simulateCells`
          cost[cell + v] = MoneyGrid.round(level * price[(r * V + v) * years + year] * CellCost.perPerson(
            people: people, annualMean: annualMean, severity: severity, periodsPerYear: ppy,
            threshold: threshold, using: &rng))
        }
      }
    }

    // Programme costs: the recipients enrolled in the row's population, and any fixed cost,
    // at the charged service's price (see ``Recipients``).
    for (k, charged) in plan.programmeService.enumerated() {
      guard let v = charged else { continue }
      for t in 0..<T { cost[(r * T + t) * V + v] += programmeCost(row: r, intervention: k, period: t) }
    }
  }

  /// The shocks' multipliers of one iteration under plain Monte Carlo: each period's start
  /// drawn from the shock's own stream (the RQMC twin, which takes the first gaps between
  /// starts from the point set, is ``fillShockMultipliers(points:iteration:seed:)``).
  private func fillShockMultipliers(iteration: Int, seed: UInt64) {
    let T = plan.periods, V = plan.serviceCount
    for (k, shock) in plan.shocks.enumerated() {
      var rng = RandomStream(seed: seed, iteration: UInt64(iteration), stream: StreamID.shock(plan.shockStreamKey[k]))
      var lastStart = Int.min / 2
      for t in 0..<T {
        if openUniform(&rng) < shock.probability { lastStart = t }
        guard t - lastStart < shock.duration else { continue }
        for v in 0..<V where plan.shockHits[k * V + v] { shockMultiplier[t * V + v] *= shock.multiplier }
      }
    }
  }

  /// Gives every cell of a service split by pools over segments the service's year total
  /// (`V × years`, in place): the dispersion is stated for the service's year count over the
  /// whole population (`yearDispersion`). Out of line, so that scenarios that split nothing
  /// run the cell loop's code exactly as before.
  @inline(never)
  private func shareYearTotals(_ yearTotals: Handle<Double>) {
    let V = plan.serviceCount, years = plan.years
    for v in 0..<V where plan.dispersionCell[v] != v {
      for y in 0..<years { yearTotals[plan.dispersionCell[v] * years + y] += yearTotals[v * years + y] }
    }
    for v in 0..<V where plan.dispersionCell[v] != v {
      for y in 0..<years { yearTotals[v * years + y] = yearTotals[plan.dispersionCell[v] * years + y] }
    }
  }

  /// Intervention `k`'s programme cost in period `t` of row `r`, on the money grid: its
  /// enrolled recipients in the row's population and any fixed cost, at the charged
  /// service's price (0 for an intervention without a programme cost).
  func programmeCost(row r: Int, intervention k: Int, period t: Int) -> Double {
    guard let v = plan.programmeService[k] else { return 0 }
    let T = plan.periods, S = plan.segmentCount, V = plan.serviceCount
    var people = 0.0
    for s in plan.programmeSegments[k] { people += population[(r * T + t) * S + s] }
    let amount = plan.programmePerPerson[k * T + t] * people + plan.programmeFixed[k * T + t]
    guard amount > 0 else { return 0 }
    return MoneyGrid.round(amount * price[(r * V + v) * plan.years + t / plan.periodsPerYear])
  }

  /// A cell's count noise with the service's dispersion `k` defined on the year's count.
  ///
  /// The year's count for the whole population, mean `Λ = Σₜ λₜ` over the budget year's
  /// periods, is to be NB(mean Λ, dispersion k): variance `Λ + Λ²/k`, what an analyst fits
  /// to a year of activity. Each period's cell is drawn as NB(mean λₜ, dispersion `k·λₜ/Λ`):
  /// the same success probability `k/(k + Λ)` in every period, so the periods' counts add
  /// up to exactly NB(Λ, k) (negative binomials with a common success probability add their
  /// dispersions), at any period length or seasonal profile. Given the factors and shocks,
  /// that is: their uncertainty adds to this variance, as it does for a Poisson count.
  @inline(__always)
  static func yearDispersion(_ noise: CountNoise, mean lambda: Double, yearMean: Double) -> CountNoise {
    guard case .negativeBinomial(let k) = noise, lambda > 0, yearMean > 0 else { return noise }
    return .negativeBinomial(dispersion: k * lambda / yearMean)
  }

  /// The product over interventions targeting `v` of `1 − effect × ramp(t) × delivered(t − lag)`.
  ///
  /// - Parameter delivered: share of each intervention's proactive need delivered per period,
  ///   `interventions × T`; `nil` means full delivery.
  func interventionMultiplier(row r: Int, period t: Int, service v: Int, delivered: Buffer<Double>?) -> Double {
    let K = plan.interventionLag.count, T = plan.periods
    guard !plan.targetedByRecipients[v] else { return recipientMultiplier(row: r, period: t, service: v, delivered: delivered) }
    var m = 1.0
    for k in plan.interventionsTargeting[v] {
      let ramp = plan.interventionRamp[k * T + t]
      guard ramp > 0 else { continue }
      let share = delivered.map { $0[k * T + t - plan.interventionLag[k]] } ?? 1
      m *= 1 - effect[r * K + k] * ramp * share
    }
    return m
  }

  /// The multiplier of a service that an intervention with recipients targets: each segment's
  /// product of the factors of the interventions reaching it (`interventionRamp` holds each
  /// one's reach `a(t − lag)·ρ(t − lag)`, see ``Recipients``), averaged with weights the
  /// segments' shares of the cell's expected demand — so the recipients' demand, and only
  /// theirs (plus any spillover), falls.
  private func recipientMultiplier(row r: Int, period t: Int, service v: Int, delivered: Buffer<Double>?) -> Double {
    let T = plan.periods, S = plan.segmentCount, V = plan.serviceCount
    var mixed = 0.0, weight = 0.0
    if case .perPerson = plan.serviceCosts[v] {
      for s in plan.perPersonSegments[v] {
        let w = population[(r * T + t) * S + s]
        mixed += w * segmentMultiplier(row: r, period: t, service: v, segment: s, delivered: delivered)
        weight += w
      }
    } else {
      for s in 0..<S {
        let w = effectivePopulation[(r * T + t) * S + s] * plan.utilisationPerPeriod[s * V + v]
        guard w > 0 else { continue }
        mixed += w * segmentMultiplier(row: r, period: t, service: v, segment: s, delivered: delivered)
        weight += w
      }
    }
    return weight > 0 ? mixed / weight : 1
  }

  @inline(__always)
  private func segmentMultiplier(row r: Int, period t: Int, service v: Int, segment s: Int, delivered: Buffer<Double>?) -> Double {
    let K = plan.interventionLag.count, T = plan.periods, S = plan.segmentCount
    var m = 1.0
    for k in plan.interventionsTargeting[v] where plan.interventionReaches[k * S + s] {
      // The row's own spillover (exactly `interventionRamp` where it is the plan's).
      let reach = plan.interventionRamp[k * T + t]
        + (spillover[r * K + k] - plan.interventionSpilloverInRamp[k]) * plan.interventionSpilloverSlope[k * T + t]
      guard reach > 0 else { continue }
      let share = delivered.map { $0[k * T + t - plan.interventionLag[k]] } ?? 1
      m *= 1 - effect[r * K + k] * reach * share
    }
    return m
  }

  /// Re-draws cell (t, v) of row `r` at a new intervention multiplier, from the cell's own stream.
  func redrawCell(row r: Int, iteration: Int, seed: UInt64, period t: Int, service v: Int, multiplier: Double) -> Double {
    let T = plan.periods, S = plan.segmentCount, years = plan.years, ppy = plan.periodsPerYear
    let cell = (r * T + t) * plan.serviceCount + v
    var rng = RandomStream(seed: seed, iteration: UInt64(iteration), stream: StreamID.cell(service: plan.serviceStreamKey[v]), substream: t)
    let year = t / ppy
    switch plan.serviceCosts[v] {
    case .events(let unitCost, let severity, let noise):
      // The redrawn count keeps the year's success probability (its dispersion scales with
      // its new mean; `yearDispersion`).
      let lambda = preInterventionRates[cell] * multiplier
      let mixed = yearMixed(noise, mean: lambda, row: r, service: v, year: year)
      return MoneyGrid.round(CellCost.events(
        expected: mixed.mean, unitCost: unitCost * price[(r * plan.serviceCount + v) * years + year],
        severity: severity,
        noise: Self.yearDispersion(mixed.noise, mean: lambda, yearMean: yearEvents[(r * plan.serviceCount + v) * years + year]),
        threshold: plan.exactSumThreshold, using: &rng))
    case .perPerson(let segments, let annualMean, let severity):
      var people = 0.0
      for s in segments { people += population[(r * T + t) * S + s] }
      return MoneyGrid.round(preInterventionRates[cell] * multiplier * price[(r * plan.serviceCount + v) * years + year]
        * CellCost.perPerson(
          people: people, annualMean: annualMean, severity: severity, periodsPerYear: ppy,
          threshold: plan.exactSumThreshold, using: &rng))
    }
  }
}
