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
    [
      .init(statistic: { $0[keyPath: counter].estimate }, target: target),
      .init(statistic: { $0[keyPath: counter].wilsonInterval(confidence: 0.95).lowerBound }, target: target),
      .init(statistic: { $0[keyPath: counter].wilsonInterval(confidence: 0.95).upperBound }, target: target),
    ]
  }

  /// The search answer from crossings in ``criteria(target:counter:)`` order (overspend,
  /// then service gap when set): each of point, lower and upper is the larger over targets.
  static func fromSearch(
    _ search: MarginSearch, crossings: [MarginSearch.Crossing], hasGapTarget: Bool, alpha: Double
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
    let over = (0..<3).map { value(crossings[$0], names[$0] + " (overspend)") }
    let gap = hasGapTarget ? (0..<3).map { value(crossings[3 + $0], names[$0] + " (service gap)") } : [nil, nil, nil]
    func combine(_ i: Int) -> Double? {
      guard let o = over[i] else { return nil }
      guard hasGapTarget else { return o }
      guard let g = gap[i] else { return nil }
      return max(o, g)
    }
    var e = MarginEstimate(
      margin: combine(0), lower: combine(1), upper: combine(2), binding: nil,
      resolution: max(search.finalBracket, 0), overspend: nil, serviceGap: nil, notes: notes)
    if let m = e.margin {
      e.binding = hasGapTarget && (gap[0] ?? -.infinity) > (over[0] ?? -.infinity) ? "service gap" : "overspend"
      // The figures at the solved margin: those of the evaluated margin just above it
      // (within the final bracket, at most 1e−4 away).
      if let at = search.evaluated(atOrAbove: m) {
        e.overspend = Probability(at.counts.overspent)
        e.serviceGap = Probability(at.counts.serviceGap)
      }
    }
    // The chart: every evaluated margin near the answer.
    let centre = e.margin ?? 0
    let spread = max(4 * ((e.upper ?? centre) - (e.lower ?? centre)), 0.02)
    e.curve = search.known.filter { abs($0.margin - centre) <= spread }.map {
      MarginCurvePoint(
        margin: $0.margin, overspendProbability: Probability($0.counts.overspent),
        serviceGapProbability: Probability($0.counts.serviceGap))
    }
    return e
  }
}
