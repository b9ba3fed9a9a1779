import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// `run`'s activity figures (expected events per service, per scope × category, by year)
/// against closed forms. Tolerances are 4 Monte Carlo standard errors of the figure (from the
/// closed-form variance), a false alarm about once in 16,000 checks.
@Suite struct ActivityTests {
  /// 1,000 people growing 10 % a year over 2 years of months: a Poisson service of 1.5 events
  /// a person a year and a negative-binomial one (dispersion 4 on the year's count) of 0.4.
  static let growing = TestScenario.make(
    population: 1_000, years: 2,
    services: [
      TestScenario.service("visits", category: .proactive),
      TestScenario.service("admissions", noise: .negativeBinomial(dispersion: 4), category: .reactive),
    ],
    rates: [1.5, 0.4], growth: 0.1)

  /// Expected events of year `y` (0-based): Σ over its months of N·1.1^(t/12)·rate/12.
  static func expectedEvents(rate: Double, year y: Int) -> Double {
    (12 * y..<12 * (y + 1)).reduce(0.0) { $0 + 1_000 * pow(1.1, Double($1) / 12) * rate / 12 }
  }

  @Test func expectedEventsPerServiceAndYearMatchTheClosedForm() throws {
    let n = 4_000
    let (_, figures) = try TestScenario.run(Self.growing, iterations: n)
    let a = figures.activity
    #expect(a.services.map(\.service) == ["visits", "admissions"])
    #expect(a.perPersonServices.isEmpty)
    for (service, rate, k) in [("visits", 1.5, Double.infinity), ("admissions", 0.4, 4.0)] {
      let s = try #require(a.services.first { $0.service == service })
      #expect(s.events.map(\.year) == [1, 2, nil])
      for y in 0..<2 {
        // The year's count is Poisson(Λ) or NB(Λ, k): variance Λ + Λ²/k.
        let lambda = Self.expectedEvents(rate: rate, year: y)
        let se = ((lambda + lambda * lambda / k) / Double(n)).squareRoot()
        let figure = s.events[y]
        #expect(abs(figure.expected.mean - lambda) < 4 * se, "\(service) year \(y + 1)")
        // The reported standard error estimates the same: its own relative error at n = 4,000
        // is about √((κ − 1)/4n) < 2 % for these counts (κ the kurtosis); 10 % is > 5 of them.
        #expect(abs(figure.expected.standardError / se - 1) < 0.10, "\(service) year \(y + 1)")
        #expect(figure.lower < figure.expected.mean && figure.expected.mean < figure.upper)
      }
      // The horizon is the two years' sum, path by path: its mean is the sum of the means.
      let horizon = s.events[2]
      #expect(abs(horizon.expected.mean - (s.events[0].expected.mean + s.events[1].expected.mean)) < 1e-9 * horizon.expected.mean)
    }
  }

  @Test func scopeCategoryTotalsAddTheirServices() throws {
    let (_, figures) = try TestScenario.run(Self.growing, iterations: 512)
    let a = figures.activity
    // Pools "visits" and "admissions" and the total, each with a proactive and a reactive row.
    #expect(a.scopes.map { "\($0.scope)/\($0.category)" } == [
      "visits/proactive", "visits/reactive", "admissions/proactive", "admissions/reactive",
      "total/proactive", "total/reactive",
    ])
    func scope(_ name: String, _ category: String) throws -> ScopeActivity {
      try #require(a.scopes.first { $0.scope == name && $0.category == category })
    }
    for y in 0..<3 {
      let visits = a.services[0].events[y].expected.mean, admissions = a.services[1].events[y].expected.mean
      // Exact sums divided by the same count: equal to rounding.
      #expect(abs(try scope("total", "proactive").events[y].expected.mean - visits) <= 1e-9 * visits)
      #expect(abs(try scope("total", "reactive").events[y].expected.mean - admissions) <= 1e-9 * admissions)
      #expect(try scope("visits", "reactive").events[y].expected.mean == 0)
      #expect(try scope("admissions", "proactive").events[y].expected.mean == 0)
    }
  }

  @Test func intervalsCoverTheExpectationAtTheirLevel() throws {
    // 80 independent runs (seeds) of 128 iterations of one Poisson(12) year: the 95 %
    // interval should cover 12 in Binomial(80, 0.95) of them (mean 76, SD 1.95). Fewer than
    // 69 covering is 3.6 SD below (under the 0.1 % point of that law); the interval's own
    // normal approximation is good here (a Poisson(12) mean of 128 values is nearly normal).
    let scenario = TestScenario.make(
      population: 10, services: [TestScenario.service("visits")], rates: [1.2], proposals: [.margin(0)])
    var covered = 0, narrowCovered = 0
    for seed in 1...80 {
      let (_, figures) = try TestScenario.run(scenario, iterations: 128, seed: UInt64(seed), threads: 1)
      let year = figures.activity.services[0].events[0]
      if year.lower <= 12 && 12 <= year.upper { covered += 1 }
      if abs(year.expected.mean - 12) <= 0.2 * (year.upper - year.expected.mean) { narrowCovered += 1 }
    }
    #expect(covered >= 69, "covered \(covered) of 80")
    // And the check can fail: a fifth of the interval (±0.39 SE) covers about 30 % of the
    // time, Binomial(80, 0.3) has mean 24 and SD 4.1; 42 is 4.4 SD above.
    #expect(narrowCovered < 42, "narrow interval covered \(narrowCovered) of 80")
  }

  @Test func perPersonServicesAreLeftOutAndNamed() throws {
    let scenario = TestScenario.make(
      population: 100,
      services: [
        TestScenario.service("visits"),
        Service(name: "home_care", category: .reactive, stream: "care",
                cost: .perPerson(segments: [0], annualMean: 1_200, severity: .fixed), inflation: 0),
      ],
      rates: [2, 0])
    let (_, figures) = try TestScenario.run(scenario, iterations: 128)
    #expect(figures.activity.services.map(\.service) == ["visits"])
    #expect(figures.activity.perPersonServices == ["home_care"])
    // home_care's pool counts no events.
    let care = try #require(figures.activity.scopes.first { $0.scope == "home_care" && $0.category == "reactive" })
    #expect(care.events.allSatisfy { $0.expected.mean == 0 })
  }

  @Test func costFiguresDoNotChangeWhenEventsAreKept() throws {
    // The cell's count and cost come from its stream in the same order as before: the cost
    // of need equals `CellCost.events` drawn the old way, cell by cell.
    let plan = try SimulationPlan(Self.growing)
    let w = TileWorkspace(plan: plan)
    w.simulate(tile: 0, active: 0..<4, seed: 9)
    let T = plan.periods, V = plan.serviceCount
    for r in 0..<4 {
      for t in 0..<T {
        for v in 0..<V {
          var rng = RandomStream(seed: 9, iteration: UInt64(r), stream: StreamID.cell(service: plan.serviceStreamKey[v]), substream: t)
          let lambda = w.preInterventionRates[(r * T + t) * V + v]
          guard case .events(let c, let severity, let noise) = plan.serviceCosts[v] else { continue }
          let old = MoneyGrid.round(CellCost.events(
            expected: lambda, unitCost: c * w.price[(r * V + v) * plan.years + t / 12], severity: severity,
            noise: TileWorkspace.yearDispersion(noise, mean: lambda, yearMean: w.yearEvents[(r * V + v) * plan.years + t / 12]),
            threshold: plan.exactSumThreshold, using: &rng))
          #expect(w.cost[(r * T + t) * V + v] == old)
        }
      }
    }
  }
}

/// The activity figures in every output of `run`.
@Suite struct ActivityReportTests {
  static let scenario = TestScenario.make(
      population: 100, years: 2,
      services: [
        TestScenario.service("visits", category: .proactive),
        Service(name: "home_care", category: .reactive, stream: "care",
                cost: .perPerson(segments: [0], annualMean: 1_200, severity: .fixed), inflation: 0),
      ],
      rates: [2, 0])
  static let run = try! TestScenario.run(scenario, iterations: 128)
  static var figures: RunFigures { run.1 }

  @Test func tableShowsEachServicesEventsWithIntervals() {
    let text = TableReport.render(Self.figures, manifest: nil)
    let visits = Self.figures.activity.services[0].events
    #expect(text.contains("activity — expected events"))
    #expect(text.contains(TableReport.events(visits[0])) && text.contains(TableReport.events(visits[2])))
    #expect(text.contains("per-person services have no events and are left out: home_care"))
  }

  @Test func csvHasOneRowPerServiceAndScopeYear() throws {
    let files = Dictionary(uniqueKeysWithValues: CSVReport.files(for: Self.figures).map { ($0.name, $0.data) })
    let rows = CSVReportTests.parse(try #require(files["activity.csv"]))
    #expect(rows[0] == ["kind", "name", "pool", "category", "year", "expected_events", "standard_error", "lower", "upper"])
    // visits: 2 years + horizon; 2 pools × 2 categories + the total's 2, each 3 rows.
    #expect(rows.count == 1 + 3 + 6 * 3)
    let horizon = try #require(rows.first { $0[0] == "service" && $0[1] == "visits" && $0[4] == "" })
    let figure = Self.figures.activity.services[0].events[2]
    #expect(Double(horizon[5]) == figure.expected.mean && Double(horizon[7]) == figure.lower && Double(horizon[8]) == figure.upper)
  }

  @Test func jsonAndHTMLCarryTheActivity() throws {
    let json = String(decoding: try JSONReport.encode(figures: Self.figures), as: UTF8.self)
    #expect(json.contains("\"activity\"") && json.contains("\"perPersonServices\"") && json.contains("\"expected\""))
    let decoded = try JSONDecoder().decode(RunFigures.self, from: Data(json.utf8))
    #expect(decoded.activity == Self.figures.activity)
    let html = HTMLReport.render(
      figures: Self.figures, manifest: RunManifest(run: Self.run.0), assumptions: ScenarioAssumptions(Self.scenario))
    #expect(html.contains("id=\"activity\"") && html.contains("Expected events per service by budget year"))
  }
}
