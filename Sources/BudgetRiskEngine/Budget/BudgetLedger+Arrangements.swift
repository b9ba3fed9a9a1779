@_spi(HotPath) import BudgetRiskNumerics

/// The funding arrangements inside the ledger: aligned pools' transfers, the funder's
/// reviews and rebasing, carry-forward of underspend and the year-end risk share.
///
/// All money here is per pool. Three budgets are in play:
///
/// - the *proposed* budget (`budget`): the money committed in advance, against which
///   overspend and drift are reported;
/// - the *committed* budget of a year: the proposed budget plus underspend carried into it
///   and aligned transfers (money the funder had already committed). The risk share
///   settles the year's variance against it;
/// - the *limit* budget (`limitBudget`): the committed budget plus rebasing, the funder's
///   in-year emergency money (or claw-back). It bounds what the provider may spend. Rebasing
///   is an advance on the year-end settlement, so it does not change the risk share's split
///   of the variance, nor does it carry forward.
extension BudgetLedger {
  /// Starts budget year `y`: the running position restarts, keeping the underspend carried
  /// in, and the aligned transfer limit is the limit share of the year's proposed budget.
  func openYear(_ y: Int) {
    let T = plan.periods, ppy = plan.periodsPerYear
    let share: Double
    if case .aligned(let limit) = spec.arrangement { share = limit } else { share = 0 }
    for p in 0..<plan.poolCount {
      var proposed = 0.0
      for t in (y * ppy)..<((y + 1) * ppy) { proposed += budget[p * T + t] }
      year[p] = PoolYear(carriedIn: year[p].carryOut, transferLimit: share * proposed)
    }
  }

  /// Aligned pools, period `t`, before spending: a pool whose need exceeds its budget to
  /// date takes the shortfall from other pools' underspend to date (what is left after their
  /// own need this period), in pool order, until its transfer limit for the year is used.
  func transferBetweenAlignedPools(period t: Int) {
    let T = plan.periods, P = plan.poolCount
    for p in 0..<P {
      var short = needProactive[p * T + t] + needReactive[p * T + t] - year[p].available
      var room = year[p].transferLimit - year[p].received
      guard short > 0 && room > 0 else { continue }
      for q in 0..<P where q != p {
        let spare = year[q].available - (needProactive[q * T + t] + needReactive[q * T + t])
        let x = min(short, room, spare)
        guard x > 0 else { continue }
        year[q].moved -= x; year[p].moved += x; year[p].received += x
        short -= x; room -= x
        if short <= 0 || room <= 0 { break }
      }
    }
  }

  /// A review at the end of period `t`: where a pool's year-to-date spend is off its budget
  /// to date by more than the drift tolerance, the rest of the year's limit budget is
  /// rebased by `fraction` of the gap, spread over the remaining periods by the profile
  /// (an underspend takes money back unless `rebase_underspend` is false). A review at a
  /// year end leaves nothing to rebase.
  package func rebase(period t: Int, fraction: Double) {
    let T = plan.periods, ppy = plan.periodsPerYear
    let yearEnd = (t / ppy + 1) * ppy
    guard t + 1 < yearEnd else { return }
    let tolerance = spec.driftTolerance
    for p in 0..<plan.poolCount {
      let toDate = year[p].available + year[p].spend
      guard abs(Self.drift(year[p].spend, toDate)) > tolerance else { continue }
      if year[p].spend < toDate && !spec.rebaseUnderspend { continue }
      let amount = fraction * (year[p].spend - toDate)
      var weight = 0.0
      for u in (t + 1)..<yearEnd { weight += plan.profile[p * T + u] }
      for u in (t + 1)..<yearEnd {
        let share = weight > 0 ? plan.profile[p * T + u] / weight : 1 / Double(yearEnd - t - 1)
        limitBudget[p * T + u] += amount * share
      }
      rebasingAmounts[p * maxRebasings + horizon[p].rebasings] = amount
      horizon[p].rebasings += 1
      horizon[p].rebased += amount
    }
  }

  /// Ends budget year `y`: overspend of the limit comes out of the reserve; with
  /// carry-forward (not after the last year) underspend of the committed budget moves into
  /// next year's limit budget by the profile; the risk share splits what remains.
  func closeYear(_ y: Int) {
    let T = plan.periods, ppy = plan.periodsPerYear
    for p in 0..<plan.poolCount {
      reserveLeft[p] = max(0, reserveLeft[p] - max(0, -year[p].available))
      let committed = year[p].proposed + year[p].carriedIn
      var variance = year[p].spend - (committed + year[p].moved)
      year[p].carryOut = 0
      if spec.carryForward && y + 1 < plan.years && variance < 0 {
        year[p].carryOut = -variance
        for t in ((y + 1) * ppy)..<((y + 2) * ppy) { limitBudget[p * T + t] += -variance * plan.profile[p * T + t] }
        variance = 0
      }
      guard let riskShare = spec.riskShare else { continue }
      let split = riskShare.split(variance: variance, budget: committed)
      horizon[p].variance += split.provider + split.funder
      horizon[p].provider += split.provider
    }
  }
}

/// A pool's running position within one budget year, money.
package struct PoolYear: Sendable {
  /// Limit budget (proposed + rebasing + carried in) for the periods so far.
  package var budget = 0.0
  /// Proposed budget for the periods so far.
  package var proposed = 0.0
  package var spend = 0.0
  /// Net aligned transfers into the pool (negative: given away).
  var moved = 0.0
  /// Aligned transfers received, against `transferLimit`.
  package var received = 0.0
  /// Underspend carried in from last year, and out to the next.
  var carriedIn = 0.0, carryOut = 0.0
  var transferLimit = 0.0

  package init(carriedIn: Double = 0, transferLimit: Double = 0) {
    self.carriedIn = carriedIn; self.transferLimit = transferLimit
  }

  /// What the pool may still spend this year before its reserve: limit budget to date plus
  /// transfers, less spend.
  var available: Double { budget + moved - spend }
}

/// A pool's arrangements over the horizon, money.
package struct PoolHorizon: Sendable {
  /// Σ year-end variance settled by the risk share and the provider's part of it, on the
  /// risk share's grid (so sums are exact).
  package var variance = 0.0, provider = 0.0
  package var rebasings = 0
  package var rebased = 0.0

  package mutating func add(_ other: PoolHorizon) {
    variance += other.variance; provider += other.provider
    rebasings += other.rebasings; rebased += other.rebased
  }
}
