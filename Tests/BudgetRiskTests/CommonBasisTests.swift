import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// `compare` on a common basis in money, and the honest ranking: ties as ties, dominance only
/// on significant paired differences.
@Suite struct CommonBasisTests {
  /// A deterministic difference plus common noise: design `c` has every unit cost `c` where the
  /// baseline has 100, so on common random numbers its cost of need is exactly c/100 of the
  /// baseline's on every path (the demand factor and the event counts are the shared noise).
  static func design(_ name: String, unitCost: Double, pools: [Pool]? = nil) -> Design {
    let demand = Factor(name: "demand", distribution: .lognormal(mean: 1, cv: 0.1), role: .serviceRateMultiplier(services: [0, 1]))
    let scenario = TestScenario.make(
      population: 2_000,
      services: [TestScenario.service("a", unitCost: unitCost), TestScenario.service("b", unitCost: 2 * unitCost)],
      rates: [1, 0.5], factors: [demand], pools: pools)
    return Design(name: name, description: "", scenario: scenario)
  }

  static let designs = [design("mid", unitCost: 100), design("cheap", unitCost: 90), design("dear", unitCost: 110)]
  static let options = RunOptions(iterations: 640, seed: 5, threads: 2)

  static func figure(_ b: BudgetComparison, _ design: String, _ name: String) -> ComparedFigure {
    b.rows.first { $0.design == design }!.figures.first { $0.figure == name }!
  }

  /// Hand computation: with one budget B in money (the baseline's margin m on its own expected
  /// cost), design c overspends on a path exactly when the baseline's cost exceeds B·100/c, so
  /// path by path overspend(cheap) ≤ overspend(mid) ≤ overspend(dear) and the P(overspend)
  /// ordering is cheap < mid < dear at every margin. At margin 0, B = E[C_mid] and cv ≈ 0.1:
  /// P(mid) ≈ 0.5, P(cheap) = P(C > 1.11·E) ≈ 0.15, P(dear) = P(C > 0.91·E) ≈ 0.8, differences
  /// of ~0.35 against paired standard errors of ~0.02 at 640 iterations: significant, so
  /// cheap dominates both. Held each to its own margin (basis own), the three are the same
  /// design scaled, and every P(overspend) is the same path by path: a tie, no dominance.
  @Test func aCommonBudgetInMoneyOrdersDesignsByTheirCostAndOwnBudgetsTie() throws {
    let run = try DesignComparison.run(Self.designs, baseline: 0, basis: .baseline, options: Self.options)
    let c = ComparisonFigures(run, rankBy: .overspend)
    #expect(c.basis == "baseline" && c.basisNote.contains("same budgets in money"))
    #expect(c.budgets.map(\.proposal) == ["margin 0%", "margin 5%", "margin 10%"])
    #expect(c.budgets.map(\.margin) == [0, 0.05, 0.10])
    for b in c.budgets {
      // One budget in money for all three (to a penny a year).
      let budgets = b.rows.map(\.budgetPerYear)
      #expect(budgets.allSatisfy { abs($0 - budgets[0]) < 0.01 }, "\(budgets)")
      let costs = Dictionary(uniqueKeysWithValues: b.rows.map { ($0.design, $0.costOfNeedPerYear) })
      // c/100 of the baseline's on every path up to the money grid: each of a year's 24 cells
      // (12 months × 2 services) moves by at most half a quantum in either design, so
      // |C_c − (c/100)·C_mid| ≤ 24 · 2⁻⁹ · (1 + c/100) on every path, and so in the mean.
      // (A relative 1e-9 held by luck of the draws: the grid's error is ~2e-9 of these costs.)
      for (name, ratio) in [("cheap", 0.9), ("dear", 1.1)] {
        #expect(abs(costs[name]! - ratio * costs["mid"]!) <= 24 * MoneyGrid.quantum / 2 * (1 + ratio), "\(name)")
      }
      let p = ["cheap", "mid", "dear"].map { Self.figure(b, $0, "overspend_probability").value.mean }
      #expect(p[0] <= p[1] && p[1] <= p[2], "\(b.proposal): \(p)")
      #expect(b.rows.map(\.design) == ["cheap", "mid", "dear"])
    }
    let atZero = c.budgets[0]
    let p = ["cheap", "mid", "dear"].map { Self.figure(atZero, $0, "overspend_probability").value.mean }
    #expect(p[0] < p[1] && p[1] < p[2])
    #expect(Self.figure(atZero, "cheap", "overspend_probability").difference!.excludesZero)
    #expect(Self.figure(atZero, "dear", "overspend_probability").difference!.excludesZero)
    let dominated = Dictionary(uniqueKeysWithValues: atZero.rows.map { ($0.design, Set($0.dominatedBy.map(\.design))) })
    #expect(dominated["cheap"] == [])
    #expect(dominated["mid"] == ["cheap"])
    #expect(dominated["dear"] == ["cheap", "mid"])
    #expect(atZero.identicalPairs.isEmpty)

    let own = ComparisonFigures(
      try DesignComparison.run(Self.designs, baseline: 0, basis: .own, options: Self.options), rankBy: .overspend)
    #expect(own.basis == "own" && own.basisNote.contains("not designs on a common footing"))
    for b in own.budgets {
      let q = ["cheap", "mid", "dear"].map { Self.figure(b, $0, "overspend_probability").value.mean }
      #expect(q[0] == q[1] && q[1] == q[2], "\(b.proposal): \(q)")
      #expect(b.rows.allSatisfy { $0.dominatedBy.isEmpty && $0.rank == 1 })
    }
  }

  /// Pooled and separate budgets of the same services under absorb: the cost of need is the
  /// same on every path (only the pooling differs, and under absorb nothing is rationed), and
  /// on the baseline's budgets in money the total budget is the same too. Every paired
  /// difference is exactly 0, both "cheaper" probabilities are 0 with ties 100 %, no design
  /// dominates, every budget notes the pair as path-for-path identical, and the ranks are shared.
  @Test func identicalDesignsUnderAbsorbAreTiesNotARanking() throws {
    let designs = [
      Self.design("separate", unitCost: 100),
      Self.design("pooled", unitCost: 100, pools: [Pool(name: "all", services: [0, 1])]),
    ]
    let run = try DesignComparison.run(designs, baseline: 0, basis: .baseline, options: Self.options)
    let c = ComparisonFigures(run, rankBy: .overspend)
    for pair in c.costOfNeedLess {
      #expect(pair.probability.estimate == 0, "\(pair.design) cheaper than \(pair.other)")
      #expect(pair.tie.estimate == 1)
    }
    for b in c.budgets {
      #expect(b.identicalPairs == [["separate", "pooled"]])
      #expect(b.rows.allSatisfy { $0.dominatedBy.isEmpty && $0.rank == 1 })
      for f in b.rows.first { $0.design == "pooled" }!.figures {
        #expect(f.difference?.mean == 0 && f.difference?.standardError == 0 && f.difference?.excludesZero == false, "\(f.figure)")
      }
    }
    let table = ComparisonReport.table(c)
    #expect(table.contains("dominance: none"))
    #expect(table.contains("separate and pooled are path-for-path identical"))
    #expect(table.contains("Basis (baseline)"))
  }

  /// Each partner against its own budget: path by path, if the total overspends some pool
  /// does, and Σ_p (x_p)⁺ ≥ (Σ_p x_p)⁺; so P(any partner overspends) ≥ P(total overspends) and
  /// the partners' expected overspends add up to at least the total's, exactly (not only in
  /// expectation), with equality for one pool. With two pools sharing a demand factor, a pool
  /// can overspend while the other's underspend covers the total: strictly more here at
  /// margin 0 (each pool overspends about half the time, not always together).
  @Test func eachPartnerPaysItsOwnOverspend() throws {
    let designs = [
      Self.design("separate", unitCost: 100),
      Self.design("pooled", unitCost: 100, pools: [Pool(name: "all", services: [0, 1])]),
    ]
    let c = ComparisonFigures(try DesignComparison.run(designs, baseline: 0, basis: .baseline, options: Self.options), rankBy: .overspend)
    for b in c.budgets {
      let separate = b.rows.first { $0.design == "separate" }!, pooled = b.rows.first { $0.design == "pooled" }!
      let total = Self.figure(b, "separate", "overspend_probability").value.mean
      let totalOverspend = Self.figure(b, "separate", "expected_overspend").value.mean
      #expect(separate.partners.map(\.pool) == ["a", "b"])
      #expect(separate.anyPartnerOverspends.estimate >= total)
      #expect(separate.anyPartnerOverspends.estimate >= separate.partners.map(\.overspendProbability.estimate).max()!)
      #expect(separate.partnersExpectedOverspend >= totalOverspend * (1 - 1e-12))
      #expect(pooled.partners.map(\.pool) == ["all"])
      #expect(pooled.anyPartnerOverspends.estimate == Self.figure(b, "pooled", "overspend_probability").value.mean)
      #expect(abs(pooled.partnersExpectedOverspend - Self.figure(b, "pooled", "expected_overspend").value.mean) <= 1e-9 * totalOverspend)
    }
    let atZero = c.budgets[0].rows.first { $0.design == "separate" }!
    #expect(atZero.anyPartnerOverspends.lower > Self.figure(c.budgets[0], "separate", "overspend_probability").value.mean)
    let table = ComparisonReport.table(c)
    #expect(table.contains("each partner (pool) against its own budget"))
    #expect(ComparisonReport.csvFiles(c).contains { $0.name == "partners.csv" })
  }

  /// Stated amounts a year: each design gets exactly that money a year, spread over its pools.
  @Test func statedAmountsGiveEveryDesignTheSameMoneyAYear() throws {
    let designs = [Self.designs[0], Self.designs[1]]
    let basis = ComparisonBasis.amounts([.init(label: "500k a year", annual: 500_000), .init(label: "600k a year", annual: 600_000)])
    let c = ComparisonFigures(try DesignComparison.run(designs, baseline: 0, basis: basis, options: Self.options), rankBy: .overspend)
    #expect(c.basis == "amounts")
    #expect(c.budgets.map(\.proposal) == ["500k a year", "600k a year"])
    for (b, amount) in zip(c.budgets, [500_000.0, 600_000]) {
      #expect(b.rows.allSatisfy { abs($0.budgetPerYear - amount) < 0.01 }, "\(b.rows.map(\.budgetPerYear))")
    }
    #expect(throws: RunOptionsError.self) {
      try DesignComparison.run(designs, baseline: 0, basis: .amounts([.init(label: "x", annual: -1)]), options: Self.options)
    }
  }

  /// Budgets in money cannot be shared across horizons: refused with the design's name.
  @Test func designsWithAnotherHorizonAreRefusedOnACommonBasis() throws {
    var two = Self.designs[1]
    two.scenario.horizon = Horizon(periods: 24, periodLength: .month, startMonth: 4)
    #expect(throws: RunOptionsError.invalid(
      "design 'cheap' has another horizon (periods or period length) than the baseline 'mid': budgets in money cannot be shared; use --basis own")) {
      try DesignComparison.run([Self.designs[0], two], baseline: 0, basis: .baseline, options: Self.options)
    }
  }
}
