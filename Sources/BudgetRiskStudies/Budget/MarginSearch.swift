import BudgetRiskNumerics

/// The search over contingency margins for outcomes that are not a simple function of the
/// budget (rationing that feeds back into demand, reserves): bracket refinement of the
/// margins where probability statistics cross their targets.
///
/// Every margin is evaluated on the same simulated paths (same seed, same iterations), so
/// the counts at a margin are a deterministic function of the margin and refining a bracket
/// in a later pass is consistent with the earlier passes. A pass evaluates a set of candidate
/// margins at once (one tile simulation, one ledger evaluation per candidate); the first pass
/// uses ``initialGrid``, each later one cuts every open bracket into ``subdivisions`` equal
/// parts, until every bracket is at most ``resolution`` wide.
///
/// For a criterion `f(m) ≤ t` the crossing is the smallest evaluated margin `b` with
/// `f(b) ≤ t`, refined inside its bracket `[a, b]` (`a` the evaluated margin just below) and
/// finally interpolated linearly there: `a + (f(a) − t) / (f(a) − f(b)) · (b − a)`.
package struct MarginSearch {
  /// What one margin did over the run's iterations in the solved scope.
  package struct Counts: Sendable, Equatable {
    package var overspent = ProportionCounter()
    package var serviceGap = ProportionCounter()
    /// Paths with any budget year overspent, and per year the paths that overspent it (kept
    /// only when the scenario's overspend rule judges years: empty otherwise).
    package var anyYearOverspent = ProportionCounter()
    package var overspentByYear: [ProportionCounter] = []
    /// P(unmet share of the category's need > g) per category, in ``ServiceCategory/allCases``
    /// order (proactive, reactive).
    package var categoryGap = [ProportionCounter(), ProportionCounter()]
    /// P(service gap) of each pool alone, for the pools' own gap targets (`pool_rules`);
    /// empty when none is set.
    package var poolGap: [ProportionCounter] = []
    /// Under `--sampling rqmc`: the same counts for each replicate alone (empty under plain
    /// Monte Carlo), whose estimates give the replicate t-intervals of the search's ends.
    package var replicates: [Counts] = []

    package mutating func merge(_ o: Counts) {
      overspent.merge(o.overspent)
      serviceGap.merge(o.serviceGap)
      anyYearOverspent.merge(o.anyYearOverspent)
      for y in overspentByYear.indices { overspentByYear[y].merge(o.overspentByYear[y]) }
      for c in categoryGap.indices { categoryGap[c].merge(o.categoryGap[c]) }
      for p in poolGap.indices { poolGap[p].merge(o.poolGap[p]) }
      for r in replicates.indices { replicates[r].merge(o.replicates[r]) }
    }
  }

  /// A statistic of the counts that must be at most `target`.
  package struct Criterion: Sendable {
    package var statistic: @Sendable (Counts) -> Double
    package var target: Double
  }

  package enum Crossing: Equatable {
    /// The interpolated margin where the statistic falls to the target.
    case at(Double)
    /// Already met at the smallest margin searched: the crossing is at or below it.
    case belowRange(Double)
    /// Not met at any margin searched.
    case notFound
  }

  /// The first pass's margins: fine near the usual answers, coarse far out. Margins stay
  /// above −1 (a budget of zero has no drift).
  package static let initialGrid: [Double] = [-0.9, -0.5, -0.25, -0.1, 0, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.0, 4.0]
  /// Four parts a pass: the evaluations to reach the resolution grow like (s − 1)/ln s for s
  /// parts, so fewer parts cost fewer ledger evaluations but more passes (tile simulations);
  /// 4 balances the two.
  static let subdivisions = 4
  /// Brackets are refined to this width (0.01 percentage points of margin); the Monte Carlo
  /// error of the margin is far larger at any useful iteration count.
  package static let resolution = 1e-4
  static let maximumPasses = 16

  /// Every margin evaluated so far, in increasing order.
  private(set) var known: [(margin: Double, counts: Counts)] = []
  /// The width of the widest final bracket among the crossings found.
  private(set) var finalBracket = 0.0
  private(set) var passes = 0

  /// Refines until every criterion's bracket is at most ``resolution`` wide.
  ///
  /// - Parameter evaluate: the counts at each of the given margins (same order).
  package mutating func run(_ criteria: [Criterion], evaluate: ([Double]) throws -> [Counts]) rethrows -> [Crossing] {
    var grid = Self.initialGrid
    for _ in 0..<Self.maximumPasses {
      let fresh = Array(Set(grid).subtracting(known.map(\.margin))).sorted()
      if !fresh.isEmpty {
        let counts = try evaluate(fresh)
        known.append(contentsOf: zip(fresh, counts).map { ($0, $1) })
        known.sort { $0.margin < $1.margin }
        passes += 1
      }
      var next = Set<Double>()
      for c in criteria {
        guard let (a, b) = bracket(c), known[b].margin - known[a].margin > Self.resolution else { continue }
        let lo = known[a].margin, width = known[b].margin - lo
        for i in 1..<Self.subdivisions { next.insert(lo + width * Double(i) / Double(Self.subdivisions)) }
      }
      if next.isEmpty { break }
      grid = Array(next)
    }
    finalBracket = 0
    return criteria.map { c in
      guard let j = firstMeeting(c) else { return .notFound }
      guard j > 0 else { return .belowRange(known[0].margin) }
      let (a, b) = (known[j - 1], known[j])
      finalBracket = max(finalBracket, b.margin - a.margin)
      let fa = c.statistic(a.counts), fb = c.statistic(b.counts)
      let share = fa > fb ? (fa - c.target) / (fa - fb) : 1
      return .at(a.margin + min(1, max(0, share)) * (b.margin - a.margin))
    }
  }

  /// The smallest evaluated margin at or above `m`, with its counts.
  package func evaluated(atOrAbove m: Double) -> (margin: Double, counts: Counts)? {
    known.first { $0.margin >= m }
  }

  private func firstMeeting(_ c: Criterion) -> Int? {
    known.firstIndex { c.statistic($0.counts) <= c.target }
  }

  private func bracket(_ c: Criterion) -> (Int, Int)? {
    guard let j = firstMeeting(c), j > 0 else { return nil }
    return (j - 1, j)
  }
}

extension MarginSearch.Counts {
  /// Counts with `years` per-year overspend counters (0: the horizon only) and `pools`
  /// per-pool gap counters (0: none).
  package init(years: Int, pools: Int = 0, replicates: Int = 0) {
    self.init()
    overspentByYear = Array(repeating: ProportionCounter(), count: years)
    poolGap = Array(repeating: ProportionCounter(), count: pools)
    if replicates > 0 { self.replicates = Array(repeating: Self(years: years, pools: pools), count: replicates) }
  }
}
