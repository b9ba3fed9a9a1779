import Foundation
@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskModel

/// Overdispersion held for the budget year (`noise: {…, mixing: year}`, ``CountNoise``).
///
/// A negative binomial is a Poisson whose rate is scaled by a gamma variable G (mean 1,
/// variance 1/k): the rate variation that the counts' overdispersion stands for. With
/// `mixing: period` each period's cell draws its own G (the annual law is kept by giving each
/// period dispersion `k·λₜ/Λ`, ``yearDispersion(_:mean:yearMean:)``), so a month's relative
/// variance from it is `Λ/(k·λₜ)` — about 12/k on a monthly horizon — and months are
/// independent. With `mixing: year` one G per service and budget year multiplies every
/// period's rate: given the factors and shocks,
///
/// ```
/// period:  Nₜ | G ~ Poisson(λₜ·G)       Nₜ ~ NB(λₜ, k)        Var Nₜ = λₜ + λₜ²/k
/// year:    Σₜ Nₜ | G ~ Poisson(Λ·G)     Σₜ Nₜ ~ NB(Λ, k)      (exactly today's annual law)
///          Cov(Nₛ, Nₜ) = λₛ·λₜ/k for s ≠ t in one year, 0 across years.
/// ```
///
/// G comes from its own stream (``StreamID/mixing(_:)``, the year as substream), so the
/// cell's stream draws exactly what it drew with a Poisson count. Each row's G are drawn
/// once, before its cells (`yearMixing`, `rows × V × years`), and a rationed or averted
/// redraw of a cell reads the same G.
extension TileWorkspace {
  /// Row `r`'s G per service and budget year under `mixing: year`; nothing otherwise.
  func drawYearMixing(row r: Int, iteration: Int, seed: UInt64) {
    guard mixingByYear else { return }
    let V = plan.serviceCount, years = plan.years
    for v in 0..<V {
      guard case .events(_, _, .yearlyNegativeBinomial(let k)) = plan.serviceCosts[v] else { continue }
      for y in 0..<years {
        var rng = RandomStream(
          seed: seed, iteration: UInt64(iteration), stream: StreamID.mixing(plan.serviceStreamKey[v]), substream: y)
        yearMixing[(r * V + v) * years + y] = Gamma.sample(shape: k, scale: 1 / k, using: &rng)
      }
    }
  }

  /// The cell's Poisson mean and count noise: `(λ·G_y, .poisson)` for `mixing: year`,
  /// `(λ, noise)` otherwise.
  @inline(__always)
  func yearMixed(_ noise: CountNoise, mean lambda: Double, row r: Int, service v: Int, year: Int) -> (mean: Double, noise: CountNoise) {
    guard case .yearlyNegativeBinomial = noise else { return (lambda, noise) }
    return (lambda * yearMixing[(r * plan.serviceCount + v) * plan.years + year], .poisson)
  }
}
