import BudgetRiskNumerics

/// The risk share's figures for one scope, accumulated exactly and mergeably.
///
/// Means and histograms take money divided by the scope's reference budget (its expected
/// horizon base budget), like the overspend figures. The histograms are
/// ``LogLinearQuantiles`` on the ``LogLinearLayout/fine`` layout, so a VaR or TVaR is within
/// one bucket (at most `max(2⁻¹³, 2⁻¹¹·|x|)` of the reference) of the sample's, at any value. The money totals
/// are kept raw in ``ExactSum``: every addend is a multiple of ``RiskShare/quantum``, so
/// `providerTotal + funderTotal == varianceTotal` holds exactly over any set of iterations.
package struct RiskShareAccumulator: Sendable, Equatable {
  package var provider = MeanAccumulator(), funder = MeanAccumulator(), variance = MeanAccumulator()
  package var providerDistribution = LogLinearQuantiles(layout: .fine)
  package var funderDistribution = LogLinearQuantiles(layout: .fine)
  /// P(provider loss > threshold), per threshold (money).
  package let thresholds: [Double]
  package var lossExceeds: [ProportionCounter]
  package var providerTotal = ExactSum(), funderTotal = ExactSum(), varianceTotal = ExactSum()

  package init(thresholds: [Double]) {
    self.thresholds = thresholds
    lossExceeds = Array(repeating: ProportionCounter(), count: thresholds.count)
  }

  /// One iteration's results over the horizon, money.
  package mutating func add(provider p: Double, funder f: Double, variance v: Double, reference: Double) {
    provider.add(p / reference); funder.add(f / reference); variance.add(v / reference)
    providerDistribution.add(p / reference); funderDistribution.add(f / reference)
    for k in thresholds.indices { lossExceeds[k].add(p > thresholds[k]) }
    providerTotal.add(p); funderTotal.add(f); varianceTotal.add(v)
  }

  package mutating func merge(_ o: RiskShareAccumulator) {
    provider.merge(o.provider); funder.merge(o.funder); variance.merge(o.variance)
    providerDistribution.merge(o.providerDistribution); funderDistribution.merge(o.funderDistribution)
    for k in lossExceeds.indices { lossExceeds[k].merge(o.lossExceeds[k]) }
    providerTotal.merge(o.providerTotal); funderTotal.merge(o.funderTotal); varianceTotal.merge(o.varianceTotal)
  }
}

/// The funder's rebasing for one scope: how often and by how much (money divided by the
/// scope's reference budget).
package struct RebasingAccumulator: Sendable, Equatable {
  package var any = ProportionCounter()
  /// Rebasings per iteration.
  package var count = MeanAccumulator()
  /// Net money rebased per iteration.
  package var net = MeanAccumulator()
  /// |amount| of each rebasing, one value per rebasing.
  package var size = MeanAccumulator()

  package mutating func add(rebasings: Int, rebased: Double) {
    any.add(rebasings > 0); count.add(Double(rebasings)); net.add(rebased)
  }

  mutating func addRebasing(size s: Double) { size.add(s) }

  package mutating func merge(_ o: RebasingAccumulator) {
    any.merge(o.any); count.merge(o.count); net.merge(o.net); size.merge(o.size)
  }
}

extension ScopeAccumulator {
  mutating func mergeArrangements(_ o: ScopeAccumulator) {
    if let r = o.riskShare { riskShare?.merge(r) }
    if let r = o.rebasing { rebasing?.merge(r) }
  }
}

// Saved state: see `RunAccumulator: Codable`.
extension RiskShareAccumulator: Codable {}
extension RebasingAccumulator: Codable {}
