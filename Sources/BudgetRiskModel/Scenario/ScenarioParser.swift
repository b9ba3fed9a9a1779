/// Builds a ``Scenario`` from one YAML document, section by section, recording every problem
/// in its ``YAMLReader``.
///
/// Sections are read in dependency order (horizon, segments, services, utilisation,
/// interventions, uncertainty, shocks, budget) so that later sections can resolve names from
/// earlier ones. A section that fails still registers the names it could read, so that one
/// typo does not hide the problems in the sections after it. The result is `nil` whenever at
/// least one issue was recorded.
final class ScenarioParser {
  let reader: YAMLReader
  package let path: String

  // Shared state filled in as sections are read.
  package var horizon: Horizon?
  package var segmentNames = NameTable(kind: "segment")
  package var serviceNames = NameTable(kind: "service")
  var interventionNames = NameTable(kind: "intervention")
  var factorNames = NameTable(kind: "factor")
  /// Services as read, by position; `nil` where a service had a problem.
  var parsedServices: [Service?] = []
  /// Interventions whose `effect` key is absent (they need an `intervention_effect` factor).
  var interventionsWithoutEffect: [(index: Int, value: YAMLValue)] = []
  /// `budget.pools` when some pool is defined over segments: its cells are checked, and the
  /// services split into them, once the whole scenario is read.
  var poolsValue: YAMLValue?

  static let topLevelKeys = [
    "name", "description", "currency", "horizon", "run", "exact_sum_threshold", "segments",
    "services", "utilisation", "uncertainty", "shocks", "interventions", "budget",
    "designs",  // read by the loader (ScenarioLoader+Designs.swift), ignored here
  ]

  /// What only a later layer can check on a scenario the model accepts (the engine's
  /// limits: `SimulationPlan.limitProblems`), reported here at its key and line so that a
  /// file that validates also runs. Passed in, since the model cannot import the engine.
  package let limits: ScenarioLimitCheck

  package init(path: String, limits: @escaping ScenarioLimitCheck = { _ in [] }) {
    self.path = path
    self.reader = YAMLReader(file: path)
    self.limits = limits
  }

  /// The scenario, or `nil` with the problems in `reader.issues`.
  package func parse(yaml: String) -> Scenario? {
    guard let root = reader.compose(yaml: yaml) else { return nil }
    return parse(root: root)
  }

  /// The scenario of an already composed document (a design merged onto its base).
  package func parse(root: YAMLValue) -> Scenario? {
    guard let doc = reader.mapping(root, keys: Self.topLevelKeys) else { return nil }

    let name = doc.required("name").flatMap { reader.string($0) }
    let description = doc.string("description", default: "", nonEmpty: false)
    let currency = doc.string("currency", default: "GBP")
    horizon = doc.required("horizon").flatMap(parseHorizon)
    let defaults = parseRun(doc.optional("run"))
    let exactSumThreshold = doc.integer("exact_sum_threshold", minimum: 0, default: 64)

    let segments = parseSegments(doc.required("segments"))
    let services = parseServices(doc.required("services"))
    let utilisation = parseUtilisation(doc.optional("utilisation"))
    let interventions = parseInterventions(doc.optional("interventions"))
    let uncertainty = parseUncertainty(doc.optional("uncertainty"))
    checkInterventionEffects(
      factors: uncertainty?.factors, interventions: interventions, correlation: uncertainty.flatMap { $0.correlation })
    let shocks = parseShocks(doc.optional("shocks"))
    let budget = doc.required("budget").flatMap(parseBudget)

    guard reader.issues.isEmpty, let name, let description, let currency, let horizon,
      let defaults, let exactSumThreshold, let segments, let services, let utilisation,
      let interventions, let uncertainty, let shocks, let budget
    else {
      if reader.issues.isEmpty {
        // Every nil above follows a recorded issue; this is a guard against a missed one.
        reader.report(path: "", line: nil, "internal error: the scenario could not be assembled")
      }
      return nil
    }
    var scenario = Scenario(
      name: name, description: description, currency: currency, sourcePath: path,
      horizon: horizon, segments: segments, services: services, utilisation: utilisation,
      factors: uncertainty.factors, correlation: uncertainty.correlation, shocks: shocks,
      interventions: interventions, exactSumThreshold: exactSumThreshold, budget: budget,
      defaults: defaults)
    // Pools over segments: one cell per (pool, service) with demand, each its own service.
    if let poolsValue {
      switch scenario.splittingPoolsBySegments() {
      case .success(let split): scenario = split
      case .failure(let problems):
        for problem in problems.problems { reader.report(poolsValue, problem) }
        return nil
      }
    }
    // What only the compiled plan can see (products of values against the budget), so that
    // a file that validates also runs.
    let problems = limits(scenario)
    for problem in problems {
      reader.report(path: problem.path, line: root.line(atPath: problem.path), problem.message)
    }
    return problems.isEmpty ? scenario : nil
  }

  // MARK: Horizon and run defaults

  func parseHorizon(_ value: YAMLValue) -> Horizon? {
    guard let m = reader.mapping(value, keys: ["years", "periods", "period", "start_month"]) else {
      return nil
    }
    let length = m.choice("period", as: PeriodLength.self, default: .month)
    let startMonth = m.integer("start_month", minimum: 1, maximum: 12, default: 4)
    let yearsValue = m.optional("years")
    let periodsValue = m.optional("periods")
    // At most `Horizon.maximumYears`: the engine's random streams address at most 16,383
    // periods, and no budget is set a century ahead.
    let maxYears = Horizon.maximumYears
    let years = yearsValue.flatMap { reader.integer($0, minimum: 1, maximum: maxYears) }
    let periods = periodsValue.flatMap {
      reader.integer($0, minimum: 1, maximum: maxYears * (length ?? .month).periodsPerYear)
    }
    if yearsValue == nil && periodsValue == nil {
      _ = m.required("years", " (or 'periods': a whole number of budget years)")
      return nil
    }
    guard let length, let startMonth else { return nil }
    let perYear = length.periodsPerYear
    var total: Int?
    if let periods, let periodsValue {
      if periods % perYear != 0 {
        reader.report(
          periodsValue,
          "expected a whole number of budget years (a multiple of \(perYear) \(length.rawValue)ly periods), found \(periods)"
        )
      } else if let years, years * perYear != periods {
        reader.report(
          periodsValue, "periods (\(periods)) and years (\(years) × \(perYear) = \(years * perYear)) disagree"
        )
      } else {
        total = periods
      }
    } else if let years, periodsValue == nil {
      total = years * perYear
    }
    guard let total else { return nil }
    return Horizon(periods: total, periodLength: length, startMonth: startMonth)
  }

  func parseRun(_ value: YAMLValue?) -> RunDefaults? {
    guard let value else { return RunDefaults() }
    guard let m = reader.mapping(value, keys: ["iterations", "seed"]) else { return nil }
    let iterations = m.integer("iterations", minimum: 1, default: 10_000)
    var seed: UInt64? = 1
    if let v = m.optional("seed") {
      let text = v.text.map { $0.replacingOccurrences(of: "_", with: "") }
      seed = text.flatMap { UInt64($0) }
      if seed == nil || v.isNull {
        reader.report(v, "expected a whole number from 0 to \(UInt64.max), found \(v.found)")
      }
    }
    guard let iterations, let seed else { return nil }
    return RunDefaults(iterations: iterations, seed: seed)
  }

  // MARK: Helpers shared by the sections

  /// Reads a list of mappings whose first key is `name`, registering each name in `table`
  /// (duplicates are reported) and calling `item` for every entry that is a mapping.
  /// Returns nil if any entry failed.
  func readNamedList<T>(
    _ value: YAMLValue?, keys: [String], into table: ReferenceWritableKeyPath<ScenarioParser, NameTable>,
    nonEmpty: Bool,
    item: (YAMLMapping, String?) -> T?
  ) -> [T]? {
    guard let value else {
      if nonEmpty { self[keyPath: table].markIncomplete() }
      return nonEmpty ? nil : []
    }
    guard let items = reader.list(value, nonEmpty: nonEmpty) else {
      self[keyPath: table].markIncomplete()
      return nil
    }
    var result: [T] = []
    var failed = false
    for entry in items {
      guard let m = reader.mapping(entry, keys: keys) else {
        self[keyPath: table].add(nil, at: entry, reader: reader)
        failed = true
        continue
      }
      let nameValue = m.required("name")
      let name = nameValue.flatMap { reader.identifier($0) }
      self[keyPath: table].add(name, at: nameValue, reader: reader)
      if let built = item(m, name) { result.append(built) } else { failed = true }
    }
    return failed ? nil : result
  }
}

/// A check made by a layer above the model on a scenario the model accepts: each problem with
/// the key path to change (see ``ScenarioParser/limits``).
package typealias ScenarioLimitCheck = (Scenario) -> [(path: String, message: String)]
