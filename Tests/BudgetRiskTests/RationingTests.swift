import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Provider response, worked by hand on deterministic paths: per-person services with fixed
/// costs and a fixed population have no randomness, so every figure is exact.
@Suite struct RationingTests {
  /// 1,200 people at `annual` a year each: a need of 1,200 × annual / 12 every month.
  static func perPerson(_ name: String, annual: Double, category: ServiceCategory) -> Service {
    Service(name: name, category: category, stream: "care", cost: .perPerson(segments: [0], annualMean: annual, severity: .fixed), inflation: 0)
  }

  static func scenario(services: [Service], budget: Double, reserve: Double, order: RationingOrder, responses: [ProviderResponse] = [.ration]) -> Scenario {
    TestScenario.make(
      population: 1_200, services: services, rates: services.map { _ in 0 },
      base: .fixed(amounts: [[budget]]), proposals: [.margin(0)],
      pools: [Pool(name: "care", services: Array(services.indices))], responses: responses,
      reserveShare: reserve, order: order)
  }

  @Test func rationingWithNoReserveLeavesTheExactGap() throws {
    // Need 12,000 a month against 10,800 profiled: each month delivers 10,800, so
    // U = 1,200 / 12,000 = 0.1 exactly, and drift = 144,000 / 129,600 − 1.
    let s = Self.scenario(services: [Self.perPerson("home_care", annual: 120, category: .reactive)], budget: 129_600, reserve: 0, order: .proRata)
    let (_, f) = try TestScenario.run(s, iterations: 64)
    let scope = f.budgets[0].scopes[0]
    #expect(abs(scope.serviceGap.expectedUnmetShare.mean - 0.1) < 1e-12)
    // Every iteration has U = 0.1; the standard error is 0 up to the accumulators' 2^−40
    // fixed-point resolution (≈ 1e−12 in x and x², so ≈ 1e−6 / √n in the SE).
    #expect(scope.serviceGap.expectedUnmetShare.standardError < 1e-6)
    #expect(abs(scope.drift.mean - (144_000.0 / 129_600 - 1)) < 1e-12)
    #expect(scope.overspendProbability.estimate == 1)
    #expect(scope.instability.reserveExhausted.estimate == 1)
  }

  @Test func theReserveDefersRationingByTheWorkedNumberOfMonths() throws {
    // Reserve 5 % of 129,600 = 6,480. Month t (1-based) can spend 10,800·t + 6,480 − spent:
    // months 1–5 are met in full, month 6 gets 11,280, months 7–12 get 10,800 each.
    // Delivered 136,080 of 144,000: U = 7,920 / 144,000 = 0.055.
    let s = Self.scenario(services: [Self.perPerson("home_care", annual: 120, category: .reactive)], budget: 129_600, reserve: 0.05, order: .proRata)
    let (_, f) = try TestScenario.run(s, iterations: 64)
    #expect(abs(f.budgets[0].scopes[0].serviceGap.expectedUnmetShare.mean - 0.055) < 1e-12)
  }

  @Test(arguments: [
    // need: proactive 2,000 and reactive 10,000 a month; budget 10,800 a month.
    (RationingOrder.proactiveFirst, 0.6, 0.0),  // reactive met, proactive gets 800 of 2,000
    (RationingOrder.reactiveProtected, 0.6, 0.0),
    (RationingOrder.proRata, 0.1, 0.1),  // both get 90 %
  ])
  func rationingOrderDecidesWhoIsCut(order: RationingOrder, proactiveGap: Double, reactiveGap: Double) throws {
    let s = Self.scenario(
      services: [Self.perPerson("prevention", annual: 20, category: .proactive), Self.perPerson("crisis", annual: 100, category: .reactive)],
      budget: 129_600, reserve: 0, order: order)
    let (_, f) = try TestScenario.run(s, iterations: 64)
    let gap = f.budgets[0].scopes[0].serviceGap
    #expect(abs(gap.expectedUnmetShare.mean - 0.1) < 1e-12)
    #expect(abs(gap.byCategory[0].expectedUnmetShare.mean - proactiveGap) < 1e-12)
    #expect(abs(gap.byCategory[1].expectedUnmetShare.mean - reactiveGap) < 1e-12)
    #expect(abs(f.budgets[0].services[0].expectedUnmetShare.mean - proactiveGap) < 1e-12)
  }

  @Test func anAmpleBudgetLeavesNoUnmetNeed() throws {
    // Random demand, budget twice the expected cost with a reserve: nothing is ever rationed.
    let s = TestScenario.make(
      population: 2_000, services: [TestScenario.service("ae"), TestScenario.service("nursing", category: .proactive)],
      rates: [2, 6], proposals: [.margin(1.0)], responses: [.ration], reserveShare: 0.1)
    let (_, f) = try TestScenario.run(s, iterations: 2_000)
    for scope in f.budgets[0].scopes {
      #expect(scope.serviceGap.expectedUnmetShare.mean == 0)
      #expect(scope.serviceGap.probability.estimate == 0)
      #expect(scope.instability.reserveExhausted.estimate == 0)
    }
  }

  @Test func rationedPreventionRaisesLaterCrisisDemand() throws {
    // Prevention (per person, fixed, 12,000 a month) funded at half its need from month 1
    // on, so half of it is delivered. Crisis events (1,200 people × 10 a year = 1,000 a
    // month at 100 each) fall by effect × delivered share from month 2 (lag 1, ramp 1): by
    // 0.3 when prevention is delivered in full (absorb), by 0.15 when it is rationed.
    // Expected crisis cost: 100,000 × (1 + 11 × 0.7) absorbing, × (1 + 11 × 0.85) rationing.
    // Tolerance: 4 SE of each simulated mean.
    let prevention = Self.perPerson("prevention", annual: 120, category: .proactive)
    let crisis = TestScenario.service("crisis", unitCost: 100, severity: .gamma(cv: 0.5))
    let s = TestScenario.make(
      population: 1_200, services: [prevention, crisis], rates: [0, 10],
      interventions: [Intervention(name: "outreach", proactive: [0], targets: [1], effect: 0.3, lag: 1, rampPeriods: 1)],
      base: .fixed(amounts: [[72_000], [1e9]]), proposals: [.margin(0)],
      pools: [Pool(name: "prevention", services: [0]), Pool(name: "crisis", services: [1])],
      responses: [.absorb, .ration])
    let (_, f) = try TestScenario.run(s, iterations: 3_000)
    let absorb = f.budgets.first { $0.response == "absorb" }!.scopes[1].costOfNeed
    let ration = f.budgets.first { $0.response == "ration" }!.scopes[1].costOfNeed
    #expect(abs(absorb.mean - 100_000 * (1 + 11 * 0.7)) < 4 * absorb.standardError)
    #expect(abs(ration.mean - 100_000 * (1 + 11 * 0.85)) < 4 * ration.standardError)
    #expect(f.budgets.first { $0.response == "ration" }!.services[0].expectedUnmetShare.mean > 0.49)
  }
}
