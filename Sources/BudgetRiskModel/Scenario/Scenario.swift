import BudgetRiskNumerics

/// A validated pilot design: everything the engine needs, with names resolved to indices.
///
/// A `Scenario` is produced only by ``ScenarioLoader`` after every check in
/// `docs/scenario-format.md` has passed, so the engine never re-validates. Indices into
/// `segments`, `services`, `factors`, `interventions` and `budget.pools` are stable.
public struct Scenario: Sendable, Equatable {
  public var name: String
  public var description: String
  /// ISO 4217 code or symbol shown beside money, e.g. `GBP`.
  public var currency: String
  /// Where the scenario was read from (for messages and the run manifest).
  public var sourcePath: String
  /// SHA-256 of the file's bytes as read (hex), for the run manifest; `nil` for a scenario
  /// built in memory. Every design of a file carries the file's hash.
  public var sourceSHA256: String?
  public var horizon: Horizon
  public var segments: [Segment]
  public var services: [Service]
  /// Expected events per person per year, `utilisation[segment][service]`.
  public var utilisation: [[Double]]
  public var factors: [Factor]
  /// Rank (Spearman) correlation over `factors`, already checked or repaired; `nil` means independent.
  public var correlation: RankCorrelation?
  public var shocks: [Shock]
  public var interventions: [Intervention]
  /// Threshold count above which a sum of non-closed-form severities uses the moment-matched
  /// gamma approximation instead of exact summation.
  public var exactSumThreshold: Int
  public var budget: BudgetSpec
  public var defaults: RunDefaults

  public init(
    name: String, description: String, currency: String, sourcePath: String, horizon: Horizon,
    segments: [Segment], services: [Service], utilisation: [[Double]], factors: [Factor],
    correlation: RankCorrelation?, shocks: [Shock], interventions: [Intervention],
    exactSumThreshold: Int = 64, budget: BudgetSpec, defaults: RunDefaults
  ) {
    self.name = name; self.description = description; self.currency = currency
    self.sourcePath = sourcePath; self.horizon = horizon; self.segments = segments
    self.services = services; self.utilisation = utilisation; self.factors = factors
    self.correlation = correlation; self.shocks = shocks; self.interventions = interventions
    self.exactSumThreshold = exactSumThreshold; self.budget = budget; self.defaults = defaults
  }
}

public enum PeriodLength: String, Sendable, CaseIterable {
  case month, quarter
  public var periodsPerYear: Int { self == .month ? 12 : 4 }
}

public struct Horizon: Sendable, Equatable {
  /// Number of periods simulated; always a whole number of budget years.
  public var periods: Int
  public var periodLength: PeriodLength
  /// Calendar month (1–12) in which period 0 starts; seasonal profiles are indexed from it.
  public var startMonth: Int
  public init(periods: Int, periodLength: PeriodLength, startMonth: Int = 4) {
    self.periods = periods; self.periodLength = periodLength; self.startMonth = startMonth
  }
  public var periodsPerYear: Int { periodLength.periodsPerYear }
  public var budgetYears: Int { periods / periodsPerYear }
  /// The longest horizon a scenario may have, in budget years (checked by the loader).
  public static let maximumYears = 100
  public func budgetYear(ofPeriod t: Int) -> Int { t / periodsPerYear }
  /// Index into a seasonal profile of `periodsPerYear` entries (January = 0, or Q1 = 0).
  public func seasonIndex(ofPeriod t: Int) -> Int {
    switch periodLength {
    case .month: return (startMonth - 1 + t) % 12
    case .quarter: return ((startMonth - 1) / 3 + t) % 4
    }
  }
}

public struct Segment: Sendable, Equatable {
  public var name: String
  /// People in the segment at the start of the horizon.
  public var population: Double
  /// Annual growth rate of the segment (0.02 = 2 % a year); a `growth` factor replaces it.
  public var growth: Double
  public init(name: String, population: Double, growth: Double) {
    self.name = name; self.population = population; self.growth = growth
  }
}

public enum ServiceCategory: String, Sendable, CaseIterable {
  case proactive, reactive
}

/// How the cost of one event (or one person's period spend) varies around its mean.
public enum Severity: Sendable, Equatable {
  /// Every event costs exactly the mean: a sum of k events is k × mean.
  case fixed
  /// Gamma with this coefficient of variation: a sum of k events is gamma (exact).
  case gamma(cv: Double)
  /// Lognormal with this CV: exact summation up to the threshold count, moment-matched gamma above.
  case lognormal(cv: Double)
  /// Normal with this CV: a sum of k events is normal (exact; may be negative for large CVs).
  case normal(cv: Double)

  public var cv: Double {
    switch self {
    case .fixed: return 0
    case .gamma(let c), .lognormal(let c), .normal(let c): return c
    }
  }
}

/// Event counts given the expected count.
public enum CountNoise: Sendable, Equatable {
  case poisson
  /// Negative binomial with mean λ and variance λ + λ² / dispersion.
  case negativeBinomial(dispersion: Double)
  /// The same annual negative binomial, with its gamma rate variation held for the budget
  /// year (`mixing: year`): each period's count is Poisson(λₜ·G), one G ~ Gamma(k, 1/k) per
  /// service and budget year, so the year's count is exactly NB(Λ, k) as with
  /// `negativeBinomial`, but a period's is NB(λₜ, k) (variance λₜ + λₜ²/k, not λₜ + λₜ·Λ/k)
  /// and two periods of one year covary by λₛ·λₜ/k.
  case yearlyNegativeBinomial(dispersion: Double)
}

public enum ServiceCost: Sendable, Equatable {
  /// Events from `utilisation`, each costing `unitCost` on average.
  case events(unitCost: Double, severity: Severity, noise: CountNoise)
  /// Payer view: every person in `segments` costs `annualMean` a year on average.
  /// A period's cost is the sum over the people of per-person period costs with
  /// mean `annualMean / periodsPerYear` and CV `severity.cv × √periodsPerYear`.
  case perPerson(segments: [Int], annualMean: Double, severity: Severity)
}

public struct Service: Sendable, Equatable {
  public var name: String
  public var category: ServiceCategory
  /// Funding stream (health, social_care, housing, …); `separate` pools are one per stream.
  public var stream: String
  public var cost: ServiceCost
  /// Annual unit-cost inflation; applied as a step at each budget year (year y costs (1+i)^y).
  public var inflation: Double
  /// Relative activity by season, `periodsPerYear` entries normalised to mean 1; nil = flat.
  public var seasonality: [Double]?
  /// For one cell of a service split by pools over segments (``Scenario/splittingPoolsBySegments()``):
  /// the service's name in the file. Its cells share the service's count dispersion, stated
  /// for the service's year count over the whole population. nil: the service is its own cell.
  public var cellOf: String?
  public init(
    name: String, category: ServiceCategory, stream: String, cost: ServiceCost,
    inflation: Double, seasonality: [Double]? = nil, cellOf: String? = nil
  ) {
    self.name = name; self.category = category; self.stream = stream; self.cost = cost
    self.inflation = inflation; self.seasonality = seasonality; self.cellOf = cellOf
  }
}

/// An uncertain quantity, drawn once per iteration through the Gaussian copula (its level),
/// optionally wandering over the horizon (``FactorProcess``).
public struct Factor: Sendable, Equatable {
  public var name: String
  public var distribution: Distribution
  public var role: FactorRole
  /// How the factor wanders over the horizon around its level (nil: drawn once, constant).
  public var process: FactorProcess?
  public init(name: String, distribution: Distribution, role: FactorRole, process: FactorProcess? = nil) {
    self.name = name; self.distribution = distribution; self.role = role; self.process = process
  }
}

/// What an uncertain factor does. Multipliers multiply (several may apply to one target);
/// replacements (`inflation`, `growth`, `interventionEffect`) take one factor per target.
public enum FactorRole: Sendable, Equatable {
  /// Multiplies the expected event rate of these services, for every segment.
  case serviceRateMultiplier(services: [Int])
  /// Multiplies the expected event rate of every service used by these segments.
  case segmentRateMultiplier(segments: [Int])
  /// Multiplies the unit cost (or per-person cost) of these services.
  case unitCostMultiplier(services: [Int])
  /// Replaces the annual inflation rate of these services.
  case inflation(services: [Int])
  /// Replaces the annual growth rate of these segments.
  case growth(segments: [Int])
  /// Multiplies the starting population of these segments.
  case populationMultiplier(segments: [Int])
  /// Replaces the effect size of these interventions.
  case interventionEffect(interventions: [Int])
  /// Replaces the spillover of one intervention with recipients (``Recipients/spillover``):
  /// the share of the per-recipient effect that reaches its segments' other people.
  case interventionSpillover(interventions: [Int])
}

/// A rank-correlation matrix over all factors (row-major, `count × count`).
public struct RankCorrelation: Sendable, Equatable {
  public var count: Int
  /// Spearman correlations, row-major.
  public var spearman: [Double]
  /// Set when the given matrix was not positive semi-definite and was repaired on request.
  public var repair: CorrelationRepair?
  public init(count: Int, spearman: [Double], repair: CorrelationRepair? = nil) {
    self.count = count; self.spearman = spearman; self.repair = repair
  }
}

public struct CorrelationRepair: Sendable, Equatable {
  /// Smallest eigenvalue of the matrix as given.
  public var smallestEigenvalue: Double
  /// Largest absolute change made to any entry.
  public var largestChange: Double
  public init(smallestEigenvalue: Double, largestChange: Double) {
    self.smallestEigenvalue = smallestEigenvalue; self.largestChange = largestChange
  }
}

/// An event that multiplies chosen services' rates for a number of periods.
public struct Shock: Sendable, Equatable {
  public var name: String
  /// Chance that the shock starts in any one period.
  public var probability: Double
  /// Periods the shock lasts, counting the one it starts in. Overlapping shocks do not compound.
  public var duration: Int
  public var multiplier: Double
  public var services: [Int]
  public init(name: String, probability: Double, duration: Int, multiplier: Double, services: [Int]) {
    self.name = name; self.probability = probability; self.duration = duration
    self.multiplier = multiplier; self.services = services
  }
}

/// Proactive activity that reduces reactive rates.
///
/// In period `t` the target rates are multiplied by
/// `1 − effect × ramp(t) × delivered(t − lag)`, where `ramp` rises linearly from
/// `1/rampPeriods` at `t = start + lag` to 1, and `delivered` is the share of the proactive
/// services' cost of need that was actually delivered in period `t − lag` (1 when absorbing).
/// With ``Recipients`` the factor applies to the recipient segments' demand only, scaled by
/// the reach, and the programme's cost follows the recipients (see ``Recipients``).
public struct Intervention: Sendable, Equatable {
  public var name: String
  public var proactive: [Int]
  public var targets: [Int]
  /// Fractional reduction at full effect; may be zero or negative (an `interventionEffect` factor replaces it).
  public var effect: Double
  /// Periods from delivery to effect, at least 1: rationing decides a period's delivery after
  /// its demand is known, so the effect cannot act on the same period.
  public var lag: Int
  public var rampPeriods: Int
  public var start: Int
  /// Who receives it and what it costs per recipient (nil: everyone's demand, and no
  /// programme cost beyond the proactive services' own utilisation — the original meaning).
  public var recipients: Recipients?
  public init(
    name: String, proactive: [Int], targets: [Int], effect: Double, lag: Int, rampPeriods: Int,
    start: Int = 0, recipients: Recipients? = nil
  ) {
    self.name = name; self.proactive = proactive; self.targets = targets; self.effect = effect
    precondition(lag >= 1, "an intervention's lag is at least one period")
    self.lag = lag; self.rampPeriods = rampPeriods; self.start = start; self.recipients = recipients
  }
}

public struct RunDefaults: Sendable, Equatable {
  public var iterations: Int
  public var seed: UInt64
  public init(iterations: Int = 10_000, seed: UInt64 = 1) {
    self.iterations = iterations; self.seed = seed
  }
}
