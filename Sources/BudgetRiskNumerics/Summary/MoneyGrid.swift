/// Money on a fixed binary grid, multiples of 2⁻⁸ of a currency unit, where doubles add and
/// subtract exactly while `|x| < 2⁴⁵` (about 3.5 × 10¹³ currency units): sums of amounts on
/// the grid do not depend on their order or grouping, so a budget and a cost compare the same
/// way whatever the period length, the number of pools or the summation order.
///
/// The tile puts every cell's cost on the grid (a change of at most half a quantum, 0.002 of
/// a currency unit, per service and period), the ledger every period's proposed budget, and
/// `cost > budget` is compared on their exact sums (the pools' sums, a BLAS product of the
/// cells, included). The risk share splits variances on the same grid.
///
/// `@_spi(HotPath) public` with inlinable members, like ``Buffer``: the tile rounds every
/// cell's cost here, from another module (BudgetRiskEngine), and Swift does not inline
/// members of a `package` type across modules.
@_spi(HotPath) public enum MoneyGrid {
  /// 2⁻⁸ of a currency unit.
  public static let quantum = 0x1p-8

  /// `x` rounded to the nearest multiple of ``quantum`` (halves to even).
  ///
  /// Below 2⁵¹ quanta, adding and subtracting 1.5·2⁵² lets the hardware round (the sum lies
  /// where doubles are spaced exactly 1), with no call into libm (`rounded()` was 2 % of a
  /// run); larger amounts take `rounded(.toNearestOrEven)`.
  @inlinable @inline(__always)
  public static func round(_ x: Double) -> Double {
    let y = x * 0x1p8
    guard abs(y) < 0x1p51 else { return y.rounded(.toNearestOrEven) * 0x1p-8 }
    return ((y + 0x1.8p52) - 0x1.8p52) * 0x1p-8
  }

  /// Per-period amounts on the grid that add up, within every budget year, to the year's
  /// total rounded once: `amountₜ = round(Rₜ) − round(Rₜ₋₁)` with `Rₜ` the running sum of
  /// `amount(t)` since the year began. A year's budget of 525 split into months or quarters
  /// (shares such as 1/12 that are not exact in binary) sums to exactly 525 either way.
  ///
  /// - Parameters:
  ///   - periods: `T`.
  ///   - periodsPerYear: periods in a budget year.
  ///   - amount: the unrounded amount of period `t`.
  ///   - emit: receives each period `t` and its amount on the grid, in order.
  @inlinable @inline(__always)
  public static func spread(
    periods: Int, periodsPerYear: Int, amount: (Int) -> Double, emit: (Int, Double) -> Void
  ) {
    var running = 0.0, previous = 0.0
    for t in 0..<periods {
      if t % periodsPerYear == 0 { running = 0; previous = 0 }
      running += amount(t)
      let rounded = round(running)
      emit(t, rounded - previous)
      previous = rounded
    }
  }
}
