import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// The HTML report's structure: well-formed, self-contained, every chart an accessible SVG
/// with axes, labels and the expected series.
@Suite struct HTMLReportTests {
  let html = ReportFixture.html
  let doc = ReportFixture.document
  let figures = ReportFixture.figures

  func chart(_ id: String) throws -> MarkupElement {
    try #require(doc.all("svg").first { $0.attributes["id"] == id }, "no chart \(id)")
  }

  @Test func isWellFormedAndSelfContained() {
    #expect(MarkupElement.parse(html) != nil)
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(!html.contains("<script"))
    #expect(!html.contains("<link"))
    #expect(!html.contains("<img"))
    #expect(!html.contains("@import"))
    // The only URL is the SVG namespace; every url() points inside the page.
    let urls = html.matches(of: /https?:\/\/[^"' )]+/).map { String($0.output) }
    #expect(Set(urls) == ["http://www.w3.org/2000/svg"])
    #expect(!html.contains("url(http"))
    #expect(doc.all("style").count == 1)
  }

  @Test func holdsEverySectionInOrder() {
    let ids = doc.all("section").compactMap { $0.attributes["id"] }
    #expect(ids == ["headline", "decision", "cost-of-need", "drift", "service-gap", "pools", "activity", "figures", "assumptions", "manifest"])
    let contents = doc.all("nav").first?.all("a").compactMap { $0.attributes["href"] } ?? []
    #expect(contents == ids.map { "#\($0)" })
  }

  @Test(arguments: ["decision-chart", "exceedance-chart", "drift-fan-chart", "service-gap-chart"])
  func everyChartIsAnAccessibleSizedSVG(id: String) throws {
    let svg = try chart(id)
    let width = Double(svg.attributes["width"] ?? "") ?? 0, height = Double(svg.attributes["height"] ?? "") ?? 0
    #expect(width > 0 && height > 0)
    #expect(svg.attributes["viewBox"] == "0 0 \(Int(width)) \(Int(height))")
    #expect(svg.attributes["role"] == "img")
    // aria-labelledby names the chart's own <title> and <desc>, both non-empty.
    let labels = (svg.attributes["aria-labelledby"] ?? "").split(separator: " ").map(String.init)
    #expect(labels == ["\(id)-title", "\(id)-desc"])
    let title = svg.children.first { $0.name == "title" }, desc = svg.children.first { $0.name == "desc" }
    #expect(title?.attributes["id"] == "\(id)-title" && desc?.attributes["id"] == "\(id)-desc")
    #expect((title?.allText.count ?? 0) > 10)
    #expect((desc?.allText.count ?? 0) > 40)
    // Two axes, each with a title and at least two labelled ticks.
    for axis in ["x-axis", "y-axis"] {
      let a = try #require(svg.all(class: "axis", axis).first)
      let axisTitle = a.all(class: "axis-title").first?.allText ?? ""
      #expect(!axisTitle.isEmpty)
      let ticks = a.all(class: "tick")
      #expect(ticks.count >= 2)
      #expect(ticks.allSatisfy { !($0.all("text").first?.allText ?? "").isEmpty })
    }
    #expect(!svg.all(class: "legend-entry").isEmpty)
    // The chart sits in a figure with a caption.
    #expect(svg.parent?.name == "figure")
    #expect(svg.parent?.children.contains { $0.name == "figcaption" } == true)
  }

  @Test func decisionChartHasOverspendPerResponseAndTheRationingGap() throws {
    let svg = try chart("decision-chart")
    let series = svg.all(class: "series").compactMap { $0.attributes["data-series"] }
    #expect(Set(series) == ["P(overspend) absorb", "P(overspend) ration", "P(service gap) ration"])
    // One marker per listed margin on each series (three margins; the explicit offer has none).
    for s in svg.all(class: "series") { #expect(s.all(class: "marker").count == 3) }
    #expect(svg.all(class: "interval").count == 3)
    #expect(svg.all(class: "reference").map { $0.attributes["data-label"] } == ["overspend target 10 %"])
    // The y axis is a probability in percent; the x axis the margin in percent.
    #expect(svg.all(class: "axis", "y-axis").first?.all(class: "axis-title").first?.allText == "Probability (%)")
    #expect(svg.all(class: "axis", "x-axis").first?.all(class: "tick").map { $0.all("text")[0].allText }.contains("10") == true)
  }

  @Test func exceedanceChartMarksEveryProposedBudget() throws {
    let svg = try chart("exceedance-chart")
    #expect(svg.all(class: "series").count == 1)
    let labels = svg.all(class: "reference").compactMap { $0.attributes["data-label"] }
    #expect(labels == ["overspend target 10 %", "+0 %", "+5 %", "+10 %", "Board offer"])
    let xTitle = svg.all(class: "axis", "x-axis").first?.all(class: "axis-title").first?.allText ?? ""
    #expect(xTitle.contains("GBP"))
    #expect(xTitle.contains("2-year horizon"))
  }

  @Test func fanChartHasThreeBandsAMedianAndYearBoundaries() throws {
    let svg = try chart("drift-fan-chart")
    #expect(svg.all(class: "band").compactMap { $0.attributes["data-series"] } == ["95 % band", "80 % band", "50 % band"])
    #expect(svg.all(class: "series").compactMap { $0.attributes["data-series"] } == ["median"])
    #expect(svg.all(class: "reference").compactMap { $0.attributes["data-label"] } == ["on budget", "end of year 1"])
    // 24 monthly points on the median.
    let d = svg.all(class: "series").first?.all("path").first?.attributes["d"] ?? ""
    #expect(d.filter { $0 == "L" }.count == 23)
  }

  @Test func serviceGapChartHasABarPerCategoryAndProposal() throws {
    let svg = try chart("service-gap-chart")
    let bars = svg.all(class: "series", "bar")
    #expect(bars.compactMap { $0.attributes["data-series"] } == ["proactive", "reactive"])
    #expect(bars.allSatisfy { $0.all("rect").count == 4 })
  }

  @Test func chartsUseOnlyTheOkabeItoPaletteAndGreys() {
    let colours = Set(html.matches(of: /(?:stroke|fill)="(#[0-9A-Fa-f]{6})"/).map { String($0.output.1).uppercased() })
    let greys = colours.filter { c in
      let hex = c.dropFirst()
      return hex.prefix(2) == hex.dropFirst(2).prefix(2) && hex.prefix(2) == hex.suffix(2)
    }
    #expect(colours.subtracting(greys).isSubset(of: Set(ChartPalette.all)))
    #expect(colours.contains(ChartPalette.blue) && colours.contains(ChartPalette.vermillion))
  }

  @Test func headlineStatesTheRecommendationAndWhatItBuys() throws {
    let headline = try #require(doc.all("section").first { $0.attributes["id"] == "headline" })
    let cards = headline.all(class: "card")
    #expect(cards.count == 2)
    for (card, response) in zip(cards, ["absorb", "ration"]) {
      let text = card.allText
      let rec = try #require(figures.recommendation(response: response, scope: "total"))
      if let m = rec.margin {
        #expect(text.contains("\(ReportFormat.margin(m)) margin"))
        #expect(text.contains(ReportFormat.probability(rec.overspendProbability!)))
        #expect(text.contains(ReportFormat.probability(rec.serviceGapProbability!)))
      } else {
        #expect(text.contains("No listed margin"))
      }
    }
  }

  @Test func tablesCarryEveryFigureWithItsInterval() throws {
    let section = try #require(doc.all("section").first { $0.attributes["id"] == "figures" })
    let captions = section.all("caption").map(\.allText)
    for response in ["absorb", "ration"] {
      for scope in ["emergency", "coordination", "total"] {
        #expect(captions.contains("\(scope) — \(RunFigures.responseWords(response))"))
      }
    }
    let first = try #require(section.all("table").first)
    let rows = first.all("tr").compactMap { $0.all("th").first?.allText }
    #expect(rows.contains("P(overspend), horizon") && rows.contains("drift, 95 % quantile") && rows.contains("overspend VaR 99 %"))
    // The overspend probability of the first budget, with its Wilson interval.
    let p = figures.budgets[0].scopes[0].overspendProbability
    #expect(first.allText.contains(ReportFormat.probabilityInterval(p)))
  }

  @Test func assumptionsAndManifestAreStated() throws {
    let assumptions = try #require(doc.all("section").first { $0.attributes["id"] == "assumptions" }).allText
    #expect(assumptions.contains("24 months (2 budget years of 12 months), starting in April"))
    #expect(assumptions.contains("lognormal, mean 1, CV 0.1"))
    #expect(assumptions.contains("multiplies the event rate of every service"))
    #expect(assumptions.contains("Intervention avoid"))
    let manifest = try #require(doc.all("section").first { $0.attributes["id"] == "manifest" }).allText
    #expect(manifest.contains(ReportFixture.manifest.scenarioSHA256))
    #expect(manifest.contains("--seed 11 --iterations 256"))
  }

  @Test func extraSectionsPlugInBeforeTheTables() {
    struct Drivers: HTMLReportSection {
      var anchor: String { "drivers" }
      var heading: String { "Drivers of overspend" }
      func body(figures: RunFigures) -> String { "<p>\(figures.iterations) iterations</p>" }
    }
    let html = HTMLReport.render(figures: figures, manifest: ReportFixture.manifest, assumptions: ReportFixture.run.0.plan.assumptions, sections: [Drivers()])
    let doc = MarkupElement.parse(html)
    let ids = doc?.all("section").compactMap { $0.attributes["id"] } ?? []
    #expect(ids.firstIndex(of: "drivers") == ids.firstIndex(of: "pools")! + 1)
    #expect(html.contains("<a href=\"#drivers\">Drivers of overspend</a>"))
    #expect(html.contains("<p>256 iterations</p>"))
  }

  @Test func capitationHasNoExceedanceCurveButStillRenders() throws {
    var scenario = ReportFixture.scenario
    scenario.budget.base = .capitation(rates: [300, 250], segments: [0])
    scenario.budget.proposals = [.margin(0), .margin(0.05)]
    let (run, f) = try TestScenario.run(scenario, iterations: 64)
    #expect(f.costExceedance.isEmpty)
    let html = HTMLReport.render(figures: f, manifest: RunManifest(run: run), assumptions: run.plan.assumptions)
    let doc = try #require(MarkupElement.parse(html))
    #expect(doc.all("svg").first { $0.attributes["id"] == "exceedance-chart" } == nil)
    #expect(html.contains("No exceedance curve"))
  }

  @Test func niceTicksAreRoundAndCoverTheRange() {
    let (domain, ticks) = ChartScale.niceTicks(0.013, 0.47, count: 6)
    #expect(domain == 0...0.5)
    #expect(ticks.count == 6 && ticks.first == 0 && ticks.last == 0.5)
    let (d2, t2) = ChartScale.niceTicks(-0.23, 0.071, count: 7)
    #expect(d2.lowerBound <= -0.23 && d2.upperBound >= 0.071 && t2.contains(0))
  }

  @Test func probabilityIntervalsShowBothEndsToTheSameDigits() {
    #expect(ReportFormat.probability(Probability(estimate: 0.063, lower: 0.053, upper: 0.074)) == "6.3 % [5.3–7.4]")
    // No events in 100,000: the Wilson upper end, 3.8e-5, is too small to show at 0.01 %.
    #expect(ReportFormat.probabilityInterval(Probability(estimate: 0, lower: 0, upper: 3.8e-5)) == "[0.00–<0.01]")
    #expect(ReportFormat.probabilityInterval(Probability(estimate: 0.0005, lower: 0.0003, upper: 0.0008)) == "[0.03–0.08]")
  }
}
