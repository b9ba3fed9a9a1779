import ArgumentParser
import BudgetRiskStudies
import BudgetRiskReports

struct ExplainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explain",
    abstract: "Print the deterministic budget build-up, before any simulation.",
    discussion: """
      Shows the analytic expected cost of need by segment, service, pool and budget year, the \
      base budget of each pool and every proposed budget — the numbers a simulation starts \
      from. Nothing random is drawn, so it is instant.
      Examples:
        budget-risk explain scenarios/community-health-network.yaml
        budget-risk explain pilot.yaml | less -S
      """
  )

  @Argument(help: "The scenario file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
  var file: String

  @Option(help: "Explain this design of the file (default: its base document, 'base').")
  var design: String?

  func run() throws {
    let plan = try loadPlan(file, design: design)
    print(ExplainReport.render(BudgetBuildUp(plan)), terminator: "")
  }
}
