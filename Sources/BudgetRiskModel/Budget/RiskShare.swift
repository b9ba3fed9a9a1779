@_spi(HotPath) import BudgetRiskNumerics

/// How a pool's year-end variance (spend − budget) splits between the provider and the funder:
/// corridors of marginal shares, as in risk-corridor and shared-savings contracts, and caps.
///
/// The variance's size relative to the year's budget, `|V| / B`, is cut into bands; the
/// provider bears its band's share of the part of `|V|` inside each band:
///
/// ```
/// provider = sign(V) · Σₖ shareₖ · clamp(|V| − lₖ·B, 0, (uₖ − lₖ)·B)
/// ```
///
/// with `l₀ = 0`, `lₖ = uₖ₋₁` and the last band unbounded. So `[{up_to: 0.02, provider: 1},
/// {up_to: 0.05, provider: 0.5}, {provider: 0}]` gives the provider all of the first 2 %,
/// half of the next 3 % and none beyond. Overspend (`V > 0`: the provider's loss) and
/// underspend (`V < 0`: the provider's gain, a negative loss) have their own bands. Then the
/// provider's loss is capped at `providerLossCap · B` and its gain at `providerGainCap · B`.
/// The funder's part is what is left, `V − provider`: its extra payment (negative when it
/// keeps part of an underspend).
///
/// ## Exact shares
///
/// Both parts are rounded to multiples of ``quantum`` (2⁻⁸ of a currency unit) and the
/// funder's part is formed as `V − provider` on that grid, where doubles add and subtract
/// exactly while `|x| < 2⁴⁵` (about 3.5 × 10¹³): so the parts add up to `V` exactly, for
/// one pool-year, summed over pools and years, and (in ``ExactSum``) over all iterations.
public struct RiskShare: Sendable, Equatable {
  /// One corridor: the provider's marginal share of the variance up to `upTo · budget`.
  public struct Band: Sendable, Equatable {
    /// Upper edge as a share of the year's budget; nil for the last, unbounded band.
    public var upTo: Double?
    /// The provider's share of the variance inside this band, in [0, 1].
    public var provider: Double
    public init(upTo: Double?, provider: Double) { self.upTo = upTo; self.provider = provider }
  }

  public var overspend: [Band]
  public var underspend: [Band]
  /// Cap on the provider's loss per pool and year, as a share of that year's budget.
  public var providerLossCap: Double?
  /// Cap on the provider's gain per pool and year, as a share of that year's budget.
  public var providerGainCap: Double?
  /// Money thresholds x for P(provider loss over the horizon > x).
  public var lossThresholds: [Double]

  public init(
    overspend: [Band], underspend: [Band]? = nil, providerLossCap: Double? = nil,
    providerGainCap: Double? = nil, lossThresholds: [Double] = [0]
  ) {
    self.overspend = overspend; self.underspend = underspend ?? overspend
    self.providerLossCap = providerLossCap; self.providerGainCap = providerGainCap
    self.lossThresholds = lossThresholds
  }

  /// The grid of both parts, 2⁻⁸ of a currency unit (``MoneyGrid``).
  public static let quantum = MoneyGrid.quantum

  /// `x` rounded to the nearest multiple of ``quantum``.
  @inline(__always)
  static func onGrid(_ x: Double) -> Double { MoneyGrid.round(x) }

  /// Splits one pool-year's variance.
  ///
  /// - Parameters:
  ///   - variance: spend − budget for the year, money (positive: overspend).
  ///   - budget: the year's budget the bands and caps are shares of, ≥ 0.
  /// - Returns: the provider's loss (negative: gain) and the funder's extra payment, on the
  ///   ``quantum`` grid, with `provider + funder == onGrid(variance)` exactly.
  public func split(variance: Double, budget: Double) -> (provider: Double, funder: Double) {
    let v = Self.onGrid(variance)
    let size = abs(v)
    var borne = 0.0, lower = 0.0
    for band in v >= 0 ? overspend : underspend {
      let upper = band.upTo.map { $0 * budget } ?? .infinity
      borne += band.provider * min(max(0, size - lower), upper - lower)
      if size <= upper { break }
      lower = upper
    }
    var provider = v >= 0 ? borne : -borne
    if let cap = providerLossCap { provider = min(provider, cap * budget) }
    if let cap = providerGainCap { provider = max(provider, -cap * budget) }
    provider = Self.onGrid(provider)
    return (provider, v - provider)
  }
}

/// How a design's pools relate.
public enum PoolArrangement: Sendable, Equatable {
  /// Each pool stands alone.
  case separate
  /// Underspend in one pool may cover overspend in another, up to `transferLimit` times the
  /// receiving pool's proposed budget for the year, per budget year.
  case aligned(transferLimit: Double)
}
