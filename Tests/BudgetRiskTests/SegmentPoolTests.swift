import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies

/// Pools over segments (one pool per place): a service used in two places is simulated as one
/// cell per place, each with its own random stream, so places are independent in their count
/// and severity noise and correlated only through shared factors. Checked against the exact
/// compound Poisson and negative-binomial laws of each place's year cost.
@Suite struct SegmentPoolTests {
  static let north = 800.0, south = 1_200.0, rate = 3.0, unitCost = 100.0, cv = 0.5

  /// Two places of one borough using one service (gamma costs), one budget year of months.
  static func yaml(
    pools: String = "{north: {segments: [north]}, south: {segments: [south]}}",
    noise: String = "", factor: String = "", extraBudget: String = ""
  ) -> String {
    """
    name: Two places
    horizon: {years: 1}
    segments:
      - {name: north, population: \(Int(north))}
      - {name: south, population: \(Int(south))}
    services:
      - {name: care, category: reactive, stream: health, unit_cost: \(Int(unitCost)), severity: {distribution: gamma, cv: \(cv)}\(noise)}
    utilisation:
      north: {care: \(rate)}
      south: {care: \(rate)}
    \(factor)
    budget:
      base: expected
      margins: [0, 0.05]
      pools: \(pools)
    \(extraBudget)
    """
  }

  /// Per iteration, the year cost of each pool, over `tiles` tiles of 64 iterations.
  static func poolCosts(_ scenario: Scenario, tiles: Int = 64, seed: UInt64 = 3) throws -> [[Double]] {
    let plan = try SimulationPlan(scenario)
    let w = TileWorkspace(plan: plan)
    let T = plan.periods, P = plan.poolCount
    var out: [[Double]] = []
    for tile in 0..<tiles {
      w.simulate(tile: tile, active: 0..<TileWorkspace.rows, seed: seed)
      for r in 0..<TileWorkspace.rows {
        out.append((0..<P).map { p in
          (0..<T).reduce(0.0) { $0 + w.poolCategoryCost[(r * T + $1) * 2 * P + 2 * p] + w.poolCategoryCost[(r * T + $1) * 2 * P + 2 * p + 1] }
        })
      }
    }
    return out
  }

  static func moments(_ x: [Double]) -> (mean: Double, meanSE: Double, variance: Double, varianceSE: Double) {
    let n = Double(x.count)
    let m = x.reduce(0, +) / n
    let m2: Double = x.reduce(0.0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
    let m4: Double = x.reduce(0.0) { $0 + pow($1 - m, 4) } / n
    // SE of the mean √(s²/n); of the sample variance √((μ₄ − σ⁴)/n), from the sample's own moments.
    return (m, (m2 / n).squareRoot(), m2, ((m4 - m2 * m2) / n).squareRoot())
  }

  static func correlation(_ a: [Double], _ b: [Double]) -> Double {
    let n = Double(a.count)
    let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
    var sab = 0.0, saa = 0.0, sbb = 0.0
    for (x, y) in zip(a, b) { sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb) }
    return sab / (saa * sbb).squareRoot()
  }

  @Test func theServiceIsSplitIntoOneCellPerPlace() throws {
    let s = try #require(loadedScenario(Self.yaml()))
    #expect(s.services.map(\.name) == ["care@north", "care@south"])
    #expect(s.services.map(\.cellOf) == ["care", "care"])
    #expect(s.budget.pools.map(\.services) == [[0], [1]])
    #expect(s.utilisation == [[Self.rate, 0], [0, Self.rate]])
    // Each pool's expected cost is its own place's closed form λμ, and the sum of its cells.
    let plan = try SimulationPlan(s)
    let T = plan.periods
    for (p, people) in [Self.north, Self.south].enumerated() {
      let pool = (0..<T).reduce(0.0) { $0 + plan.expected.poolCost[p * T + $1] }
      let cells = s.budget.pools[p].services.reduce(0.0) { acc, v in acc + (0..<T).reduce(0.0) { $0 + plan.expected.serviceCost[v * T + $1] } }
      #expect(pool == cells)
      #expect(abs(pool - people * Self.rate * Self.unitCost) <= 1e-9 * pool)
    }
  }

  /// An intervention with recipients in one place is delivered and acts there: its proactive
  /// and target cells are that place's; one without recipients acts on every place's cells.
  @Test func interventionsFollowTheirRecipientsPlaces() throws {
    let yaml = Self.yaml()
      .replacingOccurrences(
        of: "utilisation:", with: "  - {name: outreach, category: proactive, stream: health, unit_cost: 50}\nutilisation:")
      .replacingOccurrences(of: "  north: {care: \(Self.rate)}", with: "  north: {care: \(Self.rate), outreach: 1}")
      .replacingOccurrences(of: "  south: {care: \(Self.rate)}", with: "  south: {care: \(Self.rate), outreach: 1}")
      .replacingOccurrences(of: "budget:", with: """
        interventions:
          - {name: local, proactive: [outreach], targets: [care], effect: 0.1, lag: 1, ramp: 1, recipients: {segments: [south], share: 0.5}}
          - {name: everyone, proactive: [outreach], targets: [care], effect: 0.1, lag: 1, ramp: 1}
        budget:
        """)
    let s = try #require(loadedScenario(yaml))
    #expect(s.services.map(\.name) == ["care@north", "care@south", "outreach@north", "outreach@south"])
    #expect(s.interventions[0].proactive == [3] && s.interventions[0].targets == [1])
    #expect(s.interventions[1].proactive == [2, 3] && s.interventions[1].targets == [0, 1])
  }

  /// A scenario whose pools do not split a service keeps one cell per service, unrenamed.
  @Test func poolsThatSplitNoServiceKeepOneCellPerService() throws {
    let yaml = Self.yaml(pools: "{north: {segments: [north], services: [care]}, rest: {segments: [south], services: [other]}}")
      .replacingOccurrences(of: "  south: {care: \(Self.rate)}", with: "  south: {other: 1}")
      .replacingOccurrences(
        of: "services:\n  - {name: care",
        with: "services:\n  - {name: other, category: reactive, stream: health, unit_cost: 10}\n  - {name: care")
    let s = try #require(loadedScenario(yaml))
    #expect(s.services.map(\.name) == ["other", "care"])
    #expect(s.services.allSatisfy { $0.cellOf == nil })
    #expect(s.budget.pools.map(\.services) == [[1], [0]])
  }

  /// (a) No factors: each place's year cost is compound Poisson(Nλ)–gamma, mean Nλμ and
  /// variance Nλ·μ²(1 + cv²); the places are independent (correlation 0 within 4 SE, 1/√n).
  @Test func placesWithoutFactorsAreIndependentCompoundPoissonLaws() throws {
    let s = try #require(loadedScenario(Self.yaml()))
    let costs = try Self.poolCosts(s)
    for (p, people) in [Self.north, Self.south].enumerated() {
      let lambda = people * Self.rate
      let m = Self.moments(costs.map { $0[p] })
      #expect(abs(m.mean - lambda * Self.unitCost) <= 4 * m.meanSE, "pool \(p) mean")
      let variance = lambda * Self.unitCost * Self.unitCost * (1 + Self.cv * Self.cv)
      #expect(abs(m.variance - variance) <= 4 * m.varianceSE, "pool \(p) variance \(m.variance) vs \(variance)")
    }
    let rho = Self.correlation(costs.map { $0[0] }, costs.map { $0[1] })
    #expect(abs(rho) <= 4 / Double(costs.count).squareRoot(), "correlation \(rho)")
  }

  /// (a) A shared rate factor M (lognormal, mean 1, CV c): the places are correlated through
  /// it alone. Given M each is compound Poisson, so Var Cₚ = λₚμ²(1 + cv²) + λₚ²μ²c² and
  /// Cov(C₁, C₂) = λ₁λ₂μ²c²: ρ = 0.852 here. The sample correlation's SE is (1 − ρ²)/√n.
  @Test func aSharedFactorCorrelatesThePlacesAsTheClosedFormSays() throws {
    let c = 0.05
    let factor = """
      uncertainty:
        factors:
          - {name: demand, distribution: {lognormal: {mean: 1.0, cv: \(c)}}, role: rate_multiplier, services: [care]}
      """
    let s = try #require(loadedScenario(Self.yaml(factor: factor)))
    let costs = try Self.poolCosts(s)
    let mu = Self.unitCost, l1 = Self.north * Self.rate, l2 = Self.south * Self.rate
    let v1 = l1 * mu * mu * (1 + Self.cv * Self.cv) + l1 * l1 * mu * mu * c * c
    let v2 = l2 * mu * mu * (1 + Self.cv * Self.cv) + l2 * l2 * mu * mu * c * c
    let exact = l1 * l2 * mu * mu * c * c / (v1 * v2).squareRoot()
    let rho = Self.correlation(costs.map { $0[0] }, costs.map { $0[1] })
    let se = (1 - exact * exact) / Double(costs.count).squareRoot()
    #expect(abs(rho - exact) <= 4 * se, "correlation \(rho) vs \(exact)")
    for (p, variance) in [v1, v2].enumerated() {
      let m = Self.moments(costs.map { $0[p] })
      #expect(abs(m.variance - variance) <= 4 * m.varianceSE, "pool \(p) variance \(m.variance) vs \(variance)")
    }
  }

  /// (b) The same model cut differently: with negative-binomial counts (dispersion k of the
  /// service's year count over everyone) the place pools' total has the single pool's law,
  /// mean Λμ and variance Λμ²cv² + (Λ + Λ²/k)μ², and each place is NB with the service's
  /// success probability: variance λμ²cv² + (λ + λΛ/k)μ². Every moment within 4 SE.
  @Test func thePlacePoolsTotalHasTheSinglePoolsLaw() throws {
    let k = 20.0
    let noise = ", noise: {distribution: negative_binomial, dispersion: \(Int(k))}"
    let places = try #require(loadedScenario(Self.yaml(noise: noise)))
    let single = try #require(loadedScenario(Self.yaml(pools: "pooled", noise: noise)))
    let split = try Self.poolCosts(places), whole = try Self.poolCosts(single, seed: 4)
    let mu = Self.unitCost, total = (Self.north + Self.south) * Self.rate
    let totalVariance = total * mu * mu * Self.cv * Self.cv + (total + total * total / k) * mu * mu
    let a = Self.moments(split.map { $0[0] + $0[1] }), b = Self.moments(whole.map { $0[0] })
    for m in [a, b] {
      #expect(abs(m.mean - total * mu) <= 4 * m.meanSE)
      #expect(abs(m.variance - totalVariance) <= 4 * m.varianceSE, "\(m.variance) vs \(totalVariance)")
    }
    #expect(abs(a.variance - b.variance) <= 4 * (a.varianceSE * a.varianceSE + b.varianceSE * b.varianceSE).squareRoot())
    for (p, people) in [Self.north, Self.south].enumerated() {
      let lambda = people * Self.rate
      let variance = lambda * mu * mu * Self.cv * Self.cv + (lambda + lambda * total / k) * mu * mu
      let m = Self.moments(split.map { $0[p] })
      #expect(abs(m.variance - variance) <= 4 * m.varianceSE, "pool \(p) variance \(m.variance) vs \(variance)")
    }
  }

  /// Per-person services split too: each place's cell carries its own people only. A year of
  /// N people at an annual mean a with gamma CV c (independent months, each with CV c·√12) is
  /// gamma with mean N·a and variance N·a²·c², exactly; each pool within 4 SE of it.
  @Test func perPersonServicesAreSplitByPlace() throws {
    let annual = 1_000.0, c = 0.5
    let yaml = Self.yaml()
      .replacingOccurrences(
        of: "utilisation:",
        with: "  - {name: placements, category: reactive, stream: social_care, per_person: {segments: [north, south], annual_cost: \(Int(annual)), severity: {distribution: gamma, cv: \(c)}}}\nutilisation:")
    let s = try #require(loadedScenario(yaml))
    #expect(s.services.map(\.name) == ["care@north", "care@south", "placements@north", "placements@south"])
    #expect(s.services.map { if case .perPerson(let segments, _, _) = $0.cost { segments } else { [] } } == [[], [], [0], [1]])
    #expect(s.budget.pools.map(\.services) == [[0, 2], [1, 3]])
    let plan = try SimulationPlan(s)
    let w = TileWorkspace(plan: plan)
    let T = plan.periods, V = plan.serviceCount
    var placements: [[Double]] = [[], []]
    for tile in 0..<64 {
      w.simulate(tile: tile, active: 0..<TileWorkspace.rows, seed: 8)
      for r in 0..<TileWorkspace.rows {
        for p in 0..<2 { placements[p].append((0..<T).reduce(0.0) { $0 + w.cost[(r * T + $1) * V + 2 + p] }) }
      }
    }
    for (p, people) in [Self.north, Self.south].enumerated() {
      let m = Self.moments(placements[p])
      #expect(abs(m.mean - people * annual) <= 4 * m.meanSE, "pool \(p) mean \(m.mean)")
      let variance = people * annual * annual * c * c
      #expect(abs(m.variance - variance) <= 4 * m.varianceSE, "pool \(p) variance \(m.variance) vs \(variance)")
    }
  }

  /// (b) under `mixing: year`: one gamma G per service and year, shared by its cells, so the
  /// total is again exactly the single pool's NB(Λ, k) law, and each place is NB(λ, k) with
  /// variance λμ²cv² + (λ + λ²/k)μ², the places correlated through G (covariance λ₁λ₂μ²/k).
  @Test func underYearMixingThePlacesShareTheServicesYearVariation() throws {
    let k = 20.0
    let noise = ", noise: {distribution: negative_binomial, dispersion: \(Int(k)), mixing: year}"
    let places = try #require(loadedScenario(Self.yaml(noise: noise)))
    let split = try Self.poolCosts(places)
    let mu = Self.unitCost, total = (Self.north + Self.south) * Self.rate
    let totalVariance = total * mu * mu * Self.cv * Self.cv + (total + total * total / k) * mu * mu
    let a = Self.moments(split.map { $0[0] + $0[1] })
    #expect(abs(a.mean - total * mu) <= 4 * a.meanSE)
    #expect(abs(a.variance - totalVariance) <= 4 * a.varianceSE, "\(a.variance) vs \(totalVariance)")
    var v: [Double] = []
    for (p, people) in [Self.north, Self.south].enumerated() {
      let lambda = people * Self.rate
      v.append(lambda * mu * mu * Self.cv * Self.cv + (lambda + lambda * lambda / k) * mu * mu)
      let m = Self.moments(split.map { $0[p] })
      #expect(abs(m.variance - v[p]) <= 4 * m.varianceSE, "pool \(p) variance \(m.variance) vs \(v[p])")
    }
    let exact = Self.north * Self.south * Self.rate * Self.rate * mu * mu / k / (v[0] * v[1]).squareRoot()
    let rho = Self.correlation(split.map { $0[0] }, split.map { $0[1] })
    #expect(abs(rho - exact) <= 4 * (1 - exact * exact) / Double(split.count).squareRoot(), "\(rho) vs \(exact)")
  }

  /// (c) One place absorbs, the other rations: each pool gives exactly its single-response
  /// figures on the same paths (pools without a shared arrangement are independent given them).
  @Test func onePlaceAbsorbsTheOtherRationsEachWithItsSingleResponseFigures() throws {
    func scenario(_ response: String, rules: String = "") throws -> Scenario {
      try #require(loadedScenario(Self.yaml(extraBudget: "  provider: {response: \(response)}\n" + rules)))
    }
    let n = 1_000
    let (_, absorb) = try TestScenario.run(try scenario("absorb"), iterations: n, seed: 5)
    let (_, ration) = try TestScenario.run(try scenario("ration"), iterations: n, seed: 5)
    let (_, mixed) = try TestScenario.run(
      try scenario("absorb", rules: "  pool_rules: {south: {response: ration}}"), iterations: n, seed: 5)
    for (b, budget) in mixed.budgets.enumerated() {
      // (The all-absorb run reads its margins' fans off one histogram: equal within resolution.)
      #expect(budget.scopes[0].equalsUpToSharedFan(absorb.budgets[b].scopes[0]))
      #expect(budget.scopes[1] == ration.budgets[b].scopes[1])
    }
    // The south pool does ration at margin 0 (not vacuous); the north pool never does.
    #expect(mixed.budgets[0].scopes[1].serviceGap.expectedUnmetShare.mean > 0)
    #expect(mixed.budgets[0].scopes[0].serviceGap.expectedUnmetShare.mean == 0)
  }

  /// A place that rations its prevention raises only its own crisis demand: with one
  /// programme per place (recipients there), the absorbing place's figures are exactly those
  /// of a run where both absorb, while the rationing place's cost of need moves.
  @Test func rationedPreventionFeedsBackOnlyInItsOwnPlace() throws {
    func scenario(rules: String) throws -> Scenario {
      let yaml = Self.yaml(extraBudget: "  provider: {response: absorb}\n" + rules)
        .replacingOccurrences(
          of: "utilisation:", with: "  - {name: outreach, category: proactive, stream: health, unit_cost: 400}\nutilisation:")
        .replacingOccurrences(of: "  north: {care: \(Self.rate)}", with: "  north: {care: \(Self.rate), outreach: 2}")
        .replacingOccurrences(of: "  south: {care: \(Self.rate)}", with: "  south: {care: \(Self.rate), outreach: 2}")
        .replacingOccurrences(of: "budget:", with: """
          interventions:
            - {name: north_visits, proactive: [outreach], targets: [care], effect: 0.3, lag: 1, ramp: 1, recipients: {segments: [north], share: 1.0}}
            - {name: south_visits, proactive: [outreach], targets: [care], effect: 0.3, lag: 1, ramp: 1, recipients: {segments: [south], share: 1.0}}
          budget:
          """)
      return try #require(loadedScenario(yaml))
    }
    let n = 512
    let (_, absorb) = try TestScenario.run(try scenario(rules: ""), iterations: n, seed: 6)
    let (_, mixed) = try TestScenario.run(
      try scenario(rules: "  pool_rules: {north: {response: ration}}"), iterations: n, seed: 6)
    for (b, budget) in mixed.budgets.enumerated() {
      // (The all-absorb run reads its margins' fans off one histogram: equal within resolution.)
      #expect(budget.scopes[1].equalsUpToSharedFan(absorb.budgets[b].scopes[1]))
    }
    // Not vacuous: at margin 0 North rations its prevention and its crisis demand rises.
    #expect(mixed.budgets[0].scopes[0].serviceGap.expectedUnmetShare.mean > 0)
    #expect(mixed.budgets[0].scopes[0].costOfNeed.mean > absorb.budgets[0].scopes[0].costOfNeed.mean)
  }

  /// (d) Refusals: a cell in two pools or in none, an unknown segment, a capitation base, a
  /// programme cost whose recipients span pools, an entry that is neither form.
  @Test func badSegmentPoolsAreRefused() {
    let twice = validationIssues(Self.yaml(pools: "{north: {segments: [north, south]}, south: {segments: [south]}}"))
    expectIssue(twice, path: "budget.pools", "service 'care' for segment 'south' is in pools 'north' and 'south'")
    let none = validationIssues(Self.yaml(pools: "{north: {segments: [north]}}"))
    expectIssue(none, path: "budget.pools", "service 'care' for segment 'south' is in no pool")
    let typo = validationIssues(Self.yaml(pools: "{north: {segments: [nrth]}, south: {segments: [south]}}"))
    expectIssue(typo, path: "budget.pools.north.segments[0]", "unknown segment 'nrth'", "north")
    let neither = validationIssues(Self.yaml(pools: "{north: {}, south: {segments: [south]}}"))
    expectIssue(neither, path: "budget.pools.north", "expected segments")
    let scalar = validationIssues(Self.yaml(pools: "{north: care, south: {segments: [south]}}"))
    expectIssue(scalar, path: "budget.pools.north", "expected a list of services or a mapping")
    let capitation = validationIssues(
      Self.yaml().replacingOccurrences(of: "  base: expected", with: "  base: capitation\n  capitation: {rates: {north: 100, south: 100}}"))
    expectIssue(capitation, path: "budget.pools", "capitation")
    let programme = validationIssues(
      Self.yaml().replacingOccurrences(
        of: "utilisation:", with: "  - {name: outreach, category: proactive, stream: health, unit_cost: 50}\nutilisation:"
      ).replacingOccurrences(of: "budget:", with: """
        interventions:
          - name: visits
            proactive: [outreach]
            targets: [care]
            effect: 0.1
            lag: 1
            ramp: 1
            recipients: {segments: [north, south], share: 0.5}
            cost_per_recipient: 100
        budget:
        """))
    expectIssue(programme, path: "budget.pools", "intervention 'visits'", "one intervention per pool")
  }
}
