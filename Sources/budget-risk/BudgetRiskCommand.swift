import ArgumentParser
import BudgetRisk

@main
struct BudgetRiskCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "budget-risk",
    abstract: "Monte Carlo risk of prospective and pooled health and social care budgets.",
    discussion: """
      Exit codes: 0 success; 64 bad command-line usage; 65 invalid scenario file \
      (every problem is printed with the file, line and key); 73 an output file could not \
      be written (nothing is half-written); 1 any other failure.
      """,
    subcommands: [RunCommand.self, ValidateCommand.self]
  )
}

/// Exit statuses shared by every subcommand (sysexits.h values).
enum Exit {
  static let invalidScenario = ExitCode(65)
  static let cannotWrite = ExitCode(73)
}

/// Loads and validates a scenario, printing every issue to standard error on failure.
func loadScenario(_ path: String) throws -> Scenario {
  do {
    return try ScenarioLoader.load(path: path)
  } catch {
    printError("\(error)")
    throw Exit.invalidScenario
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
