import Foundation

/// Reads and validates scenario files (`docs/scenario-format.md`): the model layer's part.
/// The public entry point is `ScenarioLoader` (in BudgetRiskEngine), which passes the
/// engine's limits as `limits`, so that every caller gets every check.
///
/// Every check in the format's "Validation" section is made before a ``Scenario`` exists:
/// unknown keys (with a did-you-mean), missing keys, wrong types, unknown names, values out
/// of range, inconsistent horizons, pools, budgets, factor roles and correlation matrices.
/// Problems are collected in one pass, so a file with three typos reports all three:
///
/// ```swift
/// do {
///   let scenario = try ScenarioLoader.load(path: "scenarios/pilot.yaml")
/// } catch {
///   print(error)   // one `file:line: path: message` per issue
/// }
/// ```
package enum ScenarioFile {
  /// Reads and validates the scenario file at `path`.
  ///
  /// - Parameter path: The file, as the user gave it (it is repeated in every message).
  /// - Returns: The validated scenario, with `sourcePath` set to `path`.
  /// - Throws: ``ScenarioValidationError`` listing every problem found, including a file
  ///   that cannot be read or is not UTF-8.
  ///
  /// A file with `designs:` is valid only if every design is; the result is its base document
  /// (see ``loadDesigns(path:)`` for the designs).
  package static func load(path: String, limits: @escaping ScenarioLimitCheck) throws(ScenarioValidationError) -> Scenario {
    try parse(yaml: try readText(path: path), path: path, limits: limits)
  }

  static func readText(path: String) throws(ScenarioValidationError) -> String {
    func refuse(_ reason: String) -> ScenarioValidationError {
      ScenarioValidationError(issues: [ScenarioIssue(file: path.isEmpty ? "''" : path, line: nil, path: "", message: reason)])
    }
    guard !path.isEmpty else { throw refuse("no scenario file given (the path is empty)") }
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      throw refuse("cannot read the scenario file: no such file")
    }
    guard !isFolder.boolValue else { throw refuse("this is a folder; give a scenario file (YAML) inside it") }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw refuse("cannot read the scenario file: \(String(cString: strerror(errno)))")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw refuse("the scenario file is not UTF-8 text")
    }
    return text
  }

  /// Validates a scenario given as YAML text.
  ///
  /// - Parameters:
  ///   - yaml: The scenario document.
  ///   - path: Where it came from, used in messages and as `sourcePath`.
  /// - Returns: The validated scenario.
  /// - Throws: ``ScenarioValidationError`` listing every problem found, in file order.
  package static func parse(yaml: String, path: String, limits: @escaping ScenarioLimitCheck) throws(ScenarioValidationError) -> Scenario {
    try parseDesigns(yaml: yaml, path: path, limits: limits).base.scenario
  }
}
