/// What one uncertain factor does to an iteration's parameters, with names resolved.
///
/// In the model layer because the analytic expected cost (`ExpectedCost`) reads it as well as
/// the compiled plan (`SimulationPlan.factorEffects`).
package enum FactorEffect: Sendable, Equatable {
  case serviceRate([Int])
  case segmentRate([Int])
  case unitCost([Int])
  case inflation([Int])
  case growth([Int])
  case population([Int])
  case interventionEffect([Int])
  case interventionSpillover([Int])

  package init(_ role: FactorRole) {
    switch role {
    case .serviceRateMultiplier(let s): self = .serviceRate(s)
    case .segmentRateMultiplier(let s): self = .segmentRate(s)
    case .unitCostMultiplier(let s): self = .unitCost(s)
    case .inflation(let s): self = .inflation(s)
    case .growth(let s): self = .growth(s)
    case .populationMultiplier(let s): self = .population(s)
    case .interventionEffect(let s): self = .interventionEffect(s)
    case .interventionSpillover(let s): self = .interventionSpillover(s)
    }
  }
}
