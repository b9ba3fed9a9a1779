import Foundation

/// A linear map from data values to SVG coordinates, with "nice" round tick values.
struct ChartScale: Sendable {
  /// The data interval shown.
  let domain: ClosedRange<Double>
  /// SVG coordinates of the domain's lower and upper ends (the upper may be the smaller,
  /// as on a y axis).
  let range: (Double, Double)

  func callAsFunction(_ value: Double) -> Double {
    let span = domain.upperBound - domain.lowerBound
    let t = span > 0 ? (value - domain.lowerBound) / span : 0.5
    return range.0 + t * (range.1 - range.0)
  }

  /// Round tick values covering `lower...upper`: steps of 1, 2, 2.5 or 5 times a power of
  /// ten, about `count` of them, and the domain widened to the outer ticks.
  static func niceTicks(_ lower: Double, _ upper: Double, count: Int = 6) -> (domain: ClosedRange<Double>, ticks: [Double]) {
    var (lo, hi) = (min(lower, upper), max(lower, upper))
    if !(lo.isFinite && hi.isFinite) { (lo, hi) = (0, 1) }
    if hi - lo < 1e-12 * max(1, abs(hi)) {
      let pad = lo == 0 ? 1 : abs(lo) * 0.05
      (lo, hi) = (lo - pad, hi + pad)
    }
    let raw = (hi - lo) / Double(max(1, count - 1))
    let power = pow(10, floor(log10(raw)))
    let step = [1, 2, 2.5, 5, 10].map { $0 * power }.first { $0 >= raw * 0.999 } ?? 10 * power
    // Ticks are whole multiples of the step, and the domain runs exactly from the first to the
    // last, so that no tick falls an ulp outside it.
    let first = Int(floor(lo / step + 1e-9)), last = Int(ceil(hi / step - 1e-9))
    let ticks = (first...last).map { Double($0) * step }
    return (ticks.first!...ticks.last!, ticks)
  }
}
