import BudgetRiskNumerics

/// Distributions written `{NAME: {PARAMETERS}}` (or a bare number for a constant), with the
/// parameter checks of `docs/scenario-format.md`. The checks are made here, on the file's
/// values, so that every message names the parameter's key path.
extension ScenarioParser {
  static let distributionNames = [
    "fixed", "uniform", "normal", "lognormal", "gamma", "beta", "triangular", "pert", "discrete",
  ]

  func parseDistribution(_ value: YAMLValue) -> Distribution? {
    if case .scalar(let s) = value.node, !value.isNull {
      guard let x = Double.construct(from: s) else {
        reader.report(
          value,
          "expected a number or a distribution such as {lognormal: {mean: 1.0, cv: 0.1}}, found \(value.found)"
        )
        return nil
      }
      guard x.isFinite else {
        reader.report(value, "expected a finite number, found \(value.found)")
        return nil
      }
      return .fixed(x)
    }
    guard let entries = reader.entries(value) else { return nil }
    guard entries.count == 1, let entry = entries.first else {
      let found =
        entries.isEmpty
        ? "an empty mapping" : "\(entries.count) keys (\(entries.map(\.key).joined(separator: ", ")))"
      reader.report(
        value, "expected exactly one distribution, such as {lognormal: {mean: 1.0, cv: 0.1}}, found \(found)")
      return nil
    }
    guard Self.distributionNames.contains(entry.key) else {
      let hint =
        DidYouMean.suggestion(for: entry.key, among: Self.distributionNames).map {
          " (did you mean '\($0)'?)"
        }
        ?? " (expected one of: \(Self.distributionNames.joined(separator: ", ")))"
      reader.report(path: entry.value.path, line: entry.keyLine, "unknown distribution '\(entry.key)'\(hint)")
      return nil
    }
    return parseParameters(of: entry.key, entry.value)
  }

  private func parseParameters(of name: String, _ p: YAMLValue) -> Distribution? {
    switch name {
    case "fixed":
      if case .scalar = p.node { return reader.number(p, .finite).map { .fixed($0) } }
      guard let m = reader.mapping(p, keys: ["value"]) else { return nil }
      return m.number("value", .finite).map { .fixed($0) }

    case "uniform":
      guard let m = reader.mapping(p, keys: ["min", "max"]) else { return nil }
      guard let (lo, hi) = bounds(m) else { return nil }
      return .uniform(min: lo, max: hi)

    case "normal":
      guard let m = reader.mapping(p, keys: ["mean", "sd"]) else { return nil }
      let mean = m.number("mean", .finite)
      let sd = m.number("sd", .positive)
      guard let mean, let sd else { return nil }
      return .normal(mean: mean, sd: sd)

    case "lognormal":
      guard let m = reader.mapping(p, keys: ["mean", "cv", "mu", "sigma"]) else { return nil }
      guard let byMoments = parametrisation(m, ("mean", "cv"), or: ("mu", "sigma")) else { return nil }
      if byMoments {
        let mean = m.number("mean", .positive)
        let cv = m.number("cv", .factorCV)
        guard let mean, let cv else { return nil }
        return Distribution.lognormal(mean: mean, cv: cv)
      }
      let mu = m.number("mu", .finite)
      let sigma = m.number("sigma", .factorSigma)
      guard let mu, let sigma else { return nil }
      return .lognormal(mu: mu, sigma: sigma)

    case "gamma":
      guard let m = reader.mapping(p, keys: ["mean", "cv", "shape", "scale"]) else { return nil }
      guard let byMoments = parametrisation(m, ("mean", "cv"), or: ("shape", "scale")) else { return nil }
      if byMoments {
        let mean = m.number("mean", .positive)
        let cv = m.number("cv", .factorCV)
        guard let mean, let cv else { return nil }
        return .gamma(shape: 1 / (cv * cv), scale: mean * cv * cv)
      }
      let shape = m.number("shape", .factorShape)
      let scale = m.number("scale", .positive)
      guard let shape, let scale else { return nil }
      return .gamma(shape: shape, scale: scale)

    case "beta":
      guard let m = reader.mapping(p, keys: ["alpha", "beta", "min", "max"]) else { return nil }
      let alpha = m.number("alpha", .positive)
      let beta = m.number("beta", .positive)
      let lo = m.number("min", .finite, default: 0)
      let hi = m.number("max", .finite, default: 1)
      guard let alpha, let beta, let lo, let hi else { return nil }
      guard lo < hi else {
        reader.report(
          m.optional("max") ?? m.optional("min") ?? p, "max (\(hi)) must be greater than min (\(lo))")
        return nil
      }
      return .beta(alpha: alpha, beta: beta, min: lo, max: hi)

    case "triangular", "pert":
      guard let m = reader.mapping(p, keys: ["min", "mode", "max"]) else { return nil }
      let mode = m.number("mode", .finite)
      guard let (lo, hi) = bounds(m), let mode else { return nil }
      guard lo <= mode, mode <= hi else {
        reader.report(
          m.optional("mode") ?? p, "expected a mode between min (\(lo)) and max (\(hi)), found \(mode)")
        return nil
      }
      return name == "pert" ? .pert(min: lo, mode: mode, max: hi) : .triangular(min: lo, mode: mode, max: hi)

    default:  // discrete
      guard let m = reader.mapping(p, keys: ["values", "weights"]) else { return nil }
      let values = m.required("values").flatMap { reader.numbers($0, .finite) }
      let weights = m.required("weights").flatMap { reader.numbers($0, .nonNegative) }
      guard let values, let weights else { return nil }
      guard values.count == weights.count else {
        reader.report(
          m.optional("weights") ?? p,
          "expected \(values.count) weights (one per value), found \(weights.count)")
        return nil
      }
      guard weights.reduce(0, +) > 0 else {
        reader.report(m.optional("weights") ?? p, "expected weights with a positive sum, found all zero")
        return nil
      }
      return .discrete(values: values, weights: weights)
    }
  }

  /// `min` and `max`, both required and finite, with `min < max`.
  private func bounds(_ m: YAMLMapping) -> (Double, Double)? {
    let lo = m.number("min", .finite)
    let hi = m.number("max", .finite)
    guard let lo, let hi else { return nil }
    guard lo < hi else {
      reader.report(m.optional("max") ?? m.value, "max (\(hi)) must be greater than min (\(lo))")
      return nil
    }
    return (lo, hi)
  }

  /// True for the first pair of parameters, false for the second; nil (reported) when both
  /// pairs are mixed.
  private func parametrisation(
    _ m: YAMLMapping, _ first: (String, String), or second: (String, String)
  ) -> Bool? {
    let usesFirst = m.has(first.0) || m.has(first.1)
    let usesSecond = m.has(second.0) || m.has(second.1)
    if usesFirst && usesSecond {
      reader.report(m.value, "give \(first.0) and \(first.1), or \(second.0) and \(second.1), not both")
      return nil
    }
    return !usesSecond
  }

  /// Smallest and largest values a distribution can take (infinite where unbounded).
  static func support(of d: Distribution) -> (lower: Double, upper: Double) {
    switch d {
    case .fixed(let v): return (v, v)
    case .uniform(let lo, let hi), .beta(_, _, let lo, let hi), .triangular(let lo, _, let hi),
      .pert(let lo, _, let hi):
      return (lo, hi)
    case .normal: return (-.infinity, .infinity)
    case .lognormal, .gamma: return (0, .infinity)
    case .discrete(let values, let weights):
      let used = zip(values, weights).filter { $0.1 > 0 }.map(\.0)
      return (used.min() ?? 0, used.max() ?? 0)
    }
  }

  /// `a normal distribution`, `this uniform distribution`, … for messages.
  static func kindName(of d: Distribution) -> String {
    switch d {
    case .fixed: return "fixed"
    case .uniform: return "uniform"
    case .normal: return "normal"
    case .lognormal: return "lognormal"
    case .gamma: return "gamma"
    case .beta: return "beta"
    case .triangular: return "triangular"
    case .pert: return "pert"
    case .discrete: return "discrete"
    }
  }
}


extension NumberRule {
  /// An uncertain factor's spread is at most a coefficient of variation of 10: wider, a
  /// lognormal's 1e-9 tail is past 1e9 times its mean, beyond what a budget can be set
  /// against (and a cv of 1e200 has no finite sigma²).
  static let factorCV = NumberRule(expectation: "a coefficient of variation > 0 and at most 10") {
    $0.isFinite && $0 > 0 && $0 <= 10
  }
  /// A lognormal's sigma, the same bound as ``factorCV`` (sigma = √ln(1 + cv²) ≤ 2.15).
  static let factorSigma = NumberRule(expectation: "a sigma > 0 and at most 2.15 (a cv of 10)") {
    $0.isFinite && $0 > 0 && $0 <= 2.15
  }
  /// A gamma's shape, the same bound as ``factorCV`` (cv = 1/√shape ≤ 10).
  static let factorShape = NumberRule(expectation: "a shape of at least 0.01 (a cv of at most 10)") {
    $0.isFinite && $0 >= 0.01
  }
}
