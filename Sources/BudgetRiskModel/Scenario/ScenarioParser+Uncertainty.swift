import Foundation
import BudgetRiskNumerics

/// The `role:` of an uncertain factor as written in the file.
enum FactorRoleName: String, CaseIterable {
  case rateMultiplier = "rate_multiplier"
  case unitCostMultiplier = "unit_cost_multiplier"
  case inflation
  case growth
  case populationMultiplier = "population_multiplier"
  case interventionEffect = "intervention_effect"
  case interventionSpillover = "intervention_spillover"

  /// Target keys the role accepts; the first is the default (all of that kind).
  var targetKeys: [String] {
    switch self {
    case .rateMultiplier: return ["services", "segments"]
    case .unitCostMultiplier, .inflation: return ["services"]
    case .growth, .populationMultiplier: return ["segments"]
    case .interventionEffect, .interventionSpillover: return ["interventions"]
    }
  }

  /// Multipliers compose and must not be negative; the other roles replace a value.
  var isMultiplier: Bool {
    self == .rateMultiplier || self == .unitCostMultiplier || self == .populationMultiplier
  }
}

/// `uncertainty:` — factors with their roles, and the rank correlation between them.
extension ScenarioParser {
  static let factorKeys = ["name", "distribution", "role", "services", "segments", "interventions", "process"]

  func parseUncertainty(_ value: YAMLValue?) -> (factors: [Factor], correlation: RankCorrelation?)? {
    guard let value else { return ([], nil) }
    guard let m = reader.mapping(value, keys: ["factors", "correlation"]) else {
      factorNames.markIncomplete()
      return nil
    }
    // Replacing roles: "role#target" → the factor that already replaces it.
    var replaced: [String: String] = [:]
    let factors = readNamedList(
      m.optional("factors"), keys: Self.factorKeys, into: \.factorNames, nonEmpty: false
    ) {
      fm, name in parseFactor(fm, name: name, replaced: &replaced)
    }
    var correlation: RankCorrelation?? = .some(nil)  // nil: reported; .some(nil): not given
    if let v = m.optional("correlation") {
      correlation = parseCorrelation(v, factorCount: factorNames.count).map { .some($0) }
    }
    guard let factors, let correlation else { return nil }
    if let c = correlation, let v = m.optional("correlation"), !checkProcessSteps(factors, c, at: v) { return nil }
    return (factors, correlation)
  }

  private func table(for key: String) -> NameTable {
    switch key {
    case "services": return serviceNames
    case "segments": return segmentNames
    default: return interventionNames
    }
  }

  private func parseFactor(_ m: YAMLMapping, name: String?, replaced: inout [String: String]) -> Factor? {
    let distribution = m.required("distribution").flatMap(parseDistribution)
    guard let role = m.required("role").flatMap({ reader.choice($0, as: FactorRoleName.self) }) else {
      return nil
    }

    // Targets: only the role's own keys, and for rate_multiplier not both.
    let given = ["services", "segments", "interventions"].filter { m.has($0) }
    var failed = false
    for key in given where !role.targetKeys.contains(key) {
      reader.report(
        path: m.path + ".\(key)", line: m.keyLine(key),
        "a \(role.rawValue) factor targets \(YAMLReader.alternatives(role.targetKeys)), not \(key)")
      failed = true
    }
    if given.contains("services") && given.contains("segments") && role == .rateMultiplier {
      reader.report(
        path: m.path + ".segments", line: m.keyLine("segments"),
        "give services or segments, not both (a rate_multiplier targets one kind)")
      failed = true
    }
    let key = given.first(where: role.targetKeys.contains) ?? role.targetKeys[0]
    let names = table(for: key)
    let targets = m.optional(key).map { names.resolveList($0, reader: reader) } ?? names.all

    if let distribution, let at = m.optional("distribution"), !checkSupport(distribution, role: role, at: at)
    {
      failed = true
    }

    if !role.isMultiplier, let targets {
      let at = m.optional(key) ?? m.optional("role") ?? m.value
      for t in targets {
        let slot = "\(role.rawValue)#\(t)"
        if let other = replaced[slot] {
          reader.report(
            at,
            "\(names.kind) '\(names.name(at: t))' is already targeted by \(role.rawValue) factor '\(other)'; a replacing role may target each \(names.kind) once"
          )
          failed = true
        } else if let name {
          replaced[slot] = name
        }
      }
    }
    var process: FactorProcess?
    if let v = m.optional("process") {
      process = parseProcess(v, role: role)
      if process == nil { failed = true }
    }
    guard !failed, let name, let distribution, let targets else { return nil }
    let factorRole: FactorRole
    switch role {
    case .rateMultiplier:
      factorRole =
        key == "segments"
        ? .segmentRateMultiplier(segments: targets) : .serviceRateMultiplier(services: targets)
    case .unitCostMultiplier: factorRole = .unitCostMultiplier(services: targets)
    case .inflation: factorRole = .inflation(services: targets)
    case .growth: factorRole = .growth(segments: targets)
    case .populationMultiplier: factorRole = .populationMultiplier(segments: targets)
    case .interventionEffect: factorRole = .interventionEffect(interventions: targets)
    case .interventionSpillover: factorRole = .interventionSpillover(interventions: targets)
    }
    return Factor(name: name, distribution: distribution, role: factorRole, process: process)
  }

  /// Multipliers must not go negative, growth and inflation must stay above -1, and an
  /// intervention effect must not exceed 1 (a reduction of more than 100 %). Unbounded
  /// tails are only rejected for multipliers (a normal multiplier).
  private func checkSupport(_ d: Distribution, role: FactorRoleName, at value: YAMLValue) -> Bool {
    let (lower, upper) = Self.support(of: d)
    let kind = Self.kindName(of: d)
    if role.isMultiplier && lower < 0 {
      let can =
        lower == -.infinity ? "a \(kind) distribution can" : "this \(kind) distribution reaches \(lower)"
      reader.report(
        value,
        "a \(role.rawValue) factor must not take negative values, but \(can); use lognormal or gamma, or bounds >= 0"
      )
      return false
    }
    if (role == .growth || role == .inflation) && lower <= -1 && lower.isFinite {
      reader.report(
        value, "a \(role.rawValue) rate must stay above -1, but this \(kind) distribution reaches \(lower)")
      return false
    }
    if role == .interventionSpillover && (lower < 0 || upper > 1) {
      reader.report(
        value,
        "an intervention spillover is a share in [0, 1], but this \(kind) distribution reaches \(lower < 0 ? lower : upper); use beta, uniform, triangular or pert within [0, 1]"
      )
      return false
    }
    if role == .interventionEffect && upper > 1 && upper.isFinite {
      reader.report(
        value,
        "an intervention effect must not exceed 1 (a reduction of more than 100 %), but this \(kind) distribution reaches \(upper)"
      )
      return false
    }
    return true
  }

  /// `correlation: {factors, matrix, repair}` → a rank correlation over *all* factors, with
  /// the identity where the file does not mention a factor.
  private func parseCorrelation(_ value: YAMLValue, factorCount: Int) -> RankCorrelation? {
    guard let m = reader.mapping(value, keys: ["factors", "matrix", "repair"]) else { return nil }
    let order = m.required("factors").flatMap { factorNames.resolveList($0, reader: reader) }
    let repair = m.bool("repair", default: false)
    guard let matrixValue = m.required("matrix"), let (given, cells) = readSquareMatrix(matrixValue) else {
      return nil
    }
    let n = cells.count
    if let order, order.count != n {
      reader.report(
        path: matrixValue.path, line: m.keyLine("matrix"),
        "expected a \(order.count)×\(order.count) matrix (one row and column per name in correlation.factors), found \(n)×\(n)"
      )
      return nil
    }
    // Unit diagonal and symmetry, entry by entry.
    var failed = false
    for i in 0..<n {
      if abs(given[i * n + i] - 1) > 1e-12 {
        reader.report(cells[i][i], "expected 1 on the diagonal, found \(cells[i][i].found)")
        failed = true
      }
      for j in (i + 1)..<n where abs(given[i * n + j] - given[j * n + i]) > 1e-12 {
        reader.report(
          cells[j][i],
          "not symmetric: [\(j)][\(i)] is \(cells[j][i].found) but [\(i)][\(j)] is \(cells[i][j].found)")
        failed = true
      }
    }
    guard !failed, let order, let repair else { return nil }

    var spearman = given
    var record: CorrelationRepair?
    let smallest = CorrelationMatrix.smallestEigenvalue(given, count: n)
    if smallest < -CorrelationMatrix.psdTolerance {
      guard repair else {
        reader.report(
          path: matrixValue.path, line: m.keyLine("matrix"),
          "not positive semi-definite (smallest eigenvalue \(String(format: "%.3g", smallest))); set repair: true to use the nearest correlation matrix"
        )
        return nil
      }
      spearman = CorrelationMatrix.nearestCorrelation(given, count: n)
      let change = zip(spearman, given).map { abs($0 - $1) }.max() ?? 0
      record = CorrelationRepair(smallestEigenvalue: smallest, largestChange: change)
    }
    var full = [Double](repeating: 0, count: factorCount * factorCount)
    for i in 0..<factorCount { full[i * factorCount + i] = 1 }
    for (a, fa) in order.enumerated() {
      for (b, fb) in order.enumerated() { full[fa * factorCount + fb] = spearman[a * n + b] }
    }
    return RankCorrelation(count: factorCount, spearman: full, repair: record)
  }

  /// A list of equal-length lists of correlations in [-1, 1]: the row-major values and the
  /// cells (for messages).
  private func readSquareMatrix(_ value: YAMLValue) -> ([Double], [[YAMLValue]])? {
    guard let rows = reader.list(value, nonEmpty: true) else { return nil }
    var cells: [[YAMLValue]] = []
    var values: [Double] = []
    var failed = false
    for row in rows {
      guard let items = reader.list(row) else {
        failed = true
        continue
      }
      if items.count != rows.count {
        reader.report(
          row,
          "expected \(rows.count) entries (a square matrix with \(rows.count) rows), found \(items.count)")
        failed = true
        continue
      }
      cells.append(items)
      for item in items {
        if let x = reader.number(item, .correlation) { values.append(x) } else { failed = true }
      }
    }
    return failed ? nil : (values, cells)
  }
}
