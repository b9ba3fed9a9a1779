/// One problem found in a scenario file: where it is and what is wrong.
///
/// Printed as `file:line: path: message`, for example
///
/// ```
/// scenarios/x.yaml:42: services[3].unit_cost: expected a finite number >= 0, found -85
/// ```
///
/// `path` is the key path of the offending value (list indices count from 0); it is empty
/// for problems with the file as a whole (unreadable, not YAML).
public struct ScenarioIssue: Sendable, Hashable, CustomStringConvertible {
  /// The scenario file, as given to the loader.
  public var file: String
  /// 1-based line of the offending key or value, when known.
  public var line: Int?
  /// Key path such as `services[3].unit_cost` or `utilisation.frail_older.ae_atendance`.
  public var path: String
  /// What was expected and what was found.
  public var message: String

  /// An issue at `file:line`, for the value at key path `path`.
  public init(file: String, line: Int?, path: String, message: String) {
    self.file = file
    self.line = line
    self.path = path
    self.message = message
  }

  /// `file:line: path: message`; the line and path are left out when unknown or empty.
  /// Control characters are escaped, so one issue is always one line: a key or value
  /// containing a newline cannot forge a second `file:line:` line.
  public var description: String {
    var text = YAMLValue.escaped(file)
    if let line { text += ":\(line)" }
    text += ": "
    if !path.isEmpty { text += YAMLValue.escaped(path) + ": " }
    return text + YAMLValue.escaped(message)
  }
}

/// Every problem found in one scenario file.
///
/// The loader collects as many independent problems as it can in one pass (all typos at
/// once), and never returns a ``Scenario`` when there is at least one.
public struct ScenarioValidationError: Error, Sendable, CustomStringConvertible {
  /// The problems, in file order (issues without a line come last).
  public var issues: [ScenarioIssue]

  /// An error listing `issues` (the loader never throws one with no issue).
  public init(issues: [ScenarioIssue]) { self.issues = issues }

  /// At most this many issues are printed; the rest are counted.
  public static let printedLimit = 100

  /// One issue per line, at most ``printedLimit`` of them, then how many more there are.
  public var description: String {
    var lines = issues.prefix(Self.printedLimit).map(\.description)
    if issues.count > Self.printedLimit {
      let more = issues.count - Self.printedLimit
      lines.append("… and \(more) more problem\(more == 1 ? "" : "s") (fix these first)")
    }
    return lines.joined(separator: "\n")
  }
}
