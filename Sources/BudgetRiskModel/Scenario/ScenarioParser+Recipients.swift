/// An intervention's `recipients:` and its dose keys (`spillover`, `saturation`,
/// `cost_per_recipient`, `fixed_cost`); see ``Recipients``.
extension ScenarioParser {
  static let recipientKeys = ["segments", "share", "number", "growth", "attrition", "risk_cv"]
  static let doseKeys = ["spillover", "saturation", "cost_per_recipient", "fixed_cost", "end", "decay_half_life"]

  private static let share = NumberRule(expectation: "a share in (0, 1]") { $0 > 0 && $0 <= 1 }
  private static let rate = NumberRule(expectation: "a finite number in [0, 1)") { $0.isFinite && $0 >= 0 && $0 < 1 }

  /// The intervention's recipients, `.some(nil)` when it has none (the dose keys are then
  /// errors), or nil after reporting a problem.
  func parseRecipients(_ m: YAMLMapping, proactive: [Int]?) -> Recipients?? {
    guard let value = m.optional("recipients") else {
      var failed = false
      for key in Self.doseKeys where m.has(key) {
        reader.report(
          path: m.value.path(key: key), line: m.keyLine(key),
          "'\(key)' needs 'recipients' (the segments and the share or number of people who receive the programme)")
        failed = true
      }
      return failed ? nil : .some(nil)
    }
    guard let r = reader.mapping(value, keys: Self.recipientKeys) else { return nil }
    let segments = r.required("segments").flatMap { segmentNames.resolveList($0, reader: reader) }
    var size: Recipients.Size?
    switch (r.optional("share"), r.optional("number")) {
    case (let share?, nil):
      for key in ["growth", "attrition"] where r.has(key) {
        reader.report(
          path: value.path(key: key), line: r.keyLine(key),
          "'\(key)' applies to a cohort ('number'), not to a 'share' of the segments")
      }
      if !r.has("growth") && !r.has("attrition") { size = reader.number(share, Self.share).map { .share($0) } }
    case (nil, let number?):
      let people = reader.number(number, .positive)
      let growth = r.number("growth", .aboveMinusOne, default: 0)
      let attrition = r.number("attrition", Self.rate, default: 0)
      if let people, let growth, let attrition { size = .cohort(people: people, growth: growth, attrition: attrition) }
    case (_?, let number?):
      reader.report(path: number.path, line: r.keyLine("number"), "give either share or number, not both")
    case (nil, nil):
      _ = r.required("share", " (or number: a cohort of people)")
    }
    // The recipients chosen as the highest-risk people: individual relative use lognormal
    // with this coefficient of variation (a cv of 0 is choosing without regard to risk).
    var riskCV: Double?? = .some(nil)
    if let v = r.optional("risk_cv") { riskCV = reader.number(v, .nonNegative).map { .some($0) } }
    let spillover = m.number("spillover", .probability, default: 0)
    var saturation: Double?? = .some(nil)
    if let v = m.optional("saturation") { saturation = reader.number(v, .positive).map { .some($0) } }
    let perRecipient = m.number("cost_per_recipient", .nonNegative, default: 0)
    let fixed = m.number("fixed_cost", .nonNegative, default: 0)
    var end: Int?? = .some(nil)
    if let v = m.optional("end") {
      end = reader.integer(v, minimum: 0).map { .some($0) }
      let start = m.optional("start").flatMap { reader.integer($0, minimum: 0) } ?? 0
      if let e = end ?? nil, e < start {
        reader.report(v, "expected a period at or after start (\(start)), found \(e)")
        end = nil
      }
    }
    var halfLife: Double?? = .some(nil)
    if let v = m.optional("decay_half_life") {
      halfLife = reader.number(v, .positive).map { .some($0) }
      if !m.has("end") {
        reader.report(v, "'decay_half_life' needs 'end' (the last period of delivery, after which the effect decays)")
        halfLife = nil
      }
    }
    // The programme's cost is charged to one service, whose pool pays for it and whose
    // rationing cuts the recipients served.
    if let proactive, proactive.count != 1, (m.has("cost_per_recipient") || m.has("fixed_cost")),
      let list = m.optional("proactive")
    {
      reader.report(
        list, "an intervention with a programme cost (cost_per_recipient, fixed_cost) names exactly one proactive service, which carries that cost; found \(proactive.count)")
      return nil
    }
    guard let segments, let size, let spillover, let saturation, let perRecipient, let fixed, let end, let halfLife, let riskCV
    else {
      return nil
    }
    return .some(
      Recipients(
        segments: segments, size: size, spillover: spillover, saturation: saturation,
        costPerRecipient: perRecipient, fixedCost: fixed, end: end, decayHalfLife: halfLife, riskCV: riskCV))
  }
}
