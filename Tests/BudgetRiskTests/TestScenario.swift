@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Small scenarios built in code, for tests with closed-form answers.
enum TestScenario {
  /// One segment of `population` people using each service at `rates[v]` events per person
  /// per year, for `years` years of months, every service its own stream.
  static func make(
    population: Double = 1_000, years: Int = 1,
    services: [Service], rates: [Double],
    factors: [Factor] = [], shocks: [Shock] = [], interventions: [Intervention] = [],
    base: BaseBudget = .expected, proposals: [Proposal] = [.margin(0), .margin(0.05), .margin(0.10)],
    pools: [Pool]? = nil, responses: [ProviderResponse] = [.absorb],
    reserveShare: Double = 0, order: RationingOrder = .proactiveFirst, growth: Double = 0
  ) -> Scenario {
    let pools = pools ?? services.enumerated().map { Pool(name: $1.name, services: [$0]) }
    return Scenario(
      name: "test", description: "", currency: "GBP", sourcePath: "test.yaml",
      horizon: Horizon(periods: 12 * years, periodLength: .month, startMonth: 4),
      segments: [Segment(name: "people", population: population, growth: growth)],
      services: services, utilisation: [rates], factors: factors, correlation: nil,
      shocks: shocks, interventions: interventions,
      budget: BudgetSpec(
        base: base, proposals: proposals, pools: pools, responses: responses,
        reserveShare: reserveShare, rationingOrder: order),
      defaults: RunDefaults())
  }

  static func service(
    _ name: String, unitCost: Double = 100, severity: Severity = .gamma(cv: 0.5),
    noise: CountNoise = .poisson, category: ServiceCategory = .reactive, stream: String = "health",
    inflation: Double = 0
  ) -> Service {
    Service(
      name: name, category: category, stream: stream,
      cost: .events(unitCost: unitCost, severity: severity, noise: noise), inflation: inflation)
  }

  static func run(_ scenario: Scenario, iterations: Int, seed: UInt64 = 42, threads: Int = 2, blockSize: Int = 256) throws -> (SimulationRun, RunFigures) {
    let run = try Engine.run(scenario, options: RunOptions(iterations: iterations, seed: seed, threads: threads, blockSize: blockSize))
    return (run, RunFigures(run))
  }
}
