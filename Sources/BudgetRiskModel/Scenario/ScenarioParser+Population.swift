/// Segments, services and utilisation: who is covered, what they use, what it costs.
extension ScenarioParser {
  func parseSegments(_ value: YAMLValue?) -> [Segment]? {
    readNamedList(value, keys: ["name", "population", "growth"], into: \.segmentNames, nonEmpty: true) {
      m, name in
      let population = m.number("population", .positive)
      let growth = m.number("growth", .aboveMinusOne, default: 0)
      guard let name, let population, let growth else { return nil }
      return Segment(name: name, population: population, growth: growth)
    }
  }

  static let serviceKeys = [
    "name", "category", "stream", "unit_cost", "severity", "noise", "inflation", "seasonality",
    "per_person",
  ]

  func parseServices(_ value: YAMLValue?) -> [Service]? {
    let result = readNamedList(value, keys: Self.serviceKeys, into: \.serviceNames, nonEmpty: true) {
      m, name in
      let service = parseService(m, name: name)
      // The name table has just registered this entry: pad over entries that were not mappings.
      while parsedServices.count < serviceNames.count - 1 { parsedServices.append(nil) }
      parsedServices.append(service)
      return service
    }
    // Keep positions aligned with the name table when an entry was not even a mapping.
    while parsedServices.count < serviceNames.count { parsedServices.append(nil) }
    return result
  }

  private func parseService(_ m: YAMLMapping, name: String?) -> Service? {
    let category = m.required("category").flatMap { reader.choice($0, as: ServiceCategory.self) }
    let stream = m.required("stream").flatMap { reader.string($0) }
    let inflation = m.number("inflation", .aboveMinusOne, default: 0)
    var seasonality: [Double]?? = .some(nil)
    if let v = m.optional("seasonality") { seasonality = parseSeasonality(v).map { .some($0) } }

    var cost: ServiceCost?
    switch (m.optional("unit_cost"), m.optional("per_person")) {
    case (let unitCost?, nil):
      let mean = reader.number(unitCost, .nonNegative)
      let severity = m.optional("severity").map(parseSeverity) ?? .fixed
      let noise = m.optional("noise").map(parseNoise) ?? .poisson
      if let mean, let severity, let noise {
        cost = .events(unitCost: mean, severity: severity, noise: noise)
      }
    case (nil, let perPerson?):
      for key in ["severity", "noise"] {
        if let v = m.optional(key) {
          let note =
            key == "noise"
            ? "noise applies to event counts; a per_person service has none"
            : "a per_person service takes its severity inside per_person"
          reader.report(path: v.path, line: m.keyLine(key), note)
        }
      }
      cost = parsePerPerson(perPerson)
    case (_?, let perPerson?):
      reader.report(
        path: perPerson.path, line: m.keyLine("per_person"), "give either unit_cost or per_person, not both")
    case (nil, nil):
      _ = m.required("unit_cost", " (or per_person for a payer-view service)")
    }
    guard let name, let category, let stream, let inflation, let seasonality, let cost else { return nil }
    return Service(
      name: name, category: category, stream: stream, cost: cost, inflation: inflation,
      seasonality: seasonality)
  }

  private func parsePerPerson(_ value: YAMLValue) -> ServiceCost? {
    guard let m = reader.mapping(value, keys: ["segments", "annual_cost", "severity"]) else { return nil }
    let segments =
      m.optional("segments").map { segmentNames.resolveList($0, reader: reader) } ?? segmentNames.all
    let annual = m.number("annual_cost", .nonNegative)
    let severity = m.optional("severity").map(parseSeverity) ?? .fixed
    guard let segments, let annual, let severity else { return nil }
    return .perPerson(segments: segments, annualMean: annual, severity: severity)
  }

  /// `{distribution: fixed | gamma | lognormal | normal, cv: …}`.
  func parseSeverity(_ value: YAMLValue) -> Severity? {
    guard let m = reader.mapping(value, keys: ["distribution", "cv"]) else { return nil }
    let kind = m.required("distribution").flatMap {
      reader.choice($0, among: ["fixed", "gamma", "lognormal", "normal"])
    }
    guard let kind else { return nil }
    if kind == "fixed" {
      if let cv = m.optional("cv") {
        reader.report(
          path: cv.path, line: m.keyLine("cv"), "a fixed severity takes no cv (every event costs the mean)")
        return nil
      }
      return .fixed
    }
    guard let cv = m.number("cv", .severityCV) else { return nil }
    switch kind {
    case "gamma": return .gamma(cv: cv)
    case "lognormal": return .lognormal(cv: cv)
    default: return .normal(cv: cv)
    }
  }

  /// `{distribution: poisson | negative_binomial, dispersion: …, mixing: period | year}`.
  ///
  /// `mixing` says how long the gamma rate variation behind the overdispersion lasts: drawn
  /// afresh each period (the default), or held for the budget year (``CountNoise``).
  func parseNoise(_ value: YAMLValue) -> CountNoise? {
    guard let m = reader.mapping(value, keys: ["distribution", "dispersion", "mixing"]) else { return nil }
    let kind = m.required("distribution").flatMap {
      reader.choice($0, among: ["poisson", "negative_binomial"])
    }
    guard let kind else { return nil }
    if kind == "poisson" {
      if let d = m.optional("dispersion") {
        reader.report(
          path: d.path, line: m.keyLine("dispersion"),
          "poisson noise takes no dispersion (use negative_binomial)")
        return nil
      }
      if let x = m.optional("mixing") {
        reader.report(
          path: x.path, line: m.keyLine("mixing"),
          "poisson noise has no rate variation to mix (use negative_binomial)")
        return nil
      }
      return .poisson
    }
    let k = m.number("dispersion", .dispersion)
    let mixing = m.optional("mixing").map { reader.choice($0, among: ["period", "year"]) } ?? "period"
    guard let k, let mixing else { return nil }
    return mixing == "year" ? .yearlyNegativeBinomial(dispersion: k) : .negativeBinomial(dispersion: k)
  }

  /// 12 monthly (January first) or 4 quarterly (January–March first) factors, each >= 0,
  /// converted to the horizon's period length and normalised to mean 1.
  ///
  /// A monthly profile on a quarterly horizon is averaged over each calendar quarter; a
  /// quarterly profile on a monthly horizon gives each month its quarter's factor.
  func parseSeasonality(_ value: YAMLValue) -> [Double]? {
    guard let factors = reader.numbers(value, .nonNegative) else { return nil }
    guard factors.count == 12 || factors.count == 4 else {
      reader.report(
        value, "expected 12 monthly (January to December) or 4 quarterly factors, found \(factors.count)")
      return nil
    }
    guard factors.contains(where: { $0 > 0 }) else {
      reader.report(value, "expected at least one positive factor, found all zero")
      return nil
    }
    guard let horizon else { return nil }  // its own problem is reported
    let profile: [Double]
    switch (factors.count, horizon.periodLength) {
    case (12, .quarter):
      profile = (0..<4).map { (q: Int) -> Double in factors[(3 * q)..<(3 * q + 3)].reduce(0, +) / 3 }
    case (4, .month): profile = (0..<12).map { factors[$0 / 3] }
    default: profile = factors
    }
    let mean = profile.reduce(0, +) / Double(profile.count)
    return profile.map { $0 / mean }
  }

  /// `segment: {service: rate}`; absent pairs are 0.
  func parseUtilisation(_ value: YAMLValue?) -> [[Double]]? {
    var matrix = [[Double]](
      repeating: [Double](repeating: 0, count: serviceNames.count), count: segmentNames.count)
    guard let value else { return matrix }
    guard let rows = reader.entries(value) else { return nil }
    var failed = false
    for row in rows {
      let segment = segmentNames.resolve(row.key, at: row.value, reader: reader, line: row.keyLine)
      guard let cells = reader.entries(row.value) else {
        failed = true
        continue
      }
      for cell in cells {
        let service = serviceNames.resolve(cell.key, at: cell.value, reader: reader, line: cell.keyLine)
        let rate = reader.number(cell.value, .nonNegative)
        if let service, service < parsedServices.count, case .perPerson? = parsedServices[service]?.cost {
          reader.report(
            path: cell.value.path, line: cell.keyLine,
            "'\(cell.key)' is a per_person service; its spend comes from per_person, not utilisation")
          failed = true
        }
        guard let segment, let service, let rate else {
          failed = true
          continue
        }
        matrix[segment][service] = rate
      }
      if segment == nil { failed = true }
    }
    return failed ? nil : matrix
  }
}


extension NumberRule {
  /// A cost's spread per event: at most a cv of 100 (a gamma of shape 1e-4 per event).
  static let severityCV = NumberRule(expectation: "a coefficient of variation > 0 and at most 100") {
    $0.isFinite && $0 > 0 && $0 <= 100
  }
  /// Negative-binomial dispersion k: at least 0.01 (the rate's cv 1/√k at most 10, as for a
  /// factor); below that the gamma rate's scale mean/k overflows.
  package static let dispersion = NumberRule(expectation: "a dispersion of at least 0.01") { $0.isFinite && $0 >= 0.01 }
}
