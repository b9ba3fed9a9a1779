import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies

/// The budget-year view against closed forms. Three budget years of a pilot with no factor
/// drawn once (only Poisson counts and gamma costs, fresh every month), so the years are
/// independent: year y's cost is compound Poisson(λ_y) with gamma costs (exact CDF in
/// ``EngineReferenceTests/compoundPoissonGammaCDF(_:lambda:meanCost:cv:)``), its budget
/// `100·λ_y·(1 + m)`, and
///
///     P(any year overspends) = 1 − Π_y (1 − p_y),  P(k or more years) = the Poisson-binomial tail.
///
/// Tolerances: 4 binomial standard errors √(p(1 − p)/n) of the figure compared (a false alarm
/// about 6e−5 per check with the fixed seed).
@Suite struct YearlyFiguresTests {
  static let n = 20_000
  // Wide: a year's cost has a CV of about 0.3, so α = 10 % every year needs a large margin.
  static let margins = [0.0, 0.25, 0.5, 0.75, 1.0]

  /// 10 people growing 20 % a year (so the years differ), 1.5 events a person a year at 100.
  static func scenario(rule: OverspendRule = .horizon) -> Scenario {
    var s = TestScenario.make(
      population: 10, years: 3, services: [TestScenario.service("visits", unitCost: 100, severity: .gamma(cv: 0.8))],
      rates: [1.5], proposals: margins.map { .margin($0) }, growth: 0.2)
    s.budget.overspendRule = rule
    return s
  }

  /// Exact P(overspend) per year at margin `m`, with λ_y read off the analytic expected cost.
  static func exactYearly(_ f: RunFigures, margin m: Double) -> [Double] {
    f.expectedCost[0].byYear.map { cost in
      let lambda = cost / 100
      return 1 - EngineReferenceTests.compoundPoissonGammaCDF(cost * (1 + m), lambda: lambda, meanCost: 100, cv: 0.8)
    }
  }

  /// P(at least k of independent events with probabilities p).
  static func atLeast(_ k: Int, _ p: [Double]) -> Double {
    var dist = [1.0]  // dist[j] = P(exactly j so far)
    for q in p {
      var next = Array(repeating: 0.0, count: dist.count + 1)
      for j in dist.indices { next[j] += dist[j] * (1 - q); next[j + 1] += dist[j] * q }
      dist = next
    }
    return dist[k...].reduce(0, +)
  }

  @Test func independentYearsCombineAsTheProductRule() throws {
    let (_, f) = try TestScenario.run(Self.scenario(), iterations: Self.n, seed: 2026)
    #expect(f.budgetYears == 3)
    // The years differ (growth), so the check is of a product of different p_y.
    let byYear = f.expectedCost[0].byYear
    #expect(byYear[2] > byYear[0] * 1.3)
    for b in f.budgets {
      let x = b.scopes[0], exact = Self.exactYearly(f, margin: b.margin!)
      func se(_ p: Double) -> Double { (p * (1 - p) / Double(Self.n)).squareRoot() }
      for y in 0..<3 {
        #expect(abs(x.years[y].overspendProbability.estimate - exact[y]) < 4 * se(exact[y]), "margin \(b.margin!) year \(y + 1)")
        #expect(x.years[y].overspendProbability == x.overspendProbabilityByYear[y])
        #expect(x.years[y].year == y + 1)
      }
      let any = 1 - exact.reduce(1) { $0 * (1 - $1) }
      #expect(abs(x.anyYearOverspends.estimate - any) < 4 * se(any), "margin \(b.margin!): \(x.anyYearOverspends.estimate) vs \(any)")
      #expect(x.anyYearOverspends.lower <= x.anyYearOverspends.estimate && x.anyYearOverspends.estimate <= x.anyYearOverspends.upper)
      #expect(x.overspendYears.map(\.years) == [1, 2, 3])
      #expect(x.overspendYears[0].probability == x.anyYearOverspends)
      for k in 1...3 {
        let exactK = Self.atLeast(k, exact)
        #expect(abs(x.overspendYears[k - 1].probability.estimate - exactK) < 4 * se(exactK) + 1e-12, "margin \(b.margin!) k \(k)")
      }
      // The year's budget is the analytic expected cost times (1 + m), to the rounding of its 12
      // monthly amounts (each a few ulps of the money grid; 1e−5 of the year is far above it).
      for y in 0..<3 { #expect(abs(x.years[y].budget.mean - byYear[y] * (1 + b.margin!)) < 1e-5 * byYear[y]) }
      // Under absorb nothing is unmet, in any year.
      #expect(x.years.allSatisfy { $0.serviceGap.estimate == 0 && $0.expectedUnmetShare.mean == 0 })
    }
  }

  /// The rule the recommendation meets: the smallest listed margin whose judged probability is
  /// at most α, and the next smaller margin's is above it (so the rule changes the pick where
  /// the horizon total and the years disagree).
  @Test(arguments: OverspendRule.allCases)
  func theRecommendationMeetsTheScenariosRule(rule: OverspendRule) throws {
    let (_, f) = try TestScenario.run(Self.scenario(rule: rule), iterations: 4_000, seed: 7)
    let r = try #require(f.recommendations.first)
    #expect(r.overspendRule == rule.rawValue)
    let alpha = r.overspendTarget
    let judged = f.budgets.map { $0.scopes[0].overspendProbability(by: rule).estimate }
    let pick = try #require(judged.firstIndex { $0 <= alpha })
    #expect(r.margin == Self.margins[pick])
    #expect(r.ruleProbability?.estimate == judged[pick])
    if rule == .worstYear {
      let years = f.budgets[pick].scopes[0].overspendProbabilityByYear.map(\.estimate)
      #expect(r.worstYear.map { years[$0 - 1] } == years.max())
    } else {
      #expect(r.worstYear == nil)
    }
    // P(any year) ≥ the worst year's ≥ … : every_year never picks a smaller margin than worst_year.
    for b in f.budgets {
      let x = b.scopes[0]
      #expect(x.overspendProbability(by: .everyYear).estimate >= x.overspendProbability(by: .worstYear).estimate)
    }
  }

  /// When rationing starts, on the hand-worked paths of ``BudgetLedgerTests`` (one year of
  /// 100 a month, no reserve): the default path needs 200 from month 7, so rationing first
  /// leaves need unmet in month 7 (period 6), before the last quarter; a path on budget until
  /// month 9 and at 200 from month 10 first rations in period 9, in the last quarter.
  @Test(arguments: [(6, true), (9, false)])
  func rationingStartsInTheFirstPeriodWithNeedUnmet(start: Int, beforeLastQuarter: Bool) throws {
    let (ledger, plan, tile) = try BudgetLedgerTests.ledger(order: .proRata, need: { t in (50, t < start ? 50 : 150) })
    let evaluations = plan.scenarioEvaluations
    var acc = RunAccumulator(plan: plan, evaluations: evaluations)
    for (e, evaluation) in evaluations.enumerated() {
      let o = ledger.walk(row: 0, iteration: 0, seed: 1, evaluation: evaluation)
      #expect(o.rationingStart(scope: 0, year: 0) == (evaluation.response == .ration ? start : -1))
      acc.record(o, evaluation: e, scores: tile.factorScores(row: 0))
    }
    func figures(_ e: Int) -> YearFigures {
      let a = acc.evaluations[e].scopes[0]
      return ScopeFigures(a, cost: a, reference: 1_200, name: "care", threshold: 0.01, budget: plan.budget).years[0]
    }
    let ration = figures(1), absorb = figures(0)
    #expect(evaluations[1].response == .ration)
    #expect(ration.rationing.estimate == 1)
    #expect(ration.rationingBeforeLastQuarter.estimate == (beforeLastQuarter ? 1 : 0))
    #expect(ration.rationingStart.map(\.period) == Array(0..<12))
    #expect(ration.rationingStart.map(\.probability.estimate) == (0..<12).map { $0 == start ? 1.0 : 0.0 })
    #expect(absorb.rationing.estimate == 0 && absorb.rationingStart.allSatisfy { $0.probability.estimate == 0 })
  }

  /// Counting a 0 is adding it: the accumulators' shortcut leaves the same state to the bit.
  @Test func countingAZeroIsAddingIt() {
    var added = MeanAccumulator(), counted = MeanAccumulator()
    for x in [0.0, 0.25, -0.0, 1.5, 0, 3e-9] { added.add(x); counted.addCountingZero(x) }
    #expect(added == counted && counted.count == 6)
  }

  @Test func theRuleIsReadFromTheScenario() throws {
    let yaml = ScenarioText.replacing(("  margins: [0, 0.05, 0.1]", "  margins: [0, 0.05, 0.1]\n  overspend_rule: worst_year"))
    let s = try #require(loadedScenario(yaml))
    #expect(s.budget.overspendRule == .worstYear)
    #expect(try #require(loadedScenario(ScenarioText.valid)).budget.overspendRule == .horizon)
    let bad = validationIssues(ScenarioText.replacing(("  margins: [0, 0.05, 0.1]", "  margins: [0, 0.05, 0.1]\n  overspend_rule: yearly")))
    expectIssue(bad, path: "budget.overspend_rule", "horizon", "every_year", "worst_year", "yearly")
  }
}
