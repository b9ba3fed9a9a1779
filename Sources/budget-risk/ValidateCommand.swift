import ArgumentParser
import BudgetRiskModel
import BudgetRiskEngine

struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check a scenario file without simulating it.",
    discussion: """
      Prints every problem with the file, line and key path, and exits 65 if there is any.
      Example:
        budget-risk validate scenarios/community-health-network.yaml
      """
  )

  @Argument(help: "The scenario file (YAML).")
  var file: String

  func run() throws {
    let designs: [Design]
    do { designs = try ScenarioLoader.loadDesigns(path: file) } catch {
      printError("\(error)")
      throw Exit.invalidScenario
    }
    // Every design is compiled as `run` would compile it, so the two accept the same files.
    for design in designs { _ = try compile(design.scenario) }
    let plan = try loadPlan(file)
    let services = plan.splitsServices
      ? "\(plan.fileServiceCount) services (\(plan.serviceCount) cells: pools over segments split them by pool)"
      : "\(plan.serviceCount) services"
    print("\(file): valid — \(plan.segmentCount) segments, \(services), "
      + "\(plan.factors.count) uncertain factors, \(plan.periods) \(plan.periodLength.rawValue)s, "
      + "\(plan.poolNames.count) pool(s), \(plan.proposals.count) proposed budget(s)")
    if designs.count > 1 || designs.first?.name != ScenarioLoader.baseDesignName {
      print("  designs (each valid): " + designs.map(\.name).joined(separator: ", "))
    }
  }
}
