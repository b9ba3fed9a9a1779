import ArgumentParser
import BudgetRiskModel
import BudgetRiskReports
import Foundation

struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Write a commented starter scenario to edit.",
    discussion: """
      The file validates and runs as written; every number in it is illustrative. Templates:
      \(ScenarioTemplate.all.map { "  " + $0.name.padding(toLength: 16, withPad: " ", startingAt: 0) + $0.summary + ($0.name == ScenarioTemplate.defaultName ? " (default)" : "") }.joined(separator: "\n"))

      Examples:
        budget-risk init
        budget-risk init pilot.yaml --template separate-pools
        budget-risk init - --template minimal > minimal.yaml
        budget-risk init --list
      """
  )

  @Argument(help: "Where to write the scenario ('-' for standard output).", completion: .file(extensions: ["yaml", "yml"]))
  var file: String = "scenario.yaml"

  @Option(help: "The starter to write.", completion: .list(ScenarioTemplate.all.map(\.name)))
  var template: String = ScenarioTemplate.defaultName

  @Flag(help: "Overwrite the file if it exists.")
  var force = false

  @Flag(help: "List the templates and exit.")
  var list = false

  func validate() throws {
    guard ScenarioTemplate.named(template) != nil else {
      throw ValidationError(
        "unknown template '\(template)'; the templates are \(ScenarioTemplate.all.map(\.name).joined(separator: ", "))")
    }
  }

  func run() throws {
    if list {
      for t in ScenarioTemplate.all { print("\(t.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(t.summary)") }
      return
    }
    let text = ScenarioTemplate.named(template)!.text
    if file == "-" {
      print(text, terminator: "")
      return
    }
    if FileManager.default.fileExists(atPath: file) && !force {
      printError("\(file) already exists; choose another name or pass --force to overwrite it")
      throw Exit.cannotWrite
    }
    do {
      try AtomicFile.write(Data(text.utf8), to: file)
    } catch {
      printError("\(error)")
      throw Exit.cannotWrite
    }
    print("wrote \(file) (template \(template)). Next:")
    print("  budget-risk explain \(file)")
    print("  budget-risk run \(file) --report report.html")
  }
}
