import BudgetRiskModel
import BudgetRiskEngine

/// Which of one response's proposed budgets is recommended, and which the headline
/// describes: the one rule behind the recommendation, the `--precision` stopping figure, the
/// drivers shown by default and the HTML report's single-budget charts.
///
/// Budgets are given in report order by their margins (nil for stated amounts).
enum HeadlineRule {
  /// Whether a budget whose point estimates are P(overspend) = `overspend` and
  /// P(service gap) = `serviceGap` meets the scenario's targets: overspend at most α and,
  /// when a service-gap target β is set, service gap at most β.
  /// `categoryGaps`: P(service gap) per category in ``ServiceCategory/allCases`` order, held
  /// to the scenario's per-category targets where set.
  static func meetsTargets(overspend: Double, serviceGap: Double, categoryGaps: [Double], spec: BudgetSpec) -> Bool {
    guard overspend <= spec.overspendTarget else { return false }
    for (c, target) in spec.categoryGapTargets.enumerated() {
      if let target, c < categoryGaps.count, !(categoryGaps[c] <= target) { return false }
    }
    guard let beta = spec.serviceGapTarget else { return true }
    return serviceGap <= beta
  }

  /// Whether every pool of `pools` with its own service-gap target (`pool_rules`) meets it:
  /// `poolGap(p)` is pool p's P(service gap) (point estimate).
  static func meetsPoolTargets(pools: [Int], spec: BudgetSpec, poolGap: (Int) -> Double) -> Bool {
    pools.allSatisfy { p in spec.poolRules[p]?.serviceGapTarget.map { poolGap(p) <= $0 } ?? true }
  }

  /// The recommended budget: the smallest listed margin that meets the targets.
  package static func recommended(margins: [Double?], meets: (Int) -> Bool) -> Int? {
    margins.indices.filter { margins[$0] != nil }.sorted { margins[$0]! < margins[$1]! }.first(where: meets)
  }

  /// The headline budget: the recommended one; where no listed margin meets the targets, the
  /// largest listed margin (the nearest to meeting them); where none is listed, the first.
  package static func headline(margins: [Double?], recommended: Int?) -> Int? {
    if let recommended { return recommended }
    let listed = margins.indices.filter { margins[$0] != nil }
    return listed.max { margins[$0]! < margins[$1]! } ?? margins.indices.first
  }
}

extension SimulationPlan {
  /// The scope of pool `p` alone (each pool is a scope, before the total).
  package func scopeIndex(ofPool p: Int) -> Int {
    scopes.firstIndex { $0.pools == [p] } ?? p
  }
}
