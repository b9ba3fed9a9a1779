import ArgumentParser
import BudgetRiskModel
import BudgetRiskEngine
import BudgetRiskStudies
import BudgetRiskReports

@main
struct BudgetRiskCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "budget-risk",
    abstract: "Monte Carlo risk of prospective and pooled health and social care budgets.",
    discussion: """
      Examples:
        budget-risk init pilot.yaml        write a commented starter scenario
        budget-risk explain pilot.yaml     the budget build-up, before simulating
        budget-risk run pilot.yaml --report report.html --csv out
        budget-risk margin pilot.yaml --overspend-at-most 0.1   the smallest margin meeting a target
        budget-risk compare pilot.yaml     every design of the file, on common random numbers
        budget-risk slurm pilot.yaml --shards 16   a Slurm job array of shards and their merge
        budget-risk help run               every option of a command
        budget-risk completions bash       a shell completion script

      Exit codes: 0 success; 64 bad command-line usage; 65 invalid scenario file \
      (every problem is printed with the file, line and key); 73 an output file could not \
      be written or was refused (an input, a duplicate, a folder, link or device; every old \
      file is left as it was); 130 interrupted by Ctrl-C, 143 by SIGTERM, 129 by SIGHUP \
      (run reports the iterations finished; a second signal writes nothing); 1 any other failure.
      """,
    version: RunManifest.toolVersion,
    subcommands: [
      InitCommand.self, ValidateCommand.self, ExplainCommand.self, RunCommand.self, CompareCommand.self,
      MarginCommand.self, OutcomesCommand.self, BenchCommand.self, MergeCommand.self, ReportCommand.self,
      SlurmCommand.self, CompletionsCommand.self,
    ]
  )
}

/// Exit statuses shared by every subcommand (sysexits.h values).
enum Exit {
  static let invalidScenario = ExitCode(65)
  static let cannotWrite = ExitCode(73)
}

/// Loads, validates and compiles a scenario: the one gate of every command that reads one.
/// Every issue goes to standard error (`file:line: path: message`) and the exit is 65.
/// Commands read the plan it returns, never the scenario.
func loadPlan(_ path: String, design: String? = nil) throws -> SimulationPlan {
  let scenario: Scenario
  do {
    scenario = try ScenarioLoader.loadDesign(path: path, named: design)
  } catch {
    printError("\(error)")
    throw Exit.invalidScenario
  }
  return try compile(scenario)
}

/// Compiles a loaded scenario into its plan (the checks beyond the scenario's own
/// validation), printing every issue and exiting 65 when the plan refuses it.
func compile(_ scenario: Scenario) throws -> SimulationPlan {
  do { return try SimulationPlan.compiled(scenario) } catch {
    printError("\(error)")
    throw Exit.invalidScenario
  }
}

/// The command-line form of an engine error: a scenario the plan refused is exit 65 with
/// its issues on standard error; anything else is a usage error (64).
func commandLineError(_ error: RunOptionsError) -> Error {
  switch error {
  case .scenario(let e):
    printError("\(e)")
    return Exit.invalidScenario
  case .invalid(let message):
    return ValidationError(message)
  }
}

func printError(_ message: String) {
  var stderr = StandardError()
  print(message, to: &stderr)
}

struct StandardError: TextOutputStream {
  mutating func write(_ string: String) {
    FileHandleOutput.standardError(string)
  }
}
