/// Starter scenarios that `budget-risk init` writes: commented YAML that validates and runs
/// as written, meant to be edited. Every number in them is illustrative.
public struct ScenarioTemplate: Sendable {
  public let name: String
  /// One line for `init --list`.
  public let summary: String
  /// The YAML text.
  public let text: String

  /// The template `init` uses when none is named.
  public static let defaultName = "community"

  public static let all: [ScenarioTemplate] = [
    ScenarioTemplate(name: "community", summary: "a community health pilot: prevention, hospital and home care in one pooled budget", text: communityText),
    ScenarioTemplate(name: "separate-pools", summary: "health and social care in separate pools with fixed budgets and a care-home spend per person", text: separatePoolsText),
    ScenarioTemplate(name: "capitation", summary: "a payer's capitated budget for a high-risk group, spend per person", text: capitationText),
    ScenarioTemplate(name: "minimal", summary: "the smallest valid scenario: one segment, one service", text: minimalText),
  ]

  public static func named(_ name: String) -> ScenarioTemplate? { all.first { $0.name == name } }
}
