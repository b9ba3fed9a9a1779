/// `budget:` — base budget, proposals, pools, provider response and the targets.
extension ScenarioParser {
  static let budgetKeys = [
    "base", "fixed", "capitation", "margins", "proposals", "pools", "provider",
    "service_gap_threshold", "drift_tolerance", "review_every", "overspend_target",
    "service_gap_target", "overspend_rule", "service_gap_targets", "pool_rules",
  ] + arrangementKeys

  func parseBudget(_ value: YAMLValue) -> BudgetSpec? {
    guard let m = reader.mapping(value, keys: Self.budgetKeys) else { return nil }
    var poolNames = NameTable(kind: "pool")
    let pools = parsePools(m.optional("pools"), names: &poolNames)

    let baseName =
      m.optional("base").map { reader.choice($0, among: ["expected", "fixed", "capitation"]) } ?? "expected"
    for key in ["fixed", "capitation"] where m.has(key) && baseName != nil && baseName != key {
      reader.report(
        path: m.path + ".\(key)", line: m.keyLine(key),
        "only used with base: \(key) (base is \(baseName ?? ""))")
    }
    var base: BaseBudget?
    switch baseName {
    case "fixed":
      let amounts = m.required("fixed", " (base: fixed needs one amount per budget year for every pool)")
        .flatMap { perPool($0, names: poolNames, what: "amounts") { self.fixedAmounts($0) } }
      base = amounts.map { .fixed(amounts: $0) }
    case "capitation":
      base = m.required("capitation", " (base: capitation needs a rate per person per year for every pool)")
        .flatMap { parseCapitation($0, pools: poolNames) }
    case "expected": base = .expected
    default: base = nil
    }

    let margins = m.optional("margins").map { parseMargins($0) } ?? []
    let proposals = m.optional("proposals").map { parseProposals($0, pools: poolNames) } ?? []
    if let margins, let proposals, margins.isEmpty, proposals.isEmpty {
      reader.report(
        path: m.path + ".margins", line: value.line,
        "no proposed budget: give at least one margin (e.g. margins: [0, 0.05, 0.1]) or one entry in proposals"
      )
    }

    var responses: [ProviderResponse]? = [.absorb]
    var reserve: Double? = 0
    var order: RationingOrder? = .proactiveFirst
    if let v = m.optional("provider"),
      let p = reader.mapping(v, keys: ["response", "reserve", "rationing_order"])
    {
      responses = p.optional("response").map(parseResponses) ?? [.absorb]
      reserve = p.number("reserve", .nonNegative, default: 0)
      order = p.choice("rationing_order", as: RationingOrder.self, default: .proactiveFirst)
    } else if m.has("provider") {
      responses = nil
    }
    let gapThreshold = m.number("service_gap_threshold", .probability, default: 0.01)
    let driftTolerance = m.number("drift_tolerance", .positive, default: 0.05)
    let reviewEvery = m.integer("review_every", minimum: 1, default: 3)
    let overspendTarget = m.number("overspend_target", .probability, default: 0.1)
    let overspendRule = m.choice("overspend_rule", as: OverspendRule.self, default: .horizon)
    let poolRules = m.optional("pool_rules").map { parsePoolRules($0, names: poolNames) } ?? [:]
    var categoryGapTargets: [Double?]? = [nil, nil]
    if let v = m.optional("service_gap_targets") {
      let names = ServiceCategory.allCases.map(\.rawValue)
      if let c = reader.mapping(v, keys: names) {
        let targets = names.map { name in c.optional(name).map { reader.number($0, .probability) } }
        // A target given but unreadable (reported) is nil inside a .some: refuse the spec.
        categoryGapTargets = targets.contains { $0 != nil && $0! == nil } ? nil : targets.map { $0 ?? nil }
      } else {
        categoryGapTargets = nil
      }
    }
    var gapTarget: Double?? = .some(nil)  // nil: reported; .some(nil): not given
    if let v = m.optional("service_gap_target") {
      gapTarget = reader.number(v, .probability).map { .some($0) }
    }

    let arrangement = parseArrangement(m, pools: pools)
    var riskShare: RiskShare?? = .some(nil)
    if let v = m.optional("risk_share") { riskShare = parseRiskShare(v).map { .some($0) } }
    let rebasing = parseRebasing(m)
    let carryForward = m.bool("carry_forward", default: false)

    guard let pools, let base, let margins, let proposals, let responses, let reserve, let order,
      let gapThreshold, let driftTolerance, let reviewEvery, let overspendTarget, let gapTarget,
      let arrangement, let riskShare, let rebasing, let carryForward, let overspendRule, let categoryGapTargets, let poolRules
    else { return nil }
    var spec = BudgetSpec(
      base: base, proposals: margins.map { .margin($0) } + proposals, pools: pools,
      responses: responses, reserveShare: reserve, rationingOrder: order,
      serviceGapThreshold: gapThreshold, driftTolerance: driftTolerance, reviewEvery: reviewEvery,
      overspendTarget: overspendTarget, serviceGapTarget: gapTarget,
      arrangement: arrangement, riskShare: riskShare, rebaseFraction: rebasing.fraction,
      rebaseUnderspend: rebasing.underspend,
      carryForward: carryForward)
    spec.overspendRule = overspendRule
    spec.categoryGapTargets = categoryGapTargets
    spec.poolRules = poolRules
    return spec
  }

  // MARK: Pools

  /// `separate` (default): one pool per funding stream, in order of first appearance, named
  /// after the stream; `pooled`: one pool named `pooled`; a mapping: pool name → services.
  /// Every service must be in exactly one pool.
  private func parsePools(_ value: YAMLValue?, names: inout NameTable) -> [Pool]? {
    let complete = !parsedServices.contains { $0 == nil } && serviceNames.isComplete
    if let value, case .scalar = value.node {
      if value.text == "aligned" {
        reader.report(
          value,
          "expected separate or pooled, found 'aligned' (for aligned pools keep pools separate or a mapping and add arrangement: aligned)")
        names.markIncomplete()
        return nil
      }
      guard let arrangement = reader.choice(value, among: ["separate", "pooled"]) else {
        names.markIncomplete()
        return nil
      }
      if arrangement == "pooled" {
        names.add("pooled", at: value, reader: reader)
        return [Pool(name: "pooled", services: serviceNames.all)]
      }
    }
    if let value, value.node.scalar == nil, value.node.mapping == nil {
      reader.report(
        value,
        "expected separate, pooled or a mapping of pool names to lists of services, found \(value.found)")
      names.markIncomplete()
      return nil
    }
    guard let value, value.node.mapping != nil else {  // separate
      var pools: [Pool] = []
      for (i, service) in parsedServices.enumerated() {
        guard let stream = service?.stream else { continue }
        if let k = pools.firstIndex(where: { $0.name == stream }) {
          pools[k].services.append(i)
        } else {
          pools.append(Pool(name: stream, services: [i]))
          names.add(stream, at: nil, reader: reader)
        }
      }
      if !complete { names.markIncomplete() }
      return complete ? pools : nil
    }
    guard let entries = reader.entries(value) else {
      names.markIncomplete()
      return nil
    }
    var pools: [Pool] = []
    var owner: [Int: String] = [:]
    var failed = false
    // A pool over segments (`{segments: […], services: […]}`): the cells it holds are checked
    // once the demand is known (``Scenario/splittingPoolsBySegments()``), not service by service.
    let overSegments = entries.contains { $0.value.node.mapping != nil }
    if overSegments { poolsValue = value }
    for entry in entries {
      names.add(entry.key, at: entry.value, reader: reader)
      if overSegments {
        guard let pool = parseSegmentPool(entry.key, entry.value) else {
          failed = true
          continue
        }
        pools.append(pool)
        continue
      }
      guard let services = serviceNames.resolveList(entry.value, reader: reader) else {
        failed = true
        continue
      }
      for (s, item) in zip(services, reader.list(entry.value) ?? []) {
        if let other = owner[s] {
          reader.report(
            item,
            "service '\(serviceNames.name(at: s))' is in pools '\(other)' and '\(entry.key)'; a service belongs to one pool"
          )
          failed = true
        } else {
          owner[s] = entry.key
        }
      }
      pools.append(Pool(name: entry.key, services: services))
    }
    if !failed && complete && !overSegments {
      let missing = serviceNames.all.filter { owner[$0] == nil }.map { "'\(serviceNames.name(at: $0))'" }
      if !missing.isEmpty {
        reader.report(
          value,
          "service\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", ")) \(missing.count > 1 ? "are" : "is") in no pool; every service belongs to one pool"
        )
        failed = true
      }
    }
    return failed || !complete ? nil : pools
  }

  /// One entry of a pools mapping in which some pool is defined over segments: a list of
  /// services (those services for every segment) or `{segments, services}` (the listed
  /// services, by default all, for the listed segments, by default all).
  private func parseSegmentPool(_ name: String, _ value: YAMLValue) -> Pool? {
    if value.node.mapping == nil {
      guard value.node.sequence != nil else {
        reader.report(value, "expected a list of services or a mapping with segments and services, found \(value.found)")
        return nil
      }
      return serviceNames.resolveList(value, reader: reader).map { Pool(name: name, services: $0) }
    }
    guard let m = reader.mapping(value, keys: ["segments", "services"]) else { return nil }
    let segmentsValue = m.optional("segments"), servicesValue = m.optional("services")
    if segmentsValue == nil && servicesValue == nil {
      reader.report(value, "expected segments (a list of segments) and/or services (a list of services) for pool '\(name)', found neither")
      return nil
    }
    let segments = segmentsValue.map { segmentNames.resolveList($0, reader: reader) }
    let services = servicesValue.map { serviceNames.resolveList($0, reader: reader) }
    if case .some(nil) = segments { return nil }
    if case .some(nil) = services { return nil }
    return Pool(name: name, services: (services ?? nil) ?? serviceNames.all, segments: segments ?? nil)
  }

  /// A mapping pool name → value with exactly one entry per pool, in pool order.
  /// `pool_rules: {pool: {response, reserve, rationing_order, service_gap_target}}`: some
  /// pools' own rules.
  private func parsePoolRules(_ value: YAMLValue, names: NameTable) -> [Int: PoolRule]? {
    guard let entries = reader.entries(value) else { return nil }
    var rules = [Int: PoolRule]()
    var failed = false
    for entry in entries {
      let pool = names.resolve(entry.key, at: entry.value, reader: reader, line: entry.keyLine)
      guard let r = reader.mapping(entry.value, keys: ["response", "reserve", "rationing_order", "service_gap_target"]) else {
        failed = true
        continue
      }
      let response = r.optional("response").map { reader.choice($0, as: ProviderResponse.self) }
      let reserve = r.optional("reserve").map { reader.number($0, .nonNegative) }
      let order = r.optional("rationing_order").map { reader.choice($0, as: RationingOrder.self) }
      // A key given but unreadable (reported) is nil inside a .some.
      let gapTarget = r.optional("service_gap_target").map { reader.number($0, .probability) }
      if response.map({ $0 == nil }) == true || reserve.map({ $0 == nil }) == true || order.map({ $0 == nil }) == true
        || gapTarget.map({ $0 == nil }) == true
      {
        failed = true
      }
      guard let pool else {
        failed = true
        continue
      }
      rules[pool] = PoolRule(
        response: response ?? nil, reserveShare: reserve ?? nil, rationingOrder: order ?? nil,
        serviceGapTarget: gapTarget ?? nil)
    }
    return failed ? nil : rules
  }

  private func perPool<T>(
    _ value: YAMLValue, names: NameTable, what: String, _ read: (YAMLValue) -> T?
  ) -> [T]? {
    guard let entries = reader.entries(value) else { return nil }
    var byPool = [T?](repeating: nil, count: names.count)
    var failed = false
    for entry in entries {
      let pool = names.resolve(entry.key, at: entry.value, reader: reader, line: entry.keyLine)
      let parsed = read(entry.value)
      guard let pool, let parsed else {
        failed = true
        continue
      }
      byPool[pool] = parsed
    }
    if names.isComplete {
      for pool in names.names where !entries.contains(where: { $0.key == pool }) {
        reader.report(path: value.path(key: pool), line: value.line, "missing \(what) for pool '\(pool)'")
        failed = true
      }
    } else {
      failed = true
    }
    return failed ? nil : byPool.compactMap { $0 }
  }

  private func fixedAmounts(_ value: YAMLValue) -> [Double]? {
    guard let amounts = reader.numbers(value, .budgetAmount) else { return nil }
    if let years = horizon?.budgetYears, amounts.count != years {
      reader.report(
        value,
        "expected \(years) amount\(years == 1 ? "" : "s") (one per budget year), found \(amounts.count)")
      return nil
    }
    return horizon == nil ? nil : amounts
  }

  private func parseCapitation(_ value: YAMLValue, pools: NameTable) -> BaseBudget? {
    guard let m = reader.mapping(value, keys: ["rates", "segments"]) else { return nil }
    let rates = m.required("rates").flatMap {
      perPool($0, names: pools, what: "a capitation rate") { self.reader.number($0, .budgetAmount) }
    }
    let segments =
      m.optional("segments").map { segmentNames.resolveList($0, reader: reader) } ?? segmentNames.all
    guard let rates, let segments else { return nil }
    return .capitation(rates: rates, segments: segments)
  }

  // MARK: Proposals and provider

  private func parseMargins(_ value: YAMLValue) -> [Double]? {
    guard let margins = reader.numbers(value, .margin, nonEmpty: false) else { return nil }
    var seen: Set<Double> = []
    var failed = false
    for (i, m) in margins.enumerated() where !seen.insert(m).inserted {
      reader.report(
        YAMLValue(node: value.node.sequence?[i] ?? value.node, path: value.path(index: i)),
        "margin \(m) is listed twice")
      failed = true
    }
    return failed ? nil : margins
  }

  /// `proposals: [{name, annual}]` or `[{name, margin}]`: stated amounts per pool (one a year,
  /// or a list with one per budget year), or a margin per budget year over the base budget.
  private func parseProposals(_ value: YAMLValue, pools: NameTable) -> [Proposal]? {
    guard let items = reader.list(value) else { return nil }
    var names = NameTable(kind: "proposal")
    var proposals: [Proposal] = []
    var failed = false
    for item in items {
      guard let m = reader.mapping(item, keys: ["name", "annual", "margin"]) else {
        failed = true
        continue
      }
      let nameValue = m.required("name")
      let name = nameValue.flatMap { reader.string($0) }
      names.add(name, at: nameValue, reader: reader)
      if m.has("annual") && m.has("margin") {
        reader.report(
          path: m.path + ".margin", line: m.keyLine("margin"),
          "expected either annual (amounts per pool) or margin (one per budget year), found both")
        failed = true
        continue
      }
      if let v = m.optional("margin") {
        guard let name, let margins = yearlyMargins(v) else {
          failed = true
          continue
        }
        proposals.append(.yearlyMargins(name: name, margins: margins))
        continue
      }
      let annual = m.required("annual", " (or margin: one margin per budget year)").flatMap {
        perPool($0, names: pools, what: "an annual amount") { self.yearlyAmounts($0) }
      }
      guard let name, let annual else {
        failed = true
        continue
      }
      proposals.append(.amounts(name: name, annual: annual))
    }
    return failed ? nil : proposals
  }

  /// One pool's stated amounts: a number (the same every budget year) or a list with one per
  /// budget year, each > 0.
  private func yearlyAmounts(_ value: YAMLValue) -> [Double]? {
    if case .sequence = value.node { return fixedAmounts(value) }
    guard case .scalar = value.node, !value.isNull else {
      reader.report(
        value, "expected \(NumberRule.budgetAmount.expectation) or a list of one per budget year, found \(value.found)")
      return nil
    }
    guard let amount = reader.number(value, .budgetAmount), let years = horizon?.budgetYears else { return nil }
    return Array(repeating: amount, count: years)
  }

  /// A proposal's margins: a list with one margin per budget year (a single number is the same
  /// margin every year).
  private func yearlyMargins(_ value: YAMLValue) -> [Double]? {
    guard case .sequence = value.node else {
      guard let m = reader.number(value, .margin), let years = horizon?.budgetYears else { return nil }
      return Array(repeating: m, count: years)
    }
    guard let margins = reader.numbers(value, .margin) else { return nil }
    if let years = horizon?.budgetYears, margins.count != years {
      reader.report(
        value, "expected \(years) margin\(years == 1 ? "" : "s") (one per budget year), found \(margins.count)")
      return nil
    }
    return horizon == nil ? nil : margins
  }

  private func parseResponses(_ value: YAMLValue) -> [ProviderResponse]? {
    if case .sequence = value.node {
      guard let items = reader.list(value, nonEmpty: true) else { return nil }
      let responses = items.map { reader.choice($0, as: ProviderResponse.self) }
      guard responses.allSatisfy({ $0 != nil }) else { return nil }
      let list = responses.compactMap { $0 }
      guard Set(list).count == list.count else {
        reader.report(value, "each response may be listed once")
        return nil
      }
      return list
    }
    return reader.choice(value, as: ProviderResponse.self).map { [$0] }
  }
}

extension NumberRule {
  /// A margin: at most 100 (+10,000 %), so that a budget and its overspend stay within the
  /// range the engine sums exactly (see `SimulationPlan+Limits.swift`).
  package static let margin = NumberRule(expectation: "a margin from 0 to 100 (+10,000 %)") {
    $0.isFinite && $0 >= 0 && $0 <= 100
  }
  /// A budget amount or rate: overspend is measured as a share of it, so it cannot be 0.
  static let budgetAmount = NumberRule(expectation: "a finite number > 0 (a budget of 0 leaves nothing to measure overspend against)") {
    $0.isFinite && $0 > 0
  }
}
