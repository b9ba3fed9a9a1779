import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// A valid scenario that the validation tests break one key at a time.
enum ScenarioText {
  static let valid = """
    name: Test pilot
    horizon:
      years: 2
    segments:
      - name: frail_older
        population: 12000
        growth: 0.02
      - name: general
        population: 250000
    services:
      - name: community_nursing
        category: proactive
        stream: health
        unit_cost: 85
      - name: ae_attendance
        category: reactive
        stream: health
        unit_cost: 250
      - name: home_care
        category: reactive
        stream: social_care
        unit_cost: 30
      - name: residential_care
        category: reactive
        stream: social_care
        per_person:
          segments: [frail_older]
          annual_cost: 2400
    utilisation:
      frail_older: {community_nursing: 24, ae_attendance: 1.2, home_care: 50}
      general: {ae_attendance: 0.35}
    uncertainty:
      factors:
        - name: demand_level
          distribution: {lognormal: {mean: 1.0, cv: 0.08}}
          role: rate_multiplier
          services: [ae_attendance]
        - name: older_growth
          distribution: {triangular: {min: 0.01, mode: 0.025, max: 0.05}}
          role: growth
          segments: [frail_older]
      correlation:
        factors: [demand_level, older_growth]
        matrix:
          - [1.0, 0.3]
          - [0.3, 1.0]
    shocks:
      - name: winter_surge
        probability: 0.05
        duration: 3
        multiplier: 1.25
        services: [ae_attendance]
    interventions:
      - name: coordination
        proactive: [community_nursing]
        targets: [ae_attendance]
        effect: 0.08
        lag: 6
        ramp: 12
    budget:
      base: expected
      margins: [0, 0.05, 0.1]

    """

  /// The valid text with the first occurrence of each `old` replaced by `new`. A missing
  /// `old` is recorded as a test issue (the test would otherwise check nothing).
  static func replacing(
    _ pairs: (String, String)..., in text: String = valid, sourceLocation: SourceLocation = #_sourceLocation
  ) -> String {
    var result = text
    for (old, new) in pairs {
      guard let range = result.range(of: old) else {
        Issue.record("the scenario text has no '\(old)'", sourceLocation: sourceLocation)
        continue
      }
      result.replaceSubrange(range, with: new)
    }
    return result
  }

  /// Path of a fixture in `Tests/BudgetRiskTests/Fixtures`.
  static func fixture(_ name: String) -> String {
    if let path = Bundle.module.path(forResource: name, ofType: "yaml", inDirectory: "Fixtures") {
      return path
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/\(name).yaml").path
  }
}

/// The issues the loader reports for `yaml` (empty when it loads).
func validationIssues(_ yaml: String) -> [ScenarioIssue] {
  do {
    _ = try ScenarioLoader.parse(yaml: yaml, path: "test.yaml")
    return []
  } catch {
    return error.issues
  }
}

/// The scenario, recording the issues as a test failure when it does not load.
func loadedScenario(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> Scenario? {
  do {
    return try ScenarioLoader.parse(yaml: yaml, path: "test.yaml")
  } catch {
    Issue.record("unexpected issues:\n\(error)", sourceLocation: sourceLocation)
    return nil
  }
}

/// Expects an issue at `path` whose message contains every fragment (and, if given, at `line`).
func expectIssue(
  _ issues: [ScenarioIssue], path: String, _ fragments: String..., line: Int? = nil,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let found = issues.contains { issue in
    issue.path == path && fragments.allSatisfy { issue.message.contains($0) }
      && (line == nil || issue.line == line)
  }
  #expect(
    found,
    "no issue at \(path) containing \(fragments); got:\n\(issues.map(\.description).joined(separator: "\n"))",
    sourceLocation: sourceLocation)
}
