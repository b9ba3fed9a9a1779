import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Loading valid files: the fixtures and what each key becomes in the model.
@Suite struct ScenarioLoaderTests {
  @Test func minimalFixtureLoadsWithDefaults() throws {
    let path = ScenarioText.fixture("minimal")
    let s = try ScenarioLoader.load(path: path)
    #expect(s.name == "Minimal")
    #expect(s.description == "")
    #expect(s.currency == "GBP")
    #expect(s.sourcePath == path)
    #expect(s.horizon == Horizon(periods: 12, periodLength: .month, startMonth: 4))
    #expect(s.defaults == RunDefaults(iterations: 10_000, seed: 1))
    #expect(s.exactSumThreshold == 64)
    #expect(s.segments == [Segment(name: "everyone", population: 1000, growth: 0)])
    #expect(
      s.services == [
        Service(
          name: "gp_visit", category: .reactive, stream: "health",
          cost: .events(unitCost: 40, severity: .fixed, noise: .poisson), inflation: 0)
      ])
    #expect(s.utilisation == [[5]])
    #expect(s.factors.isEmpty && s.correlation == nil && s.shocks.isEmpty && s.interventions.isEmpty)
    let b = s.budget
    #expect(b.base == .expected)
    #expect(b.proposals == [.margin(0), .margin(0.05)])
    #expect(b.pools == [Pool(name: "health", services: [0])])
    #expect(b.responses == [.absorb])
    #expect(b.reserveShare == 0 && b.rationingOrder == .proactiveFirst)
    #expect(b.serviceGapThreshold == 0.01 && b.driftTolerance == 0.05 && b.reviewEvery == 3)
    #expect(b.overspendTarget == 0.1 && b.serviceGapTarget == nil)
  }

  @Test func fullFixtureLoadsEveryKey() throws {
    let s = try ScenarioLoader.load(path: ScenarioText.fixture("full"))
    #expect(s.name == "Community health network")
    #expect(s.description == "Full fixture for the scenario loader tests.")
    #expect(s.currency == "EUR")
    #expect(s.horizon == Horizon(periods: 36, periodLength: .month, startMonth: 4))
    #expect(s.defaults == RunDefaults(iterations: 20_000, seed: 20_261_122))
    #expect(s.exactSumThreshold == 32)
    #expect(s.segments.map(\.name) == ["frail_older", "general"])
    #expect(s.segments[0].growth == 0.02 && s.segments[1].growth == 0)

    // Services.
    #expect(
      s.services.map(\.name) == [
        "community_nursing", "care_coordination", "ae_attendance", "residential_care",
      ])
    #expect(
      s.services[0].cost
        == .events(unitCost: 85, severity: .gamma(cv: 0.6), noise: .negativeBinomial(dispersion: 40)))
    #expect(s.services[0].inflation == 0.03)
    #expect(s.services[2].cost == .events(unitCost: 250, severity: .lognormal(cv: 0.8), noise: .poisson))
    #expect(s.services[3].cost == .perPerson(segments: [0], annualMean: 2400, severity: .gamma(cv: 3.0)))
    #expect(s.services[3].category == .reactive && s.services[3].stream == "social_care")
    let season = try #require(s.services[0].seasonality)
    #expect(season.count == 12)
    #expect(abs(season.reduce(0, +) / 12 - 1) < 1e-12)  // normalised to mean 1
    #expect(abs(season[0] / season[3] - 1.2 / 0.9) < 1e-12)  // shape kept
    #expect(s.services[1].seasonality == nil)
    #expect(s.utilisation == [[24, 4, 1.2, 0], [0, 0, 0.35, 0]])

    // Factors: roles, targets and distributions.
    #expect(
      s.factors.map(\.name) == [
        "demand_level", "frailty_demand", "cost_level", "nursing_pay", "care_inflation", "older_growth",
        "general_growth", "population_count", "coordination_effect",
      ])
    #expect(s.factors[0].role == .serviceRateMultiplier(services: [2]))
    #expect(s.factors[0].distribution == Distribution.lognormal(mean: 1.0, cv: 0.08))
    #expect(s.factors[1].role == .segmentRateMultiplier(segments: [0]))
    #expect(s.factors[1].distribution == .gamma(shape: 1 / (0.1 * 0.1), scale: 1.0 * 0.1 * 0.1))
    #expect(s.factors[2].role == .unitCostMultiplier(services: [0, 1, 2, 3]))
    #expect(s.factors[2].distribution == .triangular(min: 0.95, mode: 1.0, max: 1.15))
    #expect(s.factors[3].distribution == .fixed(1.02))  // a bare number
    #expect(s.factors[4].role == .inflation(services: [0, 1, 2, 3]))
    #expect(s.factors[4].distribution == .normal(mean: 0.03, sd: 0.01))
    #expect(s.factors[5].distribution == .pert(min: 0.01, mode: 0.025, max: 0.05))
    #expect(s.factors[6].distribution == .discrete(values: [0, 0.01], weights: [1, 3]))
    #expect(s.factors[6].role == .growth(segments: [1]))
    #expect(s.factors[7].role == .populationMultiplier(segments: [0, 1]))
    #expect(s.factors[7].distribution == .uniform(min: 0.98, max: 1.02))
    #expect(s.factors[8].role == .interventionEffect(interventions: [0]))
    #expect(s.factors[8].distribution == .beta(alpha: 2, beta: 5, min: -0.05, max: 0.25))

    // Correlation over all nine factors, identity where the file is silent.
    let c = try #require(s.correlation)
    #expect(c.count == 9 && c.spearman.count == 81 && c.repair == nil)
    func rho(_ a: Int, _ b: Int) -> Double { c.spearman[a * 9 + b] }
    #expect(rho(0, 5) == 0.3 && rho(5, 0) == 0.3)
    #expect(rho(0, 1) == 0.5 && rho(1, 5) == 0.2)
    #expect(rho(2, 2) == 1 && rho(2, 3) == 0 && rho(8, 0) == 0)

    #expect(
      s.shocks == [
        Shock(name: "winter_surge", probability: 0.05, duration: 3, multiplier: 1.25, services: [2])
      ])
    #expect(
      s.interventions == [
        Intervention(
          name: "care_coordination", proactive: [1], targets: [2], effect: 0.08,
          lag: 6, rampPeriods: 12, start: 2)
      ])

    let b = s.budget
    #expect(
      b.pools == [Pool(name: "health_pool", services: [0, 1, 2]), Pool(name: "care_pool", services: [3])])
    #expect(b.base == .capitation(rates: [450, 2500], segments: [0, 1]))
    #expect(
      b.proposals == [
        .margin(0), .margin(0.025), .margin(0.05), .amounts(name: "Board offer", annual: [[5.2e7, 5.2e7, 5.2e7], [3.0e7, 3.0e7, 3.0e7]]),
      ])
    #expect(b.responses == [.absorb, .ration])
    #expect(b.reserveShare == 0.01 && b.rationingOrder == .proRata)
    #expect(b.serviceGapThreshold == 0.02 && b.driftTolerance == 0.04 && b.reviewEvery == 6)
    #expect(b.overspendTarget == 0.05 && b.serviceGapTarget == 0.1)
  }

  @Test func validTestTextLoads() {
    #expect(loadedScenario(ScenarioText.valid) != nil)
  }

  @Test func separatePoolsFollowStreamsInOrderOfFirstAppearance() throws {
    let s = try #require(
      loadedScenario(ScenarioText.replacing(("base: expected", "base: expected\n  pools: separate"))))
    #expect(
      s.budget.pools == [
        Pool(name: "health", services: [0, 1]), Pool(name: "social_care", services: [2, 3]),
      ])
  }

  @Test func pooledMeansOnePoolNamedPooled() throws {
    let s = try #require(
      loadedScenario(ScenarioText.replacing(("base: expected", "base: expected\n  pools: pooled"))))
    #expect(s.budget.pools == [Pool(name: "pooled", services: [0, 1, 2, 3])])
  }

  @Test func fixedBaseIsKeyedByPoolAndYear() throws {
    let yaml = ScenarioText.replacing(
      ("base: expected", "base: fixed\n  fixed: {social_care: [3.0e7, 3.1e7], health: [5.1e7, 5.3e7]}"))
    let s = try #require(loadedScenario(yaml))
    #expect(s.budget.base == .fixed(amounts: [[5.1e7, 5.3e7], [3.0e7, 3.1e7]]))
  }

  @Test func quarterlyHorizonAndSeasonalityConversion() throws {
    let monthly = "[2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1]"
    let yaml = ScenarioText.replacing(
      ("years: 2", "periods: 8\n  period: quarter"),
      ("unit_cost: 85", "unit_cost: 85\n    seasonality: \(monthly)"),
      ("unit_cost: 250", "unit_cost: 250\n    seasonality: [2, 1, 1, 0]"),
      ("lag: 6", "lag: 1"))
    let s = try #require(loadedScenario(yaml))
    #expect(s.horizon == Horizon(periods: 8, periodLength: .quarter, startMonth: 4))
    // Monthly factors averaged per calendar quarter: [2, 1, 1, 1] → mean 1.25.
    #expect(s.services[0].seasonality == [1.6, 0.8, 0.8, 0.8])
    // Quarterly profile kept, normalised: [2, 1, 1, 0] / 1.
    #expect(s.services[1].seasonality == [2, 1, 1, 0])
  }

  @Test func quarterlyProfileOnMonthlyHorizonRepeatsEachQuarter() throws {
    let yaml = ScenarioText.replacing(("unit_cost: 85", "unit_cost: 85\n    seasonality: [3, 1, 1, 1]"))
    let s = try #require(loadedScenario(yaml))
    let low = 2.0 / 3
    let expected: [Double] = [2, 2, 2] + [Double](repeating: low, count: 9)
    #expect(s.services[0].seasonality == expected)
  }

  @Test func alternativeParametrisationsAndEffectFromFactor() throws {
    let yaml = ScenarioText.replacing(
      ("{lognormal: {mean: 1.0, cv: 0.08}}", "{lognormal: {mu: 0.0, sigma: 0.1}}"),
      ("    effect: 0.08\n", ""),
      (
        "  correlation:",
        """
            - name: coordination_effect
              distribution: {gamma: {shape: 4, scale: 0.02}}
              role: intervention_effect
          correlation:
        """
      ))
    let s = try #require(loadedScenario(yaml))
    #expect(s.factors[0].distribution == .lognormal(mu: 0, sigma: 0.1))
    #expect(s.factors[2].distribution == .gamma(shape: 4, scale: 0.02))
    #expect(s.factors[2].role == .interventionEffect(interventions: [0]))
    #expect(s.interventions[0].effect == 0)  // replaced by the factor
  }

  @Test func responseMayBeASingleValue() throws {
    let yaml = ScenarioText.replacing(
      ("base: expected", "base: expected\n  provider: {response: ration, reserve: 0}"))
    let s = try #require(loadedScenario(yaml))
    #expect(s.budget.responses == [.ration])
  }
}
