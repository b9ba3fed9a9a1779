import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Designs on common random numbers: shared inputs draw the same numbers, so paired
/// differences are exact where the designs differ deterministically.
@Suite struct DesignComparisonTests {
  static let demand = Factor(name: "demand", distribution: .lognormal(mean: 1, cv: 0.1), role: .serviceRateMultiplier(services: [0]))

  static func scenario(unitCost: Double = 100, extraFactor: Bool = false, pools: [Pool]? = nil, responses: [ProviderResponse] = [.absorb]) -> Scenario {
    var factors = [demand]
    if extraFactor {
      factors.append(Factor(name: "price_shift", distribution: .lognormal(mean: 1, cv: 0.1), role: .unitCostMultiplier(services: [0, 1])))
    }
    return TestScenario.make(
      population: 2_000, services: [TestScenario.service("a", unitCost: unitCost), TestScenario.service("b", unitCost: 2 * unitCost)],
      rates: [1, 0.5], factors: factors, pools: pools, responses: responses)
  }

  /// Simulates tile 0 (64 iterations) of `scenario` and returns its cost-of-need cells.
  static func cells(_ scenario: Scenario, seed: UInt64 = 9) throws -> (workspace: TileWorkspace, plan: SimulationPlan) {
    let plan = try SimulationPlan(scenario)
    let w = TileWorkspace(plan: plan)
    w.simulate(tile: 0, active: 0..<TileWorkspace.rows, seed: seed)
    return (w, plan)
  }

  @Test func designsDifferingInPoolsAndResponseDrawIdenticalCostOfNeed() throws {
    let separate = Self.scenario()
    let pooled = Self.scenario(pools: [Pool(name: "all", services: [0, 1])], responses: [.ration])
    let (a, _) = try Self.cells(separate), (b, _) = try Self.cells(pooled)
    let n = TileWorkspace.rows * 12 * 2
    #expect((0..<n).allSatisfy { a.cost[$0] == b.cost[$0] })
    // The comparison's per-iteration differences of the total cost of need are exactly 0.
    let designs = [Design(name: "separate", description: "", scenario: Self.scenario(responses: [.absorb, .ration])),
                   Design(name: "pooled", description: "", scenario: pooled)]
    let run = try DesignComparison.run(designs, baseline: 0, options: RunOptions(iterations: 640, seed: 3, threads: 2))
    let figures = ComparisonFigures(run, rankBy: .overspend)
    #expect(figures.budgets.map(\.response) == ["ration", "ration", "ration"])  // only shared budgets
    for b in figures.budgets {
      let cost = b.rows.first { $0.design == "pooled" }!.figures.first { $0.figure == "cost_of_need" }!.difference!
      #expect(cost.mean == 0 && cost.standardError == 0)
    }
  }

  @Test func anExtraServiceLeavesTheOtherServicesDrawsUnchanged() throws {
    let two = Self.scenario()
    var three = Self.scenario()
    // Insert a service before "b": by index every later stream would shift; by name none does.
    three.services.insert(TestScenario.service("extra", unitCost: 50), at: 1)
    three.utilisation = [[1, 3, 0.5]]
    three.budget.pools = [Pool(name: "a", services: [0]), Pool(name: "extra", services: [1]), Pool(name: "b", services: [2])]
    let (x, _) = try Self.cells(two), (y, _) = try Self.cells(three)
    var same = true
    for r in 0..<TileWorkspace.rows {
      for t in 0..<12 {
        same = same && x.cost[(r * 12 + t) * 2] == y.cost[(r * 12 + t) * 3]
        same = same && x.cost[(r * 12 + t) * 2 + 1] == y.cost[(r * 12 + t) * 3 + 2]
      }
    }
    #expect(same)
    #expect(x.cost[0] != 0)
  }

  /// Designs B (every unit cost 1 % higher) and C (unit costs times an extra lognormal factor M)
  /// against A. B − A = 0.01·A exactly per iteration, so the paired interval is ~1 % of A's
  /// spread while the unpaired one is √2 of it; P(A < B) = 1 exactly; and because A's draws are
  /// unchanged in C, P(A < C) = P(M > 1) = Φ(−σ/2) with σ² = ln(1 + cv²).
  @Test func pairingShrinksTheIntervalAndPOfLowerCostMatchesClosedForms() throws {
    let designs = [
      Design(name: "a", description: "", scenario: Self.scenario()),
      Design(name: "b", description: "", scenario: Self.scenario(unitCost: 101)),
      Design(name: "c", description: "", scenario: Self.scenario(extraFactor: true)),
    ]
    let n = 2_048
    let run = try DesignComparison.run(designs, baseline: 0, options: RunOptions(iterations: n, seed: 11, threads: 2))
    let f = ComparisonFigures(run, rankBy: .expectedOverspend)
    let atZero = f.budgets[0]
    func figure(_ d: String, _ name: String) -> ComparedFigure {
      atZero.rows.first { $0.design == d }!.figures.first { $0.figure == name }!
    }
    let costA = figure("a", "cost_of_need"), costB = figure("b", "cost_of_need")
    let d = costB.difference!
    // Exact up to rounding: the mean difference is 1 % of A's mean cost.
    #expect(abs(d.mean - 0.01 * costA.value.mean) < 1e-9 * costA.value.mean)
    // Paired half-width 1.96·0.01·SE_A against unpaired 1.96·√(SE_A² + SE_B²) ≈ 1.96·1.42·SE_A.
    let paired = d.upper - d.mean
    #expect(paired * 50 < d.unpairedHalfWidth)
    #expect(d.excludesZero)
    let pAB = f.costOfNeedLess.first { $0.design == "a" && $0.other == "b" }!.probability
    let pBA = f.costOfNeedLess.first { $0.design == "b" && $0.other == "a" }!.probability
    #expect(pAB.estimate == 1 && pBA.estimate == 0)
    let sigma = log(1 + 0.1 * 0.1).squareRoot()
    let expected = StandardNormal.cdf(-sigma / 2)
    let pAC = f.costOfNeedLess.first { $0.design == "a" && $0.other == "c" }!.probability.estimate
    // 4 SE: SE = √(p(1 − p)/n) ≈ 0.011.
    #expect(abs(pAC - expected) < 4 * (expected * (1 - expected) / Double(n)).squareRoot())
    // Ranked by expected overspend at margin 0: identical budgets relative to each design's own
    // base, so the ranking is by design order on ties; B's money figure is 1 % higher.
    #expect(figure("b", "expected_overspend").value.mean > figure("a", "expected_overspend").value.mean)
  }

  static func row(_ name: String, overspend: Double, gap: Double) -> DesignRow {
    func fig(_ n: String, _ v: Double) -> ComparedFigure { ComparedFigure(figure: n, value: Estimate(mean: v, standardError: 0), difference: nil) }
    return DesignRow(
      design: name, rank: 0, rankValue: 0,
      figures: [fig("cost_of_need", 1), fig("expected_overspend", 0), fig("drift", 0), fig("unmet_share", 0),
                fig("overspend_probability", overspend), fig("service_gap_probability", gap)],
      dominatedBy: [], budgetPerYear: 1, costOfNeedPerYear: 1, partners: [],
      anyPartnerOverspends: Probability(estimate: overspend, lower: overspend, upper: overspend), partnersExpectedOverspend: 0)
  }

  /// Dominance needs a significant paired difference on a figure that decides it: a better
  /// point estimate alone (an interval that includes 0) dominates nothing.
  @Test func dominanceNeedsNoWorseOnBothAndSignificantlyBetterOnOne() {
    let rows = [
      Self.row("x", overspend: 0.2, gap: 0.1),
      Self.row("y", overspend: 0.1, gap: 0.1),   // dominates x (better overspend, equal gap)
      Self.row("z", overspend: 0.05, gap: 0.3),  // trades off: dominates nobody, dominated by nobody
      Self.row("w", overspend: 0.2, gap: 0.1),   // equal to x: neither dominates
    ]
    let significant: (Int, Int, Int) -> (mean: Double, se: Double) = { _, _, _ in (0.1, 0.01) }
    let insignificant: (Int, Int, Int) -> (mean: Double, se: Double) = { _, _, _ in (0.1, 0.1) }
    #expect(ComparisonFigures.dominance(of: 0, by: 1, rows: rows, pairwise: significant) == true)
    #expect(ComparisonFigures.dominance(of: 0, by: 1, rows: rows, pairwise: insignificant) == nil)
    #expect(ComparisonFigures.dominance(of: 1, by: 0, rows: rows, pairwise: significant) == nil)
    #expect(ComparisonFigures.dominance(of: 0, by: 2, rows: rows, pairwise: significant) == nil)
    #expect(ComparisonFigures.dominance(of: 2, by: 1, rows: rows, pairwise: significant) == nil)
    #expect(ComparisonFigures.dominance(of: 0, by: 3, rows: rows, pairwise: significant) == nil)
    #expect(ComparisonFigures.dominance(of: 0, by: 0, rows: rows, pairwise: significant) == nil)
  }
}
