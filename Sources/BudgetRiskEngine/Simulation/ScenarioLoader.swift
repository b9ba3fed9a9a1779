import BudgetRiskModel

/// Reads and validates scenario files (`docs/scenario-format.md`): the public entry point.
///
/// Every check in the format's "Validation" section is made before a ``Scenario`` exists:
/// unknown keys (with a did-you-mean), missing keys, wrong types, unknown names, values out
/// of range, inconsistent horizons, pools, budgets, factor roles and correlation matrices;
/// then the limits of what the engine can compute with (``SimulationPlan/limitProblems(_:)``),
/// reported at their key and line. Problems are collected in one pass, so a file with three
/// typos reports all three:
///
/// ```swift
/// do {
///   let scenario = try ScenarioLoader.load(path: "scenarios/pilot.yaml")
/// } catch {
///   print(error)   // one `file:line: path: message` per issue
/// }
/// ```
///
/// In the engine layer, not the model, because the engine's limits are part of every check:
/// the model's reader (`ScenarioFile`) takes them as a parameter, so the model never imports
/// the engine.
public enum ScenarioLoader {
  /// The name of a file's base document among its designs.
  public static let baseDesignName = ScenarioFile.baseDesignName

  /// Reads and validates the scenario file at `path`.
  ///
  /// - Parameter path: The file, as the user gave it (it is repeated in every message).
  /// - Returns: The validated scenario, with `sourcePath` set to `path`.
  /// - Throws: ``ScenarioValidationError`` listing every problem found, including a file
  ///   that cannot be read or is not UTF-8.
  ///
  /// A file with `designs:` is valid only if every design is; the result is its base document
  /// (see ``loadDesigns(path:)`` for the designs).
  public static func load(path: String) throws(ScenarioValidationError) -> Scenario {
    try ScenarioFile.load(path: path, limits: limits)
  }

  /// Validates YAML text as if read from `path` (used in messages).
  public static func parse(yaml: String, path: String) throws(ScenarioValidationError) -> Scenario {
    try ScenarioFile.parse(yaml: yaml, path: path, limits: limits)
  }

  /// Every design of the file at `path` (the base document alone when it declares none).
  public static func loadDesigns(path: String) throws(ScenarioValidationError) -> [Design] {
    try ScenarioFile.loadDesigns(path: path, limits: limits)
  }

  /// The design named `name` of the file at `path` (`nil` or `base`: its base document).
  public static func loadDesign(path: String, named name: String?) throws(ScenarioValidationError) -> Scenario {
    try ScenarioFile.loadDesign(path: path, named: name, limits: limits)
  }

  /// The base document and the designs of YAML text read as if from `path`.
  public static func parseDesigns(yaml: String, path: String) throws(ScenarioValidationError) -> (base: Design, designs: [Design]) {
    try ScenarioFile.parseDesigns(yaml: yaml, path: path, limits: limits)
  }

  /// The engine's limits, as the model's reader reports them.
  private static func limits(_ scenario: Scenario) -> [(path: String, message: String)] {
    SimulationPlan.limitProblems(scenario).map { ($0.path, $0.message) }
  }
}
