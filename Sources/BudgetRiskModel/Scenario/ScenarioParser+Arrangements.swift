/// `budget:` keys for the funding arrangements: aligned pools, risk share, rebasing and
/// carry-forward.
extension ScenarioParser {
  static let arrangementKeys = [
    "arrangement", "aligned_transfer_limit", "risk_share", "rebase_fraction", "rebase_underspend", "carry_forward",
  ]

  /// `arrangement: separate | aligned` with `aligned_transfer_limit` (a share of the
  /// receiving pool's proposed budget for the year, >= 0), required with and only allowed
  /// with `aligned`; `aligned` needs at least two pools.
  func parseArrangement(_ m: YAMLMapping, pools: [Pool]?) -> PoolArrangement? {
    let name = m.optional("arrangement").map { reader.choice($0, among: ["separate", "aligned"]) } ?? "separate"
    guard let name else { return nil }
    if name == "separate" {
      if m.has("aligned_transfer_limit") {
        reader.report(
          path: m.path + ".aligned_transfer_limit", line: m.keyLine("aligned_transfer_limit"),
          "only used with arrangement: aligned")
        return nil
      }
      return .separate
    }
    if let pools, pools.count < 2 {
      reader.report(
        path: m.path + ".arrangement", line: m.keyLine("arrangement"),
        "arrangement: aligned needs at least two pools, found \(pools.count) (give pools: separate or a mapping of pools)")
      return nil
    }
    guard let limit = m.number("aligned_transfer_limit", .nonNegative) else { return nil }
    return .aligned(transferLimit: limit)
  }

  /// `risk_share: {overspend: BANDS, underspend: BANDS?, provider_loss_cap?, provider_gain_cap?, loss_thresholds?}`.
  func parseRiskShare(_ value: YAMLValue) -> RiskShare? {
    guard let m = reader.mapping(
      value, keys: ["overspend", "underspend", "provider_loss_cap", "provider_gain_cap", "loss_thresholds"])
    else { return nil }
    let overspend = m.required("overspend", " (the provider's shares of overspend, e.g. [{up_to: 0.02, provider: 1}, {provider: 0.5}])")
      .flatMap(parseBands)
    var underspend: [RiskShare.Band]?? = .some(nil)
    if let v = m.optional("underspend") { underspend = parseBands(v).map { .some($0) } }
    var lossCap: Double?? = .some(nil), gainCap: Double?? = .some(nil)
    if let v = m.optional("provider_loss_cap") { lossCap = reader.number(v, .nonNegative).map { .some($0) } }
    if let v = m.optional("provider_gain_cap") { gainCap = reader.number(v, .nonNegative).map { .some($0) } }
    let thresholds = m.optional("loss_thresholds").map { reader.numbers($0, .nonNegative) } ?? [0]
    guard let overspend, let underspend, let lossCap, let gainCap, let thresholds else { return nil }
    return RiskShare(
      overspend: overspend, underspend: underspend, providerLossCap: lossCap, providerGainCap: gainCap,
      lossThresholds: thresholds)
  }

  /// A list of `{up_to, provider}` bands: `up_to` > 0 and increasing on every band but the
  /// last, which has none (it runs on without limit); `provider` in [0, 1].
  private func parseBands(_ value: YAMLValue) -> [RiskShare.Band]? {
    guard let items = reader.list(value, nonEmpty: true) else { return nil }
    var bands: [RiskShare.Band] = []
    var failed = false
    var previous = 0.0
    for (i, item) in items.enumerated() {
      guard let b = reader.mapping(item, keys: ["up_to", "provider"]) else {
        failed = true
        continue
      }
      let share = b.number("provider", .probability)
      let last = i == items.count - 1
      var upTo: Double?
      if let v = b.optional("up_to") {
        upTo = reader.number(v, .positive)
        if let u = upTo, last {
          reader.report(
            v, "the last band runs on without limit: leave out up_to (found \(u)), or add a band after it")
          failed = true
        } else if let u = upTo, u <= previous {
          reader.report(v, "expected up_to above the previous band's \(previous), found \(u)")
          failed = true
        }
        if upTo == nil { failed = true }
        previous = upTo ?? previous
      } else if !last {
        reader.report(path: item.path(key: "up_to"), line: item.line, "missing required key 'up_to' (only the last band has none)")
        failed = true
      }
      guard let share else {
        failed = true
        continue
      }
      bands.append(RiskShare.Band(upTo: last ? nil : upTo, provider: share))
    }
    return failed ? nil : bands
  }

  /// `rebase_fraction`: in (0, 1]; absent means no rebasing. `rebase_underspend` (default
  /// true) only with it.
  func parseRebasing(_ m: YAMLMapping) -> (fraction: Double?, underspend: Bool)? {
    let underspend = m.bool("rebase_underspend", default: true)
    guard let v = m.optional("rebase_fraction") else {
      if m.has("rebase_underspend") {
        reader.report(
          path: m.path + ".rebase_underspend", line: m.keyLine("rebase_underspend"),
          "only used with rebase_fraction (rebasing is off without it)")
        return nil
      }
      return underspend.map { (nil, $0) }
    }
    guard let fraction = reader.number(v, .fractionOfGap), let underspend else { return nil }
    return (fraction, underspend)
  }
}

extension NumberRule {
  static let fractionOfGap = NumberRule(expectation: "a fraction in (0, 1]") { $0 > 0 && $0 <= 1 }
}
