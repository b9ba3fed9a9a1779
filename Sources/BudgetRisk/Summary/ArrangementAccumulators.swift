/// The risk share's figures for one scope, accumulated exactly and mergeably.
///
/// Means and histograms take money divided by the scope's reference budget (its expected
/// horizon base budget), like the overspend figures. The histograms are
/// ``LogLinearQuantiles`` on the ``LogLinearLayout/fine`` layout, so a VaR or TVaR is within
/// one bucket (at most `max(2⁻¹³, 2⁻¹¹·|x|)` of the reference) of the sample's, at any value. The money totals
/// are kept raw in ``ExactSum``: every addend is a multiple of ``RiskShare/quantum``, so
/// `providerTotal + funderTotal == varianceTotal` holds exactly over any set of iterations.
struct RiskShareAccumulator: Sendable, Equatable {
  var provider = MeanAccumulator(), funder = MeanAccumulator(), variance = MeanAccumulator()
  var providerDistribution = LogLinearQuantiles(layout: .fine)
  var funderDistribution = LogLinearQuantiles(layout: .fine)
  /// P(provider loss > threshold), per threshold (money).
  let thresholds: [Double]
  var lossExceeds: [ProportionCounter]
  var providerTotal = ExactSum(), funderTotal = ExactSum(), varianceTotal = ExactSum()

  init(thresholds: [Double]) {
    self.thresholds = thresholds
    lossExceeds = Array(repeating: ProportionCounter(), count: thresholds.count)
  }

  /// One iteration's results over the horizon, money.
  mutating func add(provider p: Double, funder f: Double, variance v: Double, reference: Double) {
    provider.add(p / reference); funder.add(f / reference); variance.add(v / reference)
    providerDistribution.add(p / reference); funderDistribution.add(f / reference)
    for k in thresholds.indices { lossExceeds[k].add(p > thresholds[k]) }
    providerTotal.add(p); funderTotal.add(f); varianceTotal.add(v)
  }

  mutating func merge(_ o: RiskShareAccumulator) {
    provider.merge(o.provider); funder.merge(o.funder); variance.merge(o.variance)
    providerDistribution.merge(o.providerDistribution); funderDistribution.merge(o.funderDistribution)
    for k in lossExceeds.indices { lossExceeds[k].merge(o.lossExceeds[k]) }
    providerTotal.merge(o.providerTotal); funderTotal.merge(o.funderTotal); varianceTotal.merge(o.varianceTotal)
  }
}

/// The funder's rebasing for one scope: how often and by how much (money divided by the
/// scope's reference budget).
struct RebasingAccumulator: Sendable, Equatable {
  var any = ProportionCounter()
  /// Rebasings per iteration.
  var count = MeanAccumulator()
  /// Net money rebased per iteration.
  var net = MeanAccumulator()
  /// |amount| of each rebasing, one value per rebasing.
  var size = MeanAccumulator()

  mutating func add(rebasings: Int, rebased: Double) {
    any.add(rebasings > 0); count.add(Double(rebasings)); net.add(rebased)
  }

  mutating func addRebasing(size s: Double) { size.add(s) }

  mutating func merge(_ o: RebasingAccumulator) {
    any.merge(o.any); count.merge(o.count); net.merge(o.net); size.merge(o.size)
  }
}

extension ScopeAccumulator {
  mutating func mergeArrangements(_ o: ScopeAccumulator) {
    if let r = o.riskShare { riskShare?.merge(r) }
    if let r = o.rebasing { rebasing?.merge(r) }
  }
}
