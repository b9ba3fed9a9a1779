import BudgetRiskNumerics

/// The expected value of partial perfect information (EVPPI) of each uncertain input for the
/// choice between the compared designs: how much, in money over the horizon, the
/// decision-maker should pay to learn that input before choosing.
///
/// The loss of a design is its cost of need over the horizon (on the total scope, at the first
/// shared budget; under `absorb` it does not depend on the budget). With Δ_d = C_d − C_baseline
/// per iteration (paired, so the common noise cancels) and θ the input,
///
///     EVPPI(θ) = min_d E[Δ_d] − E_θ[ min_d E[Δ_d | θ] ]
///
/// (choosing now against choosing once θ is known). E[· | θ] is estimated over ``bins`` bins
/// of equal probability of θ (its copula uniform), with the bins' observed shares, so the
/// baseline's own cost cancels exactly. Bounds, stated: (1) binning can only lower the value
/// (Jensen: a bin's min of means is at least its mean of mins), and by no more than the spread
/// of E[Δ_d | θ] within the bins where the best design changes; (2) the noise of the bin means
/// raises it (a min of noisy means is biased low), by about 0.4 × the bins' standard error
/// where designs are close. The Monte Carlo error is a jackknife over ``groups`` groups of
/// iterations (global iteration mod G): `SE = √((G − 1)/G · Σ (v₍g₎ − v̄)²)`.
/// `perfect` is the EVPI, the value of learning everything (every input and chance) before
/// choosing: min_d E[Δ_d] − E[min_d Δ_d], an upper bound of every EVPPI.
public struct ValueOfInformation: Codable, Sendable, Equatable {
  public static let bins = 20
  public static let groups = 10

  /// The budget whose cost of need is the loss (`costComparedAt`).
  public var at: String
  /// EVPI (money, horizon) with its jackknife standard error.
  public var perfect: Estimate
  /// One per input, largest value first.
  public var inputs: [InputValue]

  public struct InputValue: Codable, Sendable, Equatable {
    public var factor: String
    /// EVPPI (money, horizon) with its jackknife standard error.
    public var value: Estimate
  }
}

extension ValueOfInformation {
  /// From the comparison's sums; `scale` turns a sum's unit (the baseline's reference) into money.
  init(_ acc: ComparisonAccumulator, factors: [String], designs D: Int, scale: Double, at: String) {
    let B = Self.bins, G = Self.groups
    /// The EVPPI of factor f over the groups `kept`.
    func evppi(_ f: Int, kept: [Int]) -> Double {
      var total = [Double](repeating: 0, count: D), n = 0.0, expectedMin = 0.0
      for b in 0..<B {
        var sums = [Double](repeating: 0, count: D), count = 0.0
        for g in kept {
          for d in 0..<D {
            let m = acc.evppi[((f * B + b) * G + g) * D + d]
            guard m.count > 0 else { continue }
            sums[d] += m.mean * Double(m.count)
            if d == 0 { count += Double(m.count) }
          }
        }
        guard count > 0 else { continue }
        for d in 0..<D { total[d] += sums[d] }
        n += count
        expectedMin += (sums.min() ?? 0)  // count × min_d mean_b,d; Δ_baseline = 0 is among them
      }
      guard n > 0 else { return .nan }
      return (total.min() ?? 0) / n - expectedMin / n
    }
    func perfectValue(kept: [Int]) -> Double {
      var n = 0.0, least = 0.0
      for g in kept where acc.perfect[g].count > 0 {
        n += Double(acc.perfect[g].count); least += acc.perfect[g].mean * Double(acc.perfect[g].count)
      }
      // min_d E[Δ_d] from any factor's bins (every iteration is in one bin of each factor),
      // or 0 (the baseline alone) when there is no factor.
      var total = [Double](repeating: 0, count: D)
      if !factors.isEmpty {
        for b in 0..<B {
          for g in kept {
            for d in 0..<D {
              let m = acc.evppi[(b * G + g) * D + d]
              if m.count > 0 { total[d] += m.mean * Double(m.count) }
            }
          }
        }
      }
      guard n > 0 else { return .nan }
      return (total.min() ?? 0) / n - least / n
    }
    func jackknife(_ estimate: ([Int]) -> Double) -> Estimate {
      let all = Array(0..<G)
      let full = estimate(all)
      let leaveOut = all.map { g in estimate(all.filter { $0 != g }) }
      let mean = leaveOut.reduce(0, +) / Double(G)
      let se = (Double(G - 1) / Double(G) * leaveOut.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }).squareRoot()
      return Estimate(mean: full * scale, standardError: se * scale)
    }
    self.at = at
    perfect = factors.isEmpty
      ? Estimate(mean: .nan, standardError: .nan, undefined: "no uncertain input: the bins need one") : jackknife(perfectValue)
    inputs = factors.enumerated()
      .map { f, name in InputValue(factor: name, value: jackknife { evppi(f, kept: $0) }) }
      .enumerated().sorted { (-$0.element.value.mean, $0.offset) < (-$1.element.value.mean, $1.offset) }.map(\.element)
  }
}
