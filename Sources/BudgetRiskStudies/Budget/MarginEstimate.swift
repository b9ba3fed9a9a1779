import BudgetRiskNumerics
import BudgetRiskModel

/// One solve's answer at a fixed iteration count, before it is turned into money.
struct MarginEstimate {
  package var margin: Double?
  package var lower: Double?
  package var upper: Double?
  package var binding: String?
  package var resolution: Double
  package var overspend: Probability?
  package var serviceGap: Probability?
  /// P(service gap) per category (proactive, reactive) at the solved margin; nil for the order statistic.
  package var categoryGaps: [Probability]?
  /// P(service gap) of each pool alone at the solved margin, when pools' gap targets are searched.
  package var poolGaps: [Probability]?
  /// Under `--sampling rqmc`: P(overspend) and P(service gap) at the solved margin with
  /// their Student-t intervals over the replicates (nil under plain Monte Carlo).
  package var overspendInterval: ReplicateInterval?
  package var serviceGapInterval: ReplicateInterval?
  package var notes: [String] = []
  package var curve: [MarginCurvePoint] = []

  package var halfWidth: Double? {
    guard let lower, let upper else { return nil }
    return (upper - lower) / 2
  }

  /// The absorb answer: the sample (1 − α) quantile of R = cost / base − 1 and its 95 %
  /// order-statistic interval.
  ///
  /// With r = ⌈n(1 − α)⌉, P̂(R > R₍ᵣ₎) = (n − r)/n ≤ α while any smaller margin leaves
  /// n − r + 1 > nα iterations above it, so R₍ᵣ₎ is exactly the smallest margin meeting
  /// the target on the sample. P(overspend) at it is reported as (n − r)/n with its Wilson
  /// interval.
  static func orderStatistic(_ ratios: LogLinearQuantiles, target alpha: Double) -> MarginEstimate {
    let q = 1 - alpha
    let n = ratios.count
    let m = ratios.quantile(q)
    let interval = ratios.quantileInterval(q, confidence: 0.95)
    let r = ratios.rank(q)
    var e = MarginEstimate(
      margin: m, lower: interval.lowerBound, upper: interval.upperBound, binding: "overspend",
      resolution: ratios.resolution(ofQuantile: q),
      overspend: Probability(ProportionCounter(successes: n - r, trials: n)), serviceGap: nil)
    // The chart: P̂(R > m) at the bucket edges next to 41 margins around the answer,
    // counted exactly.
    let spread = max(4 * (interval.upperBound - interval.lowerBound), 0.02)
    let points = (0...40).map { i in ratios.countAbove(edgeAtOrBelow: m - spread + 2 * spread * Double(i) / 40) }
    var seen = Set<Double>()
    e.curve = points.filter { seen.insert($0.edge).inserted }.map { edge, c in
      MarginCurvePoint(
        margin: edge, overspendProbability: Probability(ProportionCounter(successes: c, trials: n)),
        serviceGapProbability: nil)
    }
    return e
  }

  /// Point, lower end and upper end criteria for one counter: the estimate, the Wilson lower
  /// bound and the Wilson upper bound must fall to `target`.
  static func criteria(target: Double, counter: KeyPath<MarginSearch.Counts, ProportionCounter> & Sendable) -> [MarginSearch.Criterion] {
    criteria(MarginTarget(name: "", target: target, counter: { $0[keyPath: counter] }))
  }

  /// The three criteria of one target (see ``criteria(target:counter:)``). Under RQMC
  /// (`replicated`) the ends are where the 95 % Student-t bounds over the replicates'
  /// estimates fall to the target (``ReplicateInterval``): the binomial bounds of the pooled
  /// count would not describe the error of a scrambled net's estimate.
  static func criteria(_ t: MarginTarget, replicated: Bool = false) -> [MarginSearch.Criterion] {
    let counter = t.counter
    if replicated {
      // A bound that is undefined (a replicate without paths) never meets the target.
      let replicate = t.replicateCounter
      let interval: @Sendable (MarginSearch.Counts) -> ReplicateInterval? = { counts in
        ReplicateInterval(values: counts.replicates.map { replicate(counts, $0).estimate })
      }
      return [
        .init(statistic: { counter($0).estimate }, target: t.target),
        .init(statistic: { interval($0)?.lower ?? .infinity }, target: t.target),
        .init(statistic: { interval($0)?.upper ?? .infinity }, target: t.target),
      ]
    }
    return [
      .init(statistic: { counter($0).estimate }, target: t.target),
      .init(statistic: { counter($0).wilsonInterval(confidence: 0.95).lowerBound }, target: t.target),
      .init(statistic: { counter($0).wilsonInterval(confidence: 0.95).upperBound }, target: t.target),
    ]
  }

  /// The search answer from crossings in the order of `targets`' ``criteria(_:)`` (the
  /// overspend target first, then the gap targets): each of point, lower and upper is the
  /// largest over the targets, and the binding target is the one with the largest point.
  static func fromSearch(
    _ search: MarginSearch, crossings: [MarginSearch.Crossing], targets: [MarginTarget]
  ) -> MarginEstimate {
    var notes = [String]()
    func value(_ c: MarginSearch.Crossing, _ what: String) -> Double? {
      switch c {
      case .at(let m): return m
      case .belowRange(let m):
        notes.append("\(what) is at or below \(Proposal.percent(m)), the smallest margin searched")
        return m
      case .notFound:
        notes.append("\(what): no margin up to \(Proposal.percent(MarginSearch.initialGrid.last!)) meets the target")
        return nil
      }
    }
    let names = ["the margin", "the interval's lower end", "the interval's upper end"]
    let ends = targets.enumerated().map { k, t in (0..<3).map { value(crossings[3 * k + $0], names[$0] + " (\(t.name))") } }
    func combine(_ i: Int) -> Double? {
      var m = -Double.infinity
      for e in ends {
        guard let x = e[i] else { return nil }
        m = max(m, x)
      }
      return m
    }
    let overspend = targets[0].counter
    var e = MarginEstimate(
      margin: combine(0), lower: combine(1), upper: combine(2), binding: nil,
      resolution: max(search.finalBracket, 0), overspend: nil, serviceGap: nil, notes: notes)
    if let m = e.margin {
      // The first target whose point is the answer (overspend on a tie).
      e.binding = targets[ends.firstIndex { $0[0] == m } ?? 0].name
      // The figures at the solved margin: those of the evaluated margin just above it
      // (within the final bracket, at most 1e−4 away).
      if let at = search.evaluated(atOrAbove: m) {
        e.overspend = Probability(overspend(at.counts))
        e.serviceGap = Probability(at.counts.serviceGap)
        e.categoryGaps = at.counts.categoryGap.map { Probability($0) }
        e.poolGaps = at.counts.poolGap.isEmpty ? nil : at.counts.poolGap.map { Probability($0) }
        if !at.counts.replicates.isEmpty {
          let replicate = targets[0].replicateCounter
          e.overspendInterval = ReplicateInterval(values: at.counts.replicates.map { replicate(at.counts, $0).estimate })
          e.serviceGapInterval = ReplicateInterval(values: at.counts.replicates.map(\.serviceGap.estimate))
        }
      }
    }
    // The chart: every evaluated margin near the answer.
    let centre = e.margin ?? 0
    let spread = max(4 * ((e.upper ?? centre) - (e.lower ?? centre)), 0.02)
    e.curve = search.known.filter { abs($0.margin - centre) <= spread }.map {
      MarginCurvePoint(
        margin: $0.margin, overspendProbability: Probability(overspend($0.counts)),
        serviceGapProbability: Probability($0.counts.serviceGap))
    }
    return e
  }
}

/// One target of the margin search: the counter whose probability must fall to `target`,
/// named as `binding` and the notes report it (`overspend`, `service gap`, `proactive gap`).
struct MarginTarget {
  var name: String
  var target: Double
  var counter: @Sendable (MarginSearch.Counts) -> ProportionCounter
  /// Under RQMC: the counter of one replicate's counts given the pooled counts at the same
  /// margin (nil: `counter` of the replicate). The worst-year rule reads every replicate in
  /// the pooled worst year: each replicate's own worst year would bias the estimates upward.
  var replicate: (@Sendable (_ pooled: MarginSearch.Counts, _ replicate: MarginSearch.Counts) -> ProportionCounter)? = nil

  var replicateCounter: @Sendable (MarginSearch.Counts, MarginSearch.Counts) -> ProportionCounter {
    if let replicate { return replicate }
    let counter = counter
    return { _, r in counter(r) }
  }
}
