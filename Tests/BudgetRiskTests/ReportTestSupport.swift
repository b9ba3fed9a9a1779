import Foundation
import Synchronization
#if canImport(FoundationXML)
  import FoundationXML
#endif
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// One small run shared by the report tests: two pools (so a total), proactive and
/// reactive services, an intervention, both provider responses, three margins and an
/// explicit offer. 256 iterations keep it well under a second in a debug build.
enum ReportFixture {
  static let scenario = TestScenario.make(
    population: 2_000, years: 2,
    services: [
      TestScenario.service("emergency", unitCost: 900, severity: .gamma(cv: 0.8), noise: .negativeBinomial(dispersion: 20)),
      TestScenario.service("coordination", unitCost: 60, category: .proactive, stream: "social_care"),
    ],
    rates: [0.3, 4],
    factors: [Factor(name: "demand", distribution: .lognormal(mean: 1, cv: 0.1), role: .serviceRateMultiplier(services: [0, 1]))],
    interventions: [Intervention(name: "avoid", proactive: [1], targets: [0], effect: 0.1, lag: 1, rampPeriods: 3)],
    proposals: [.margin(0), .margin(0.05), .margin(0.10), .amounts(name: "Board offer", annual: [[600_000, 600_000], [520_000, 520_000]])],
    responses: [.absorb, .ration], reserveShare: 0.01)

  static let run: (SimulationRun, RunFigures) = try! TestScenario.run(scenario, iterations: 256, seed: 11)
  static var figures: RunFigures { run.1 }
  static let manifest = RunManifest(run: run.0)
  static let html = HTMLReport.render(figures: figures, manifest: manifest, assumptions: run.0.plan.assumptions)
  static let document: MarkupElement = MarkupElement.parse(html)!
}

/// A minimal element tree read with Foundation's XML parser: the report is polyglot
/// markup, so a parse failure means an unclosed element or a stray `&` or `<`.
final class MarkupElement: @unchecked Sendable {
  let name: String
  let attributes: [String: String]
  var children: [MarkupElement] = []
  var text = ""
  weak var parent: MarkupElement?

  init(name: String, attributes: [String: String]) { self.name = name; self.attributes = attributes }

  /// Parses a document, dropping an HTML doctype first; nil when it is not well formed.
  static func parse(_ markup: String) -> MarkupElement? {
    let body = markup.replacingOccurrences(of: "<!DOCTYPE html>", with: "")
    let builder = Builder()
    let parser = XMLParser(data: Data(body.utf8))
    parser.delegate = builder
    guard parser.parse() else { return nil }
    return builder.root
  }

  /// Every descendant (depth first), this element excluded.
  var descendants: [MarkupElement] { children.flatMap { [$0] + $0.descendants } }

  func all(_ name: String) -> [MarkupElement] { descendants.filter { $0.name == name } }

  /// Descendants whose `class` attribute holds every given class.
  func all(class names: String...) -> [MarkupElement] {
    descendants.filter { e in
      let classes = Set((e.attributes["class"] ?? "").split(separator: " ").map(String.init))
      return names.allSatisfy(classes.contains)
    }
  }

  /// The text of this element and its descendants.
  var allText: String { text + children.map(\.allText).joined() }

  private final class Builder: NSObject, XMLParserDelegate {
    var root: MarkupElement?
    var stack: [MarkupElement] = []

    func parser(
      _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      let element = MarkupElement(name: elementName, attributes: attributes)
      element.parent = stack.last
      stack.last?.children.append(element)
      if root == nil { root = element }
      stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
      stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }
  }
}

/// Collects what a progress bar writes, from any thread.
final class WrittenText: Sendable {
  private let lines = Mutex<[String]>([])
  var all: [String] { lines.withLock { $0 } }
  func append(_ s: String) { lines.withLock { $0.append(s) } }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
  private let seconds = Mutex(0.0)
  var now: Double { seconds.withLock { $0 } }
  func advance(by s: Double) { seconds.withLock { $0 += s } }
}

