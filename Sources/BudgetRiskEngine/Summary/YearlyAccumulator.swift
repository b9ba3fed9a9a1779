@_spi(HotPath) import BudgetRiskNumerics

/// The budget-year view of one scope, accumulated exactly and mergeably: budgets balance
/// every year, so besides each year's P(overspend) (``ScopeAccumulator/overspentByYear``)
/// the run keeps how many years each path overspends, and per year the overspend amount
/// (its mean and distribution, for the year's VaR and TVaR), the budget and the service gap.
///
/// Money is divided by the scope's reference budget, like the horizon figures; the
/// overspend histograms are ``LogLinearQuantiles`` on the ``LogLinearLayout/fine`` layout,
/// so a year's VaR or TVaR is within one bucket of the sample's, as over the horizon.
extension MeanAccumulator {
  /// `add(x)`, with a 0 only counted: adding 0 to the exact sums of x and x² leaves them as
  /// they are, so the state is the same to the bit, without two 256-bit adds. Most paths add
  /// 0 to a year's overspend and (under absorb) to its unmet share.
  @inline(__always)
  mutating func addCountingZero(_ x: Double) {
    if x == 0 { storedCount &+= 1 } else { add(x) }
  }
}

package struct YearlyAccumulator: Sendable, Equatable {
  /// Paths with exactly `k` budget years overspent, `k = 0 … years`: exact counts, from
  /// which P(any year overspends) and P(overspend in `k` or more years) are read.
  package var overspentYears: [UInt64]
  /// Per year: the overspend amount (cost − budget)+ and the budget, ÷ reference.
  package var overspendAmount: [MeanAccumulator]
  package var overspendDistribution: [LogLinearQuantiles]
  package var budget: [MeanAccumulator]
  /// Per year: the unmet share of the year's need, and whether it is above the gap threshold.
  package var unmetShare: [MeanAccumulator]
  package var serviceGap: [ProportionCounter]
  /// Per period: paths whose rationing first left need unmet, in that period's budget year,
  /// in that period (exact counts; the paths that never ration in a year are the rest).
  package var rationingStart: [UInt64]

  package init(years: Int, periods: Int) {
    rationingStart = Array(repeating: 0, count: periods)
    overspentYears = Array(repeating: 0, count: years + 1)
    overspendAmount = Array(repeating: MeanAccumulator(), count: years)
    overspendDistribution = (0..<years).map { _ in LogLinearQuantiles(layout: .fine, expected: 0...0.5 / Double(max(years, 1))) }
    // Made apart, not copied from one another: a first write then copies nothing.
    budget = Array(repeating: MeanAccumulator(), count: years)
    unmetShare = Array(repeating: MeanAccumulator(), count: years)
    serviceGap = Array(repeating: ProportionCounter(), count: years)
  }

  /// One budget year of one path: cost of need and budget ÷ reference, and the unmet share.
  @inline(__always)
  /// With `stagedOverspend` (a scope's per-year overspend values in a ``HistogramStage``),
  /// the overspend's histogram value is written to its element `y` instead.
  package mutating func addYear(
    _ y: Int, costOfNeed c: Double, budget b: Double, unmetShare u: Double, gapThreshold g: Double, rationingStart t: Int,
    stagedOverspend: Handle<Double>? = nil
  ) {
    if t >= 0 { rationingStart[t] &+= 1 }
    let over = max(0, c - b)
    overspendAmount[y].addCountingZero(over)
    if let stagedOverspend { stagedOverspend[y] = over } else { overspendDistribution[y].add(over) }
    budget[y].add(b)
    unmetShare[y].addCountingZero(u); serviceGap[y].add(u > g)
  }

  /// Closes one path that overspent `k` of its budget years.
  @inline(__always)
  package mutating func addPath(overspentYears k: Int) { overspentYears[k] &+= 1 }

  package mutating func merge(_ o: YearlyAccumulator) {
    for k in overspentYears.indices { overspentYears[k] &+= o.overspentYears[k] }
    for t in rationingStart.indices { rationingStart[t] &+= o.rationingStart[t] }
    for y in overspendAmount.indices {
      overspendAmount[y].merge(o.overspendAmount[y]); overspendDistribution[y].merge(o.overspendDistribution[y])
      budget[y].merge(o.budget[y])
      unmetShare[y].merge(o.unmetShare[y]); serviceGap[y].merge(o.serviceGap[y])
    }
  }

  /// Paths counted.
  package var paths: UInt64 { overspentYears.reduce(0, &+) }

  /// Paths that overspent `k` or more budget years.
  package func overspentAtLeast(_ k: Int) -> UInt64 { overspentYears[min(k, overspentYears.count)...].reduce(0, &+) }
}

// Saved state (`run --state`, `merge`): exact integer counts, exact sums and histograms, so
// the compiler's conformance round-trips them.
extension YearlyAccumulator: Codable {}

extension YearlyAccumulator {
  /// Whether `self` and `o` were made for the same years, periods and histogram layouts.
  func hasShape(of o: YearlyAccumulator) -> Bool {
    overspentYears.count == o.overspentYears.count && rationingStart.count == o.rationingStart.count
      && overspendAmount.count == o.overspendAmount.count && budget.count == o.budget.count
      && unmetShare.count == o.unmetShare.count && serviceGap.count == o.serviceGap.count
      && overspendDistribution.map(\.layout) == o.overspendDistribution.map(\.layout)
  }
}
