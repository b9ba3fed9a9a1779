import Foundation
import BudgetRiskNumerics

/// A scenario's inputs in plain words, for the report's "Assumptions" section: one group
/// per part of the design, each a short paragraph and/or a table.
///
/// Written by the model, which owns the scenario, when the plan is compiled
/// (`SimulationPlan.assumptions`): the reports print these words and never read the scenario.
public struct ScenarioAssumptions: Sendable {
  public struct Group: Sendable {
    public var title: String
    public var paragraphs: [String] = []
    public var header: [String] = []
    public var rows: [[String]] = []
  }

  /// The scenario's own description (empty when it has none), shown under the report's title.
  public var description: String
  public var groups: [Group]

  package init(_ scenario: Scenario) {
    description = scenario.description
    let words = AssumptionWords(scenario: scenario)
    groups = [
      words.horizon(), words.population(), words.services(), words.utilisation(), words.uncertainty(),
      words.events(), words.budget(),
    ].filter { !$0.paragraphs.isEmpty || !$0.rows.isEmpty }
  }
}

/// Builds each group of ``ScenarioAssumptions``.
private struct AssumptionWords {
  let scenario: Scenario
  var currency: String { scenario.currency }
  var period: String { scenario.horizon.periodLength.rawValue }

  func names(_ indices: [Int], of all: [String], allWord: String) -> String {
    indices.count == all.count && all.count > 1 ? allWord : indices.map { all[$0] }.joined(separator: ", ")
  }
  var serviceNames: [String] { scenario.services.map(\.name) }
  var segmentNames: [String] { scenario.segments.map(\.name) }

  func money(_ x: Double) -> String { "\(currency) \(ReportFormat.plain(x, significant: 6))" }
  func rate(_ x: Double) -> String { ReportFormat.percent(x, digits: nil) }

  func horizon() -> AssumptionGroup {
    let h = scenario.horizon
    let start = MonthNames.monthName(h.startMonth)
    var g = AssumptionGroup(title: "Horizon")
    g.paragraphs.append(
      "\(h.periods) \(period)s (\(h.budgetYears) budget year\(h.budgetYears == 1 ? "" : "s") of \(h.periodsPerYear) \(period)s), starting in \(start). Money is in \(currency).")
    if !scenario.description.isEmpty { g.paragraphs.insert(scenario.description, at: 0) }
    return g
  }

  func population() -> AssumptionGroup {
    var g = AssumptionGroup(title: "Population")
    g.header = ["segment", "people at the start", "annual growth"]
    let grown = Set(scenario.factors.flatMap { f -> [Int] in if case .growth(let s) = f.role { s } else { [] } })
    g.rows = scenario.segments.enumerated().map { s, segment in
      [segment.name, ReportFormat.grouped(segment.population),
       grown.contains(s) ? "uncertain (see below)" : rate(segment.growth)]
    }
    return g
  }

  func services() -> AssumptionGroup {
    var g = AssumptionGroup(title: "Services")
    g.header = ["service", "category", "funding stream", "pool", "cost", "activity noise", "annual inflation", "seasonality"]
    let inflated = Set(scenario.factors.flatMap { f -> [Int] in if case .inflation(let v) = f.role { v } else { [] } })
    g.rows = scenario.services.enumerated().map { v, service in
      let pool = scenario.budget.pools.first { $0.services.contains(v) }?.name ?? "–"
      let cost: String, noise: String
      switch service.cost {
      case .events(let unitCost, let severity, let countNoise):
        cost = "\(money(unitCost)) per event; \(severityWords(severity))"
        switch countNoise {
        case .poisson: noise = "Poisson"
        case .negativeBinomial(let k): noise = "negative binomial, dispersion \(ReportFormat.plain(k))"
        case .yearlyNegativeBinomial(let k): noise = "negative binomial, dispersion \(ReportFormat.plain(k)), rate variation held for the year"
        }
      case .perPerson(let segments, let annual, let severity):
        cost = "\(money(annual)) per person a year (\(names(segments, of: segmentNames, allWord: "everyone"))); \(severityWords(severity))"
        noise = "per person"
      }
      return [
        service.name, service.category.rawValue, service.stream, pool, cost, noise,
        inflated.contains(v) ? "uncertain (see below)" : rate(service.inflation),
        seasonWords(service.seasonality),
      ]
    }
    return g
  }

  func severityWords(_ s: Severity) -> String {
    switch s {
    case .fixed: return "every event costs the same"
    case .gamma(let cv): return "gamma spread, CV \(ReportFormat.plain(cv))"
    case .lognormal(let cv): return "lognormal spread, CV \(ReportFormat.plain(cv))"
    case .normal(let cv): return "normal spread, CV \(ReportFormat.plain(cv))"
    }
  }

  func seasonWords(_ profile: [Double]?) -> String {
    guard let profile, let high = profile.indices.max(by: { profile[$0] < profile[$1] }),
      let low = profile.indices.min(by: { profile[$0] < profile[$1] }), profile[high] != profile[low]
    else { return "flat" }
    let name = { (i: Int) in profile.count == 12 ? MonthNames.monthName(i + 1) : "Q\(i + 1)" }
    return "peak \(name(high)) ×\(ReportFormat.plain(profile[high], significant: 3)), low \(name(low)) ×\(ReportFormat.plain(profile[low], significant: 3))"
  }

  func utilisation() -> AssumptionGroup {
    var g = AssumptionGroup(title: "Utilisation (events per person per year)")
    let used = scenario.services.indices.filter { v in scenario.utilisation.contains { $0[v] > 0 } }
    guard !used.isEmpty else { return g }
    g.header = ["segment"] + used.map { serviceNames[$0] }
    g.rows = scenario.segments.enumerated().map { s, segment in
      [segment.name] + used.map { v in scenario.utilisation[s][v] > 0 ? ReportFormat.plain(scenario.utilisation[s][v]) : "–" }
    }
    return g
  }

  func uncertainty() -> AssumptionGroup {
    var g = AssumptionGroup(title: "Uncertain parameters (drawn once per simulated pilot)")
    guard !scenario.factors.isEmpty else {
      g.paragraphs.append("None: every parameter is fixed; only period-to-period noise varies.")
      return g
    }
    g.header = ["parameter", "distribution", "what it does"]
    g.rows = scenario.factors.map { f in
      let isRate: Bool
      switch f.role {
      case .inflation, .growth, .interventionEffect: isRate = true
      default: isRate = false
      }
      return [f.name, distributionWords(f.distribution, asRate: isRate), roleWords(f.role) + processWords(f.process)]
    }
    if let c = scenario.correlation {
      var pairs = [String]()
      for i in 0..<c.count {
        for j in (i + 1)..<c.count where c.spearman[i * c.count + j] != 0 {
          pairs.append("\(scenario.factors[i].name) and \(scenario.factors[j].name): \(ReportFormat.plain(c.spearman[i * c.count + j], significant: 3))")
        }
      }
      if !pairs.isEmpty {
        g.paragraphs.append("Rank correlations (Gaussian copula): " + pairs.joined(separator: "; ") + ". Other parameters are independent.")
      }
      if let r = c.repair {
        g.paragraphs.append(
          "The correlation matrix as given was not positive semi-definite (smallest eigenvalue \(ReportFormat.plain(r.smallestEigenvalue, significant: 3))); the nearest correlation matrix was used (largest change to an entry \(ReportFormat.plain(r.largestChange, significant: 3))).")
      }
    } else {
      g.paragraphs.append("The parameters are independent of one another.")
    }
    return g
  }

  func distributionWords(_ d: Distribution, asRate: Bool) -> String {
    let v = { (x: Double) in asRate ? ReportFormat.percent(x, digits: nil) : ReportFormat.plain(x) }
    // The moments are the distribution's own (`Distribution+Moments.swift`), not re-derived here.
    let cv = ReportFormat.plain(d.variance.squareRoot() / d.mean, significant: 3)
    switch d {
    case .fixed(let x): return "fixed at \(v(x))"
    case .uniform(let a, let b): return "uniform between \(v(a)) and \(v(b))"
    case .normal(let m, let s): return "normal, mean \(v(m)), standard deviation \(v(s))"
    case .lognormal:
      return "lognormal, mean \(v(d.mean)), CV \(cv)"
    case .gamma:
      return "gamma, mean \(v(d.mean)), CV \(cv)"
    case .beta(let a, let b, let lo, let hi):
      return "beta(\(ReportFormat.plain(a)), \(ReportFormat.plain(b))) between \(v(lo)) and \(v(hi)), mean \(v(d.mean))"
    case .triangular(let a, let c, let b): return "triangular: lowest \(v(a)), most likely \(v(c)), highest \(v(b))"
    case .pert(let a, let c, let b): return "PERT: lowest \(v(a)), most likely \(v(c)), highest \(v(b))"
    case .discrete(let values, let weights):
      let total = weights.reduce(0, +)
      return "one of " + zip(values, weights).map { "\(v($0)) (\(ReportFormat.percent($1 / total)))" }.joined(separator: ", ")
    }
  }

  /// How a factor wanders over the horizon (empty for a level drawn once).
  func processWords(_ process: FactorProcess?) -> String {
    guard let p = process else { return "" }
    let step = p.step == .period ? period : "budget year"
    let sigma = ReportFormat.plain(p.sigma)
    switch p.kind {
    case .randomWalk: return "; wanders as a random walk in log space (σ \(sigma) per \(step))"
    case .ar1: return "; wanders as a mean-reverting AR(1) in log space (σ \(sigma), φ \(ReportFormat.plain(p.phi)) per \(step))"
    }
  }

  func roleWords(_ role: FactorRole) -> String {
    let interventions = scenario.interventions.map(\.name)
    switch role {
    case .serviceRateMultiplier(let v): return "multiplies the event rate of \(names(v, of: serviceNames, allWord: "every service"))"
    case .segmentRateMultiplier(let s): return "multiplies every event rate of \(names(s, of: segmentNames, allWord: "every segment"))"
    case .unitCostMultiplier(let v): return "multiplies the unit cost of \(names(v, of: serviceNames, allWord: "every service"))"
    case .inflation(let v): return "annual cost inflation of \(names(v, of: serviceNames, allWord: "every service"))"
    case .growth(let s): return "annual population growth of \(names(s, of: segmentNames, allWord: "every segment"))"
    case .populationMultiplier(let s): return "multiplies the starting population of \(names(s, of: segmentNames, allWord: "every segment"))"
    case .interventionEffect(let k): return "the effect of \(names(k, of: interventions, allWord: "every intervention"))"
    case .interventionSpillover(let k): return "the spillover of \(names(k, of: interventions, allWord: "every intervention")) to its segments' other people"
    }
  }

  func events() -> AssumptionGroup {
    var g = AssumptionGroup(title: "Shocks and interventions")
    for shock in scenario.shocks {
      g.paragraphs.append(
        "Shock \(shock.name): a \(ReportFormat.percent(shock.probability)) chance of starting in any \(period); it lasts \(shock.duration) \(period)\(shock.duration == 1 ? "" : "s") and multiplies the rates of \(names(shock.services, of: serviceNames, allWord: "every service")) by \(ReportFormat.plain(shock.multiplier)).")
    }
    let uncertainEffect = Set(scenario.factors.flatMap { f -> [Int] in if case .interventionEffect(let k) = f.role { k } else { [] } })
    for (k, i) in scenario.interventions.enumerated() {
      let effect = uncertainEffect.contains(k) ? "an uncertain share (see above)" : ReportFormat.percent(i.effect)
      g.paragraphs.append(
        "Intervention \(i.name): delivering \(names(i.proactive, of: serviceNames, allWord: "the proactive services")) reduces the rates of \(names(i.targets, of: serviceNames, allWord: "the reactive services")) by \(effect) at full effect, \(i.lag) \(period)\(i.lag == 1 ? "" : "s") after delivery, reaching full effect over \(i.rampPeriods) \(period)\(i.rampPeriods == 1 ? "" : "s") from \(period) \(i.start + 1). The effect follows the activity actually delivered: rationing it raises later demand.")
      if let r = i.recipients { g.paragraphs[g.paragraphs.count - 1] += " " + recipientWords(r, intervention: i) }
    }
    return g
  }

  /// Who an intervention with recipients reaches and what it costs (see `Recipients`).
  func recipientWords(_ r: Recipients, intervention i: Intervention) -> String {
    let who: String
    switch r.size {
    case .share(let x): who = "\(ReportFormat.percent(x)) of \(names(r.segments, of: segmentNames, allWord: "every segment"))"
    case .cohort(let n, let growth, let attrition):
      var change: [String] = []
      if growth != 0 { change.append("growing \(ReportFormat.percent(growth)) a year") }
      if attrition != 0 { change.append("losing \(ReportFormat.percent(attrition)) a year") }
      who = "a cohort of \(ReportFormat.plain(n)) people in \(names(r.segments, of: segmentNames, allWord: "every segment"))"
        + (change.isEmpty ? "" : " (\(change.joined(separator: ", ")))")
    }
    var text = "Its recipients are \(who): the effect is per recipient and reduces their demand only"
    let uncertainSpillover = scenario.factors.contains {
      if case .interventionSpillover(let k) = $0.role { return k.contains { scenario.interventions[$0] == i } }
      return false
    }
    text += uncertainSpillover
      ? ", and an uncertain share of it (see above) reaches the segments' other people."
      : r.spillover > 0 ? ", and \(ReportFormat.percent(r.spillover)) of it reaches the segments' other people." : "."
    if let cv = r.riskCV {
      text += " They are the segments' highest-risk people (individual use varies with a coefficient of variation of \(ReportFormat.plain(cv))), so they carry more than their share of the demand."
    }
    if let h = r.saturation { text += " Returns diminish as coverage rises (saturation \(ReportFormat.plain(h)))." }
    if r.costPerRecipient > 0 || r.fixedCost > 0 {
      text += " The programme costs \(money(r.costPerRecipient)) a recipient a year"
        + (r.fixedCost > 0 ? " plus \(money(r.fixedCost)) a year" : "") + ", charged to \(serviceNames[i.proactive[0]])."
    }
    if let end = r.end {
      text += " Delivery ends after \(period) \(end + 1)"
        + (r.decayHalfLife.map { "; the effect then halves every \(ReportFormat.plain($0)) \(period)s." } ?? "; the effect stops \(i.lag) \(period)\(i.lag == 1 ? "" : "s") later.")
    }
    return text
  }

  func budget() -> AssumptionGroup {
    let b = scenario.budget
    var g = AssumptionGroup(title: "Budget")
    let pools = b.pools.map(\.name)
    switch b.base {
    case .expected:
      g.paragraphs.append("Base budget: the model's own expected cost of need, computed analytically per pool and \(period).")
    case .fixed(let amounts):
      g.paragraphs.append(
        "Base budget: fixed amounts per budget year — " + zip(pools, amounts).map { "\($0): \($1.map { money($0) }.joined(separator: ", "))" }.joined(separator: "; ") + ".")
    case .capitation(let rates, let segments):
      g.paragraphs.append(
        "Base budget: capitation — " + zip(pools, rates).map { "\($0) \(money($1))" }.joined(separator: ", ")
          + " per person a year, times the realised population of \(names(segments, of: segmentNames, allWord: "every segment")).")
    }
    let margins = b.proposals.compactMap { p -> Double? in if case .margin(let m) = p { m } else { nil } }
    if !margins.isEmpty {
      g.paragraphs.append("Proposed budgets: the base plus a contingency margin of " + margins.map(ReportFormat.margin).joined(separator: ", ") + ".")
    }
    for p in b.proposals {
      switch p {
      case .amounts(let name, let annual):
        g.paragraphs.append(
          "Proposed budget \(name): " + zip(pools, annual).map { pool, years in
            Set(years).count == 1
              ? "\(pool) \(money(years[0])) a year"
              : "\(pool) \(years.map { money($0) }.joined(separator: ", ")) in budget years 1 to \(years.count)"
          }.joined(separator: "; ") + ".")
      case .yearlyMargins(let name, let margins):
        g.paragraphs.append(
          "Proposed budget \(name): the base plus a margin of " + margins.map(ReportFormat.margin).joined(separator: ", ")
            + " in budget years 1 to \(margins.count).")
      case .margin: break
      }
    }
    g.paragraphs.append(
      "Pools: " + b.pools.map { "\($0.name) (\($0.services.map { serviceNames[$0] }.joined(separator: ", ")))" }.joined(separator: "; ") + ".")
    let responses = b.responses.map { r in
      r == .absorb ? "absorbs overspend (keeps meeting need)" : "rations care (\(orderWords(b.rationingOrder)))"
    }
    for (p, rule) in b.poolRules.sorted(by: { $0.key < $1.key }) where p < b.pools.count {
      var words = [String]()
      if let r = rule.response {
        words.append(r == .absorb ? "always absorbs overspend, whatever response is evaluated" : "always rations care, whatever response is evaluated")
      }
      if let share = rule.reserveShare { words.append("holds a reserve of \(ReportFormat.percent(share)) of a year's base budget") }
      if let order = rule.rationingOrder { words.append("rations \(orderWords(order))") }
      if let target = rule.serviceGapTarget {
        words.append("must keep P(service gap) at most \(ReportFormat.percent(target)) at the recommended margin")
      }
      if !words.isEmpty { g.paragraphs.append("Pool \(b.pools[p].name) has its own rules: it " + words.joined(separator: "; it ") + ".") }
    }
    g.paragraphs.append(
      "When spending reaches the budget plus its reserve (\(ReportFormat.percent(b.reserveShare)) of a year's base budget per pool), the provider "
        + responses.joined(separator: "; or, evaluated separately, ") + ".")
    g.paragraphs.append(
      "A service gap is more than \(ReportFormat.percent(b.serviceGapThreshold)) of need unmet over the horizon. The funder reviews spend every \(b.reviewEvery) \(period)\(b.reviewEvery == 1 ? "" : "s") against a tolerance of ±\(ReportFormat.percent(b.driftTolerance)).")
    g.paragraphs.append(contentsOf: arrangementWords(b))
    var target = "The recommended margin is the smallest listed margin with \(b.overspendRule.probabilityName) ≤ \(ReportFormat.percent(b.overspendTarget))"
    if b.overspendRule != .horizon { target += " (overspend_rule: \(b.overspendRule.rawValue))" }
    if let beta = b.serviceGapTarget { target += " and P(service gap) ≤ \(ReportFormat.percent(beta))" }
    for (c, category) in ServiceCategory.allCases.enumerated() {
      if let t = b.categoryGapTargets[c] { target += " and P(\(category.rawValue) service gap) ≤ \(ReportFormat.percent(t))" }
    }
    g.paragraphs.append(target + ".")
    return g
  }

  /// The funding arrangements in plain words, one paragraph each; none when all are off.
  func arrangementWords(_ b: BudgetSpec) -> [String] {
    var out = [String]()
    if case .aligned(let limit) = b.arrangement {
      out.append("The pools are aligned: a pool may cover overspend from other pools' underspend, up to \(ReportFormat.percent(limit)) of its own budget a year.")
    }
    if let r = b.riskShare {
      func bands(_ list: [RiskShare.Band]) -> String {
        var lower = 0.0
        return list.map { band in
          defer { lower = band.upTo ?? lower }
          let share = ReportFormat.percent(band.provider)
          guard let upTo = band.upTo else { return lower == 0 ? "\(share) of all" : "\(share) beyond \(ReportFormat.percent(lower))" }
          return lower == 0 ? "\(share) of the first \(ReportFormat.percent(upTo))"
            : "\(share) of \(ReportFormat.percent(lower))–\(ReportFormat.percent(upTo))"
        }.joined(separator: ", ")
      }
      var text = "Risk share at each year end, per pool: the provider bears \(bands(r.overspend)) of an overspend"
      text += r.underspend == r.overspend ? " (and keeps the same shares of an underspend)" : " and keeps \(bands(r.underspend)) of an underspend"
      if let cap = r.providerLossCap { text += "; its loss is capped at \(ReportFormat.percent(cap)) of the year's budget" }
      if let cap = r.providerGainCap { text += "; its gain at \(ReportFormat.percent(cap))" }
      out.append(text + ". The funder takes the rest.")
    }
    if let f = b.rebaseFraction {
      out.append("Past the tolerance at a review the funder rebases the rest of the year by \(ReportFormat.percent(f)) of the gap" + (b.rebaseUnderspend ? " (after an underspend too)." : " (overspend only)."))
    }
    if b.carryForward { out.append("A year's underspend is carried forward into the next year's budget.") }
    return out
  }

  func orderWords(_ order: RationingOrder) -> String {
    switch order {
    case .proactiveFirst: return "proactive services cut first"
    case .proRata: return "every service cut by the same share"
    case .reactiveProtected: return "only proactive services cut; reactive need always met"
    }
  }
}

private typealias AssumptionGroup = ScenarioAssumptions.Group

private enum MonthNames {
  static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
  static func monthName(_ month: Int) -> String { months[(month - 1 + 120) % 12] }
}
