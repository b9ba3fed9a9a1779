import Foundation
import Testing
#if canImport(FoundationXML)
  import FoundationXML
#endif

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// The tornado in money against its closed form.
@Suite struct TornadoTests {
  /// Cost of need C = M·X with M = exp(μ + sZ) a lognormal unit-cost factor (mean 1, cv 0.3,
  /// s² = ln(1 + cv²)) independent of X (counts, severities and a small rate factor). The
  /// tornado's "P10" is the mean over Φ(Z) ∈ [0.05, 0.15): E[C | window] / E[C] =
  /// E[M; Z ∈ [z_a, z_b)] / (E[M]·(b − a)) = (Φ(z_b − s) − Φ(z_a − s)) / (b − a), and likewise
  /// for [0.85, 0.95). Tolerance: 4 standard errors of the window mean (about n/10 = 205
  /// iterations each), relative to the whole run's mean (whose own error is 3× smaller).
  @Test func windowMeansMatchTheLognormalClosedFormAndTheLargerSwingComesFirst() throws {
    let scenario = TestScenario.make(
      population: 2_000, services: [TestScenario.service("a")], rates: [2],
      factors: [
        Factor(name: "small_rate", distribution: .lognormal(mean: 1, cv: 0.02), role: .serviceRateMultiplier(services: [0])),
        Factor(name: "price", distribution: .lognormal(mean: 1, cv: 0.3), role: .unitCostMultiplier(services: [0])),
      ])
    let options = RunOptions(iterations: 2_048, seed: 17, threads: 2)
    let plan = try SimulationPlan(scenario)
    let run = try Engine.run(plan, options: options)
    let t = try #require(try TornadoStudy.run(plan, figures: RunFigures(run), options: options))
    #expect(t.factors.map(\.factor) == ["price", "small_rate"])
    #expect(t.proposal == "margin 10%" || t.proposal == "margin 5%" || t.proposal == "margin 0%")
    let price = t.factors[0]
    let s = log(1 + 0.09).squareRoot()
    func ratio(_ a: Double, _ b: Double) -> Double {
      (StandardNormal.cdf(StandardNormal.quantile(b) - s) - StandardNormal.cdf(StandardNormal.quantile(a) - s)) / (b - a)
    }
    let mean = t.expectedCost.mean
    for (point, expected) in [(price.low, ratio(0.05, 0.15)), (price.high, ratio(0.85, 0.95))] {
      let tolerance = 4 * point.expectedCost.standardError / mean
      #expect(abs(point.expectedCost.mean / mean - expected) < tolerance, "\(point.percentile): \(point.expectedCost.mean / mean) vs \(expected) ± \(tolerance)")
      // A tenth of the run in each window (up to the iterations on a window's edge): the count is
      // Binomial(2048, 0.1), standard deviation 13.6, so 60 is about 4.4 of them.
      #expect(abs(Double(point.iterations) - 204.8) < 60)
    }
    #expect(price.costSwing > 0 && price.overspendSwing > 0)
    #expect(abs(price.costSwing) > abs(t.factors[1].costSwing))

    let csv = String(decoding: TornadoReport.csv(t).data, as: UTF8.self)
    #expect(csv.split(separator: "\r\n").count == 3)
    let html = HTMLReport.render(figures: RunFigures(run), manifest: RunManifest(run: run), assumptions: plan.assumptions, sections: [TornadoSection(t)])
    #expect(html.contains("id=\"tornado\"") && html.contains("id=\"tornado-chart-run\""))
    // Polyglot markup like the rest of the report: it parses as XML, the chart titled and described.
    let doc = try #require(MarkupElement.parse(html))
    let chart = try #require(doc.all("svg").first { $0.attributes["id"] == "tornado-chart-run" })
    #expect(chart.attributes["role"] == "img" && chart.all("title").count == 1 && chart.all("desc").count == 1)
    #expect(TornadoReport.table(t).contains("Tornado at"))
  }
}

/// `compare --tornado`: each design's tornado at one shared budget, the same passes as `run`'s.
@Suite struct ComparisonTornadoTests {
  @Test func theBaselinesTornadoInACompareIsItsRunTornado() throws {
    func scenario(_ cv: Double) -> Scenario {
      TestScenario.make(
        population: 2_000, services: [TestScenario.service("a")], rates: [2],
        factors: [Factor(name: "price", distribution: .lognormal(mean: 1, cv: cv), role: .unitCostMultiplier(services: [0]))])
    }
    let options = RunOptions(iterations: 512, seed: 3, threads: 2)
    let designs = [Design(name: "steady", description: "", scenario: scenario(0.1)), Design(name: "volatile", description: "", scenario: scenario(0.3))]
    let c = try DesignComparison.run(designs, baseline: 0, basis: .own, options: options)
    let figures = c.runs.map(RunFigures.init)
    let tornadoes = try TornadoStudy.run(c, figures: figures)
    #expect(tornadoes.map(\.design) == ["steady", "volatile"])
    let plan = try SimulationPlan(designs[0].scenario)
    let alone = try #require(try TornadoStudy.run(plan, figures: RunFigures(try Engine.run(plan, options: options)), options: options))
    #expect(tornadoes[0].tornado == alone)
    // Three times the cv, about three times the swing (4 SE of each window mean allowed).
    let steady = tornadoes[0].tornado.factors[0], volatile = tornadoes[1].tornado.factors[0]
    #expect(volatile.costSwing > 2 * steady.costSwing)
    let csv = String(decoding: TornadoReport.csv(designs: tornadoes).data, as: UTF8.self)
    #expect(csv.hasPrefix("design,proposal"))
  }
}
