import Foundation

extension NumberRule {
  static let persistence = NumberRule(expectation: "a finite number in (-1, 1)") { $0.isFinite && abs($0) < 1 }
}

/// `process:` under a factor — how it wanders over the horizon (``FactorProcess``).
extension ScenarioParser {
  static let processKeys = ["kind", "step", "sigma", "phi"]

  /// `{kind: random_walk | ar1, step: period | year, sigma, phi (ar1 only)}`.
  ///
  /// Rate and unit-cost multipliers, inflation and growth may wander; a unit cost and an
  /// inflation rate are set per budget year (prices change at year ends), so theirs step by
  /// year. A starting population is refused (a population that wanders is a growth rate that
  /// wanders: put the process on growth), and so is an intervention's effect or spillover
  /// (an effect that drifts on its own, apart from the delivery it follows, has no evidence
  /// behind it and would only widen the fan by assumption).
  func parseProcess(_ value: YAMLValue, role: FactorRoleName) -> FactorProcess? {
    guard let m = reader.mapping(value, keys: Self.processKeys) else { return nil }
    let kind = m.required("kind").flatMap { reader.choice($0, as: FactorProcess.Kind.self) }
    let step = m.required("step").flatMap { reader.choice($0, as: FactorProcess.Step.self) }
    let sigma = m.number("sigma", .nonNegative)
    var failed = false
    switch role {
    case .rateMultiplier, .growth: break
    case .unitCostMultiplier, .inflation:
      if step == .period {
        reader.report(
          path: m.path + ".step", line: m.keyLine("step"),
          "a \(role.rawValue) factor changes at budget year ends: expected step: year, found period")
        failed = true
      }
    case .populationMultiplier:
      reader.report(
        value,
        "a population_multiplier factor cannot have a process; a population that wanders is a growth rate that wanders: put the process on a growth factor")
      failed = true
    case .interventionEffect, .interventionSpillover:
      reader.report(
        value,
        "a \(role.rawValue) factor cannot have a process; expected one on a rate_multiplier, unit_cost_multiplier, inflation or growth factor")
      failed = true
    }
    var phi = 1.0
    if kind == .ar1 {
      if let x = m.number("phi", .persistence) { phi = x } else { failed = true }
    } else if kind == .randomWalk, m.has("phi") {
      reader.report(
        path: m.path + ".phi", line: m.keyLine("phi"),
        "phi applies only to kind: ar1 (a random walk has no mean reversion)")
      failed = true
    }
    guard !failed, let kind, let step, let sigma else { return nil }
    return FactorProcess(kind: kind, step: step, sigma: sigma, phi: phi)
  }

  /// Processes step together only at the same step: two processes with different steps
  /// whose factors are correlated are refused (an innovation per period has no partner in
  /// a yearly one).
  func checkProcessSteps(_ factors: [Factor], _ correlation: RankCorrelation, at value: YAMLValue) -> Bool {
    let n = correlation.count
    guard n == factors.count else { return true }
    for i in 0..<n {
      guard let a = factors[i].process else { continue }
      for j in (i + 1)..<n {
        guard let b = factors[j].process, a.step != b.step, correlation.spearman[i * n + j] != 0 else { continue }
        reader.report(
          value,
          "factors '\(factors[i].name)' (process step: \(a.step.rawValue)) and '\(factors[j].name)' (process step: \(b.step.rawValue)) are correlated, but their innovations come at different steps; give both the same step, or correlation 0")
        return false
      }
    }
    return true
  }
}
