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
    ScenarioTemplate(name: "community", summary: "prevention, hospital and home care, one pooled budget", text: communityText),
    ScenarioTemplate(
      name: "designs", summary: "the community pilot with three designs to compare (with and without prevention, separate pools)",
      text: communityText + designsText),
    ScenarioTemplate(name: "separate-pools", summary: "separate health and social care pools with fixed budgets", text: separatePoolsText),
    ScenarioTemplate(name: "capitation", summary: "a payer's capitated budget, spend per person", text: capitationText),
    ScenarioTemplate(name: "minimal", summary: "the smallest valid scenario", text: minimalText),
    ScenarioTemplate(name: "targeted", summary: "a prevention programme for a cohort, paid per recipient", text: targetedText),
  ]

  public static func named(_ name: String) -> ScenarioTemplate? { all.first { $0.name == name } }
}
