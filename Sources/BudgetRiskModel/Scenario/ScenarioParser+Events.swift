/// `shocks:` and `interventions:` — what changes rates during the horizon.
extension ScenarioParser {
  func parseShocks(_ value: YAMLValue?) -> [Shock]? {
    var names = NameTable(kind: "shock")
    let keys = ["name", "probability", "duration", "multiplier", "services"]
    guard let value else { return [] }
    guard let items = reader.list(value) else { return nil }
    var shocks: [Shock] = []
    var failed = false
    for item in items {
      guard let m = reader.mapping(item, keys: keys) else {
        failed = true
        continue
      }
      let nameValue = m.required("name")
      let name = nameValue.flatMap { reader.identifier($0) }
      names.add(name, at: nameValue, reader: reader)
      let probability = m.number("probability", .probability)
      let duration = m.required("duration").flatMap { reader.integer($0, minimum: 1) }
      let multiplier = m.number("multiplier", .nonNegative)
      let services =
        m.optional("services").map { serviceNames.resolveList($0, reader: reader) } ?? serviceNames.all
      guard let name, let probability, let duration, let multiplier, let services else {
        failed = true
        continue
      }
      shocks.append(
        Shock(
          name: name, probability: probability, duration: duration, multiplier: multiplier, services: services
        ))
    }
    return failed ? nil : shocks
  }

  static let interventionKeys =
    ["name", "proactive", "targets", "effect", "lag", "ramp", "start", "recipients"] + doseKeys

  func parseInterventions(_ value: YAMLValue?) -> [Intervention]? {
    readNamedList(value, keys: Self.interventionKeys, into: \.interventionNames, nonEmpty: false) { m, name in
      let index = interventionNames.count - 1
      let proactive = m.required("proactive").flatMap { services($0, category: .proactive) }
      let targets = m.required("targets").flatMap { services($0, category: .reactive) }
      var effect: Double? = 0
      if let v = m.optional("effect") {
        effect = reader.number(v, .atMostOne)
      } else {
        interventionsWithoutEffect.append((index, m.value))
      }
      // The effect follows the activity *delivered*, which rationing decides after the period's
      // demand is known; a same-period effect would be circular, so the lag is at least one period.
      var lag: Int? = 1
      if let v = m.optional("lag") {
        lag = reader.integer(v, minimum: .min)
        if let n = lag, n < 1 {
          reader.report(
            v, "expected a whole number >= 1 (activity delivered in a period changes demand from a later period), found \(v.found)")
          lag = nil
        }
      }
      let ramp = m.integer("ramp", minimum: 1, default: 1)
      var start = m.integer("start", minimum: 0, default: 0)
      if let s = start, let horizon, s >= horizon.periods, let v = m.optional("start") {
        reader.report(v, "expected a period within the horizon (0 to \(horizon.periods - 1)), found \(s)")
        start = nil
      }
      let recipients = parseRecipients(m, proactive: proactive)
      guard let name, let proactive, let targets, let effect, let lag, let ramp, let start, let recipients else {
        return nil
      }
      return Intervention(
        name: name, proactive: proactive, targets: targets, effect: effect, lag: lag,
        rampPeriods: ramp, start: start, recipients: recipients)
    }
  }

  /// A list of service names that must all be of `category`.
  private func services(_ value: YAMLValue, category: ServiceCategory) -> [Int]? {
    guard let indices = serviceNames.resolveList(value, reader: reader), let items = reader.list(value) else {
      return nil
    }
    var failed = false
    for (i, item) in zip(indices, items) {
      guard i < parsedServices.count, let actual = parsedServices[i]?.category, actual != category else {
        continue
      }
      let role =
        category == .proactive
        ? "an intervention's proactive list takes proactive services"
        : "an intervention's targets must be reactive services"
      reader.report(item, "service '\(serviceNames.name(at: i))' is \(actual.rawValue); \(role)")
      failed = true
    }
    return failed ? nil : indices
  }

  /// An intervention without `effect` needs an `intervention_effect` factor to set it; an
  /// `intervention_spillover` factor targets exactly one intervention, which has recipients,
  /// and is uncorrelated with every other factor: its value then enters each targeted cell's
  /// rate linearly and independently, so the analytic expected cost takes its mean exactly.
  func checkInterventionEffects(factors: [Factor]?, interventions: [Intervention]?, correlation: RankCorrelation?) {
    guard let factors else { return }  // the factors' own problems are reported
    for (f, factor) in factors.enumerated() {
      guard case .interventionSpillover(let targets) = factor.role else { continue }
      let at = "uncertainty.factors[\(f)]"
      if targets.count != 1 {
        reader.report(
          path: at + ".interventions", line: nil,
          "an intervention_spillover factor targets exactly one intervention (found \(targets.count)); give one factor per intervention")
      } else if let interventions, interventions.indices.contains(targets[0]), interventions[targets[0]].recipients == nil {
        reader.report(
          path: at + ".interventions", line: nil,
          "intervention '\(interventions[targets[0]].name)' has no recipients: a spillover reaches the rest of its recipient segments")
      }
      if let c = correlation, (0..<c.count).contains(where: { $0 != f && c.spearman[f * c.count + $0] != 0 }) {
        reader.report(
          path: "uncertainty.correlation", line: nil,
          "factor '\(factor.name)' (intervention_spillover) must be uncorrelated with the other factors")
      }
    }
    for (index, value) in interventionsWithoutEffect {
      let covered = factors.contains {
        if case .interventionEffect(let targets) = $0.role { return targets.contains(index) }
        return false
      }
      if !covered {
        reader.report(
          path: value.path(key: "effect"), line: value.line,
          "missing required key 'effect' (or an intervention_effect factor that targets this intervention)")
      }
    }
  }
}
