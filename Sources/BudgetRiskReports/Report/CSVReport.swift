import Foundation
import BudgetRiskStudies

/// The `--csv DIR` output: tidy tables, one row per figure, numbers unformatted.
///
/// - `figures.csv`: proposal, margin, response, scope, figure, level, estimate, lower, upper,
///   standard_error, unit, currency, resolution — one row per figure (and quantile level);
///   `resolution` is a quantile's or tail mean's summary error bound (empty elsewhere).
///   `overspend_var`/`overspend_tvar` are of the overspend amount; `cost_quantile`,
///   `cost_var`, `cost_tvar` (and `cost_year_N_…`) of the cost of need itself.
/// - `drift_path.csv`: cumulative drift quantiles per period (the fan chart).
/// - `services.csv`: service-gap figures per service.
/// - `recommendations.csv`: the recommended margin per response and scope.
/// - `cost_exceedance.csv`: the exceedance curve of the cost of need per response and scope.
/// - `activity.csv`: expected events per service (`kind` service) and per scope × category
///   (`kind` scope), per budget year (`year` empty for the horizon), with standard error and
///   95 % interval; per-person services have no events and no rows.
public enum CSVReport {
  public static func files(for figures: RunFigures) -> [(name: String, data: Data)] {
    var rows = [["proposal", "margin", "response", "scope", "figure", "level", "estimate", "lower", "upper", "standard_error", "unit", "currency", "resolution"]]
    var path = [["proposal", "margin", "response", "scope", "period", "level", "drift"]]
    var services = [["proposal", "margin", "response", "service", "pool", "figure", "estimate", "lower", "upper", "standard_error"]]
    let currency = figures.currency
    for b in figures.budgets {
      let margin = b.margin.map(number) ?? ""
      for s in b.scopes {
        let key = [b.proposal, margin, b.response, s.scope]
        func p(_ name: String, _ x: Probability, level: String = "") {
          rows.append(key + [name, level, number(x.estimate), number(x.lower), number(x.upper), "", "probability", "", ""])
        }
        func e(_ name: String, _ x: Estimate, unit: String, level: String = "") {
          rows.append(key + [name, level, number(x.mean), "", "", number(x.standardError), unit, unit == "money" ? currency : "", ""])
        }
        func q(_ name: String, _ x: QuantileFigure, unit: String) {
          rows.append(key + [name, number(x.level), number(x.value), number(x.lower), number(x.upper), "", unit, unit == "money" ? currency : "", number(x.resolution)])
        }
        e("budget", s.budget, unit: "money")
        e("cost_of_need", s.costOfNeed, unit: "money")
        p("overspend_probability", s.overspendProbability)
        for (y, x) in s.overspendProbabilityByYear.enumerated() { p("overspend_probability_year", x, level: "\(y + 1)") }
        e("drift_mean", s.drift, unit: "fraction")
        for x in s.driftQuantiles { q("drift_quantile", x, unit: "fraction") }
        e("expected_overspend", s.expectedOverspend, unit: "money")
        for x in s.valueAtRisk { q("overspend_var", x, unit: "money") }
        func tvar(_ name: String, _ x: LevelValue) {
          rows.append(key + [name, number(x.level), number(x.value), "", "", "", "money", currency, x.resolution.map(number) ?? ""])
        }
        for x in s.tailValueAtRisk { tvar("overspend_tvar", x) }
        func cost(_ prefix: String, _ d: CostDistribution) {
          e("\(prefix)_mean", d.mean, unit: "money")
          rows.append(key + ["\(prefix)_sd", "", number(d.standardDeviation), "", "", "", "money", currency, ""])
          for x in d.quantiles { q("\(prefix)_quantile", x, unit: "money") }
          for x in d.valueAtRisk { q("\(prefix)_var", x, unit: "money") }
          for x in d.tailValueAtRisk { tvar("\(prefix)_tvar", x) }
        }
        cost("cost", s.costDistribution)
        for (y, d) in s.costDistributionByYear.enumerated() { cost("cost_year_\(y + 1)", d) }
        p("service_gap_probability", s.serviceGap.probability)
        e("unmet_share", s.serviceGap.expectedUnmetShare, unit: "fraction")
        for c in s.serviceGap.byCategory {
          p("service_gap_probability_\(c.category)", c.probability)
          e("unmet_share_\(c.category)", c.expectedUnmetShare, unit: "fraction")
        }
        p("any_year_overspend_probability", s.anyYearOverspends)
        for x in s.overspendYears { p("overspend_years_at_least_probability", x.probability, level: "\(x.years)") }
        for x in s.years {
          e("budget_year", x.budget, unit: "money", level: "\(x.year)")
          e("expected_overspend_year", x.expectedOverspend, unit: "money", level: "\(x.year)")
          for v in x.valueAtRisk { q("overspend_year_\(x.year)_var", v, unit: "money") }
          for v in x.tailValueAtRisk { tvar("overspend_year_\(x.year)_tvar", v) }
          p("service_gap_probability_year", x.serviceGap, level: "\(x.year)")
          e("unmet_share_year", x.expectedUnmetShare, unit: "fraction", level: "\(x.year)")
          p("rationing_probability_year", x.rationing, level: "\(x.year)")
          p("rationing_before_last_quarter_probability_year", x.rationingBeforeLastQuarter, level: "\(x.year)")
          for r in x.rationingStart { p("rationing_start_probability", r.probability, level: "\(r.period + 1)") }
        }
        p("tolerance_breached_probability", s.instability.toleranceBreached)
        p("overspend_beyond_tolerance_probability", s.instability.overspendBeyondTolerance)
        p("underspend_beyond_tolerance_probability", s.instability.underspendBeyondTolerance)
        e("reviews_out_of_tolerance", s.instability.reviewsOutOfTolerance, unit: "count")
        // The first breach's distribution: level is the review's last period, 1-based.
        for x in s.instability.firstBreach {
          p("first_breach_probability", x.any, level: "\(x.period + 1)")
          p("first_overspend_breach_probability", x.overspend, level: "\(x.period + 1)")
          p("first_underspend_breach_probability", x.underspend, level: "\(x.period + 1)")
        }
        p("reserve_exhausted_probability", s.instability.reserveExhausted)
        if let r = s.riskShare {
          e("year_end_variance", r.yearEndVariance, unit: "money")
          e("provider_result", r.providerResult, unit: "money")
          e("funder_result", r.funderResult, unit: "money")
          for x in r.providerLossProbabilities { p("provider_loss_probability", x.probability, level: number(x.threshold)) }
          for x in r.providerLossValueAtRisk { q("provider_loss_var", x, unit: "money") }
          for x in r.providerLossTailValueAtRisk { tvar("provider_loss_tvar", x) }
          for x in r.funderExtraValueAtRisk { q("funder_extra_var", x, unit: "money") }
          for x in r.funderExtraTailValueAtRisk { tvar("funder_extra_tvar", x) }
        }
        if let r = s.rebasing {
          p("rebasing_probability", r.probability)
          e("rebasings", r.expectedCount, unit: "count")
          if let size = r.meanSize { e("rebasing_size", size, unit: "money") }
          e("rebased_total", r.expectedTotal, unit: "money")
        }
        for period in s.driftPath {
          for x in period.quantiles { path.append(key + ["\(period.period + 1)", number(x.level), number(x.value)]) }
        }
      }
      for v in b.services {
        let key = [b.proposal, margin, b.response, v.service, v.pool]
        services.append(key + ["service_gap_probability", number(v.probability.estimate), number(v.probability.lower), number(v.probability.upper), ""])
        services.append(key + ["unmet_share", number(v.expectedUnmetShare.mean), "", "", number(v.expectedUnmetShare.standardError)])
      }
    }
    var recommendations = [["response", "scope", "overspend_target", "service_gap_target", "margin", "annual_contingency", "overspend_probability", "lower", "upper", "currency", "overspend_rule", "rule_probability", "rule_lower", "rule_upper", "worst_year"]]
    for r in figures.recommendations {
      recommendations.append([
        r.response, r.scope, number(r.overspendTarget), r.serviceGapTarget.map(number) ?? "",
        r.margin.map(number) ?? "", r.annualContingency.map(number) ?? "",
        r.overspendProbability.map { number($0.estimate) } ?? "",
        r.overspendProbability.map { number($0.lower) } ?? "",
        r.overspendProbability.map { number($0.upper) } ?? "", currency,
        r.overspendRule, r.ruleProbability.map { number($0.estimate) } ?? "",
        r.ruleProbability.map { number($0.lower) } ?? "", r.ruleProbability.map { number($0.upper) } ?? "",
        r.worstYear.map { "\($0)" } ?? "",
      ])
    }
    var exceedance = [["response", "scope", "proposal", "cost", "probability", "currency"]]
    for curve in figures.costExceedance {
      for point in curve.points {
        exceedance.append([curve.response, curve.scope, curve.proposal, number(point.cost), number(point.probability), currency])
      }
    }
    return [
      ("figures.csv", table(rows)), ("drift_path.csv", table(path)),
      ("services.csv", table(services)), ("recommendations.csv", table(recommendations)),
      ("cost_exceedance.csv", table(exceedance)), ("activity.csv", activityTable(figures.activity)),
    ]
  }

  static func activityTable(_ a: ActivityFigures) -> Data {
    var rows = [["kind", "name", "pool", "category", "year", "expected_events", "standard_error", "lower", "upper"]]
    func add(_ key: [String], _ events: [ExpectedEvents]) {
      for e in events {
        rows.append(key + [e.year.map { "\($0)" } ?? "", number(e.expected.mean), number(e.expected.standardError), number(e.lower), number(e.upper)])
      }
    }
    for s in a.services { add(["service", s.service, s.pool, s.category], s.events) }
    for s in a.scopes { add(["scope", s.scope, "", s.category], s.events) }
    return table(rows)
  }

  static func number(_ x: Double) -> String {
    x.isFinite ? "\(x)" : ""  // undefined figures are empty cells (docs/output-format.md)
  }

  /// RFC 4180: fields with commas, quotes or line breaks are quoted, quotes doubled.
  static func table(_ rows: [[String]]) -> Data {
    let text = rows.map { row in
      row.map { field in
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
          ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
      }.joined(separator: ",")
    }.joined(separator: "\r\n") + "\r\n"
    return Data(text.utf8)
  }
}
