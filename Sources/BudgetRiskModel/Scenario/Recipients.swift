import Foundation
import BudgetRiskNumerics

/// Who receives an intervention, how many of them, and what the programme costs.
///
/// Terms, per intervention `k` and period `t`:
/// - the *recipient segments* `S_k` and their expected people `N̄(t)` (the analytic
///   expectation, ``ExpectedCost/population``);
/// - the *coverage* `c(t)`: the share of `S_k`'s people who receive it — `share`, or a
///   cohort of `n(t) = n·((1 + growth)(1 − attrition))^(t/ppy)` people as the share
///   `min(1, n(t)/N̄(t))` of the segments' expected size. In an iteration whose population
///   differs from the expectation, the cohort scales with it (`c(t)·N(t)` people), so its
///   expected size is exactly `n(t)` and the expected cost stays a closed form;
/// - the *enrolment* `a(t)`: 0 before `start` and after `end`, rising linearly to 1 over
///   `ramp` periods —
///   the programme's cost follows `a(t)·c(t)`, its effect `a(t − lag)·c(t − lag)` (the
///   existing ``Intervention/ramp(atPeriod:)`` is `a(t − lag)`), so `start`, `lag` and `ramp`
///   act on cost and effect alike; after `end` the effect stops `lag` periods later, or
///   decays from its last level with the stated half-life;
/// - the recipients' *share of demand* `g(c)`: `c` when they are chosen without regard to
///   risk; when they are the segments' highest-risk people (`risk_cv`: each person's relative
///   use is lognormal with mean 1 and that coefficient of variation, `σ² = ln(1 + cv²)`), the
///   top `c` of people carry `g(c) = Φ(σ + Φ⁻¹(c))` of the demand (the lognormal's partial
///   expectation above its `1 − c` quantile), more than `c`;
/// - the *reach* `ρ(t) = d(g(c(t))) + spillover·(1 − g(c(t)))`: the share of a recipient
///   segment's demand the effect reduces, where `d(x) = x` (linear dose) or, with a
///   `saturation` `h`, `d(x) = h·(1 − e^(−x/h))` (diminishing returns: `d ≈ x` for `x ≪ h`,
///   `d → h`).
///
/// A recipient segment's rate of a targeted service is then multiplied by
/// `1 − effect·a(t − lag)·ρ(t − lag)·delivered(t − lag)`; other segments' rates are unchanged.
/// Two interventions reaching one segment multiply their factors (recipients chosen
/// independently of each other).
public struct Recipients: Sendable, Equatable {
  /// How many people of the recipient segments receive the programme.
  public enum Size: Sendable, Equatable {
    /// A share of the segments' people, in (0, 1].
    case share(Double)
    /// A cohort of `people` at period 0, growing by `growth` and losing `attrition` a year.
    case cohort(people: Double, growth: Double, attrition: Double)
  }

  public var segments: [Int]
  public var size: Size
  /// Share of the per-recipient effect that reaches the segments' other people, in [0, 1].
  public var spillover: Double
  /// Coverage scale of a saturating dose–response (nil: linear).
  public var saturation: Double?
  /// Programme cost per recipient per year, and per year whatever the size (from `start`),
  /// in the money of period 0 (the programme service's price factors and inflation apply).
  public var costPerRecipient: Double
  public var fixedCost: Double
  /// The last period of delivery (nil: to the horizon): no cost after it, and the effect,
  /// `lag` periods later, stops — or, with `decayHalfLife` (periods), halves every half-life.
  public var end: Int?
  public var decayHalfLife: Double?
  /// The coefficient of variation of individual relative use when the recipients are the
  /// segments' highest-risk people (nil: chosen without regard to risk).
  public var riskCV: Double?

  public init(
    segments: [Int], size: Size, spillover: Double = 0, saturation: Double? = nil,
    costPerRecipient: Double = 0, fixedCost: Double = 0, end: Int? = nil, decayHalfLife: Double? = nil,
    riskCV: Double? = nil
  ) {
    self.segments = segments; self.size = size; self.spillover = spillover; self.saturation = saturation
    self.costPerRecipient = costPerRecipient; self.fixedCost = fixedCost
    self.end = end; self.decayHalfLife = decayHalfLife; self.riskCV = riskCV
  }

  /// Whether the programme still delivers in period `t`.
  package func delivers(atPeriod t: Int) -> Bool { end.map { t <= $0 } ?? true }

  /// Coverage `c(t)` given the recipient segments' expected people `expectedPeople` at `t`.
  package func coverage(atPeriod t: Int, periodsPerYear: Int, expectedPeople: Double) -> Double {
    switch size {
    case .share(let s): return s
    case .cohort(let n, let growth, let attrition):
      guard expectedPeople > 0 else { return 0 }
      let people = n * pow((1 + growth) * (1 - attrition), Double(t) / Double(periodsPerYear))
      return min(1, people / expectedPeople)
    }
  }

  /// The recipients' share `g(c)` of their segments' demand at coverage `c` (see above).
  package func demandShare(coverage c: Double) -> Double {
    guard let cv = riskCV, cv > 0, c > 0, c < 1 else { return c }
    let sigma = sqrt(log1p(cv * cv))
    return StandardNormal.cdf(sigma + StandardNormal.quantile(c))
  }

  /// Reach `ρ` of coverage `c`: the dose–response on the recipients' share of demand plus
  /// the spillover to the rest of it.
  package func reach(coverage c: Double) -> Double {
    let g = demandShare(coverage: c)
    let dose = saturation.map { h in h * -expm1(-g / h) } ?? g
    return dose + spillover * (1 - g)
  }
}

extension Intervention {
  /// Enrolment `a(t)` (see ``Recipients``): the programme's own ramp, without the lag.
  package func enrolment(atPeriod t: Int) -> Double {
    recipients?.delivers(atPeriod: t) == false ? 0 : ramp(atPeriod: t + lag)
  }

  /// Per period, the coverage `c(t)` and the share of the recipient segments' demand the
  /// effect reaches at full effect, `a(t − lag)·ρ(t − lag)` (`ramp(t)` alone without
  /// recipients), given the segments' expected people per period (`S × T`).
  package func schedule(periods T: Int, periodsPerYear: Int, expectedPopulation: [Double])
    -> (coverage: [Double], reach: [Double])
  {
    guard let recipients else { return ([Double](repeating: 1, count: T), (0..<T).map { ramp(atPeriod: $0) }) }
    let coverage = (0..<T).map { t in
      recipients.coverage(
        atPeriod: t, periodsPerYear: periodsPerYear,
        expectedPeople: recipients.segments.reduce(0) { $0 + expectedPopulation[$1 * T + t] })
    }
    var reach = (0..<T).map { t in
      let r = ramp(atPeriod: t)
      return r > 0 ? r * recipients.reach(coverage: coverage[t - lag]) : 0
    }
    // After the last delivery (`end`), the effect `lag` periods on stops or decays from the
    // level the last delivery reached.
    if let end = recipients.end {
      for t in 0..<T where t - lag > end {
        let last = end + lag < T ? reach[end + lag] : 0
        reach[t] = recipients.decayHalfLife.map { h in last * exp2(-Double(t - lag - end) / h) } ?? 0
      }
    }
    return (coverage, reach)
  }

  /// The programme's fixed cost in period `t`: from `start` to `end`, per period.
  package func fixedCost(atPeriod t: Int, periodsPerYear: Int) -> Double {
    guard let r = recipients, t >= start, r.delivers(atPeriod: t) else { return 0 }
    return r.fixedCost / Double(periodsPerYear)
  }

  /// Whether the intervention reaches segment `s` (every segment without recipients).
  package func reaches(segment s: Int) -> Bool { recipients?.segments.contains(s) ?? true }
}

extension Scenario {
  /// The interventions with each `intervention_spillover` factor's mean as their spillover:
  /// the reach schedules of the analytic expected cost and of the plan. The factor enters a
  /// targeted cell's rate linearly (the reach is affine in it) and is uncorrelated with every
  /// other factor and targets one intervention (both checked by the parser), so the expected
  /// cost at its mean is exact.
  package var interventionsAtMeanSpillover: [Intervention] {
    var list = interventions
    for factor in factors {
      guard case .interventionSpillover(let targets) = factor.role else { continue }
      for k in targets where list[k].recipients != nil { list[k].recipients!.spillover = factor.distribution.mean }
    }
    return list
  }

  /// The scenario with intervention `name` at another dose: its cohort's `number` of people,
  /// or its `share` of the recipient segments (for a dose sweep; see `DoseSweep`).
  /// - Returns: the scenario and the dose's unit (`people` or `share`).
  public func withDose(_ dose: Double, of name: String) throws(DoseError) -> (scenario: Scenario, unit: String) {
    guard let k = interventions.firstIndex(where: { $0.name == name }) else {
      throw .invalid("no intervention '\(name)' (the scenario has: \(interventions.map(\.name).joined(separator: ", ")))")
    }
    guard var r = interventions[k].recipients else {
      throw .invalid("intervention '\(name)' has no recipients: a dose sweep varies its cohort 'number' or its 'share'")
    }
    let unit: String
    switch r.size {
    case .share:
      guard dose > 0 && dose <= 1 else { throw .invalid("a dose of '\(name)' is a share of its segments in (0, 1], found \(dose)") }
      r.size = .share(dose); unit = "share"
    case .cohort(_, let growth, let attrition):
      guard dose > 0 && dose.isFinite else { throw .invalid("a dose of '\(name)' is a number of people > 0, found \(dose)") }
      r.size = .cohort(people: dose, growth: growth, attrition: attrition); unit = "people"
    }
    var variant = self
    variant.interventions[k].recipients = r
    return (variant, unit)
  }
}

/// A dose the scenario cannot take (no such intervention, no recipients, a dose out of range).
public enum DoseError: Error, CustomStringConvertible, Equatable {
  case invalid(String)
  public var description: String {
    switch self { case .invalid(let s): return s }
  }
}
