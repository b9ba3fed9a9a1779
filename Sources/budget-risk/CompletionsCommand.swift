import ArgumentParser

struct CompletionsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "completions",
    abstract: "Print a shell completion script (bash, zsh or fish).",
    discussion: """
      The same script as `budget-risk --generate-completion-script SHELL`. To install:
        bash:  budget-risk completions bash > ~/.local/share/bash-completion/completions/budget-risk
        zsh:   budget-risk completions zsh > ~/.zfunc/_budget-risk   (with fpath+=(~/.zfunc) before compinit)
        fish:  budget-risk completions fish > ~/.config/fish/completions/budget-risk.fish
      Example:
        source <(budget-risk completions bash)
      """
  )

  @Argument(help: "The shell: bash, zsh or fish.", completion: .list(CompletionShell.allCases.map(\.rawValue)))
  var shell: String

  func validate() throws {
    guard CompletionShell(rawValue: shell) != nil else {
      throw ValidationError("unknown shell '\(shell)'; use one of \(CompletionShell.allCases.map(\.rawValue).joined(separator: ", "))")
    }
  }

  func run() throws {
    print(BudgetRiskCommand.completionScript(for: CompletionShell(rawValue: shell)!))
  }
}
