import BudgetRiskModel
import BudgetRiskStudies

extension HTMLReport {
  static func decision(_ f: RunFigures) -> String {
    let s = f.headlineScope
    guard let chart = DecisionChart.make(f, scope: s, id: "decision-chart") else {
      return paragraph("The scenario lists no contingency margins, so there is no margin to choose; see the tables for its explicit budgets.", class: "note")
    }
    let gapTarget = f.recommendations.contains { $0.serviceGapTarget != nil }
    return figure(
      chart,
      caption: "Each line shows, for one provider response, the probability of each outcome at each listed margin; "
        + "the vertical bars are 95 % intervals. Solid lines: overspend (the cost of need exceeds the budget over the horizon). "
        + "Dashed lines: service gap (more than the threshold share of need unmet). The recommended margin, ringed, is the "
        + "smallest listed margin whose overspend probability is at or below the overspend target"
        + (gapTarget ? " and whose service-gap probability is at or below the service-gap target." : "."))
  }

  static func costOfNeed(_ f: RunFigures) -> String {
    let s = f.headlineScope, scope = f.scopeNames[s]
    guard let chart = ExceedanceChart.make(f, scope: s, id: "exceedance-chart"), let curve = f.exceedance(scope: scope) else {
      return paragraph(
        "No exceedance curve: under a capitation base the budget follows the realised population, so the cost of need cannot be read off one budget's drift. The drift and overspend figures still apply.",
        class: "note")
    }
    var caption = "For each amount on the horizontal axis, the share of simulated pilots whose cost of need over the horizon is higher. "
      + "Each dashed line is a proposed budget, labelled by its margin; where it meets the curve is its overspend probability. "
      + "Read across at the target line to find the budget that meets the target."
    if curve.response == "ration" {
      caption += " The provider rations here, so the cost of need depends on the budget; the curve is for \(curve.proposal)."
    }
    return figure(chart, caption: caption)
  }

  static func drift(_ f: RunFigures) -> String {
    let s = f.headlineScope, scope = f.scopeNames[s]
    guard let b = f.headlineBudget(response: f.needResponse, scope: scope),
      let chart = DriftFanChart.make(f, budget: b, scope: s, id: "drift-fan-chart")
    else { return "" }
    return paragraph("How the position develops within the pilot, at \(b.proposal) (\(RunFigures.responseWords(b.response))).")
      + figure(
        chart,
        caption: "Cumulative drift is the cost of need to date over the budget to date, minus one: above zero the budget is overspent so far. "
          + "The line is the median of the simulated pilots; the shaded bands hold the middle 50 %, 80 % and 95 % of them. "
          + "Dashed vertical lines mark the ends of budget years. A fan that widens quickly means an unstable position.")
      + yearlyPosition(f, budget: b, scope: s)
  }

  /// The fan's budget year by year: each year's budget balances on its own.
  static func yearlyPosition(_ f: RunFigures, budget b: BudgetFigures, scope s: Int) -> String {
    let x = b.scopes[s]
    guard x.years.count > 1 else { return "" }
    let money = CellUnit.money(f.currency)
    let header = ["budget year", "budget", "P(overspend)", "expected overspend", "VaR95 of the overspend"]
    let rows: [[TableCell]] = x.years.map { y in
      [
        .text("year \(y.year)"), .mean(y.budget, money), .probability(y.overspendProbability),
        .mean(y.expectedOverspend, money),
        y.valueAtRisk.first { $0.level == 0.95 }.map { .quantile($0, money) } ?? .text("–"),
      ]
    }
    return table(
      caption: "\(b.proposal) by budget year — P(any year overspends) \(ReportFormat.percent(x.anyYearOverspends.estimate))",
      header: header, rows: rows)
  }

  /// The gap's budget year by year at the headline budget under ration: how often need goes
  /// unmet, and how often rationing starts before the year's last quarter.
  static func yearlyGap(_ f: RunFigures, response: String, scope s: Int) -> String {
    guard response == "ration", let b = f.headlineBudget(response: response, scope: f.scopeNames[s]) else { return "" }
    let x = b.scopes[s]
    guard x.years.count > 1 else { return "" }
    let header = ["budget year", "P(service gap)", "mean unmet share", "P(rationing leaves need unmet)", "P(it starts before the last quarter)"]
    let rows: [[TableCell]] = x.years.map { y in
      [
        .text("year \(y.year)"), .probability(y.serviceGap), .mean(y.expectedUnmetShare, .share),
        .probability(y.rationing), .probability(y.rationingBeforeLastQuarter),
      ]
    }
    return table(caption: "Service gap at \(b.proposal) by budget year (\(RunFigures.responseWords(response)))", header: header, rows: rows)
  }

  static func serviceGap(_ f: RunFigures) -> String {
    let s = f.headlineScope
    let response = f.gapResponse
    var html = ""
    if response != "ration" {
      html += paragraph(
        "The provider absorbs overspend in this scenario, so need is always met and the service gap is zero in every category. "
          + "Add ration to the scenario's budget.provider.response to see what a provider that lives within its budget would leave unmet.",
        class: "note")
    }
    html += figure(
      ServiceGapChart.make(f, response: response, scope: s, id: "service-gap-chart"),
      caption: "For each proposed budget, the probability that more than the threshold share of the category's need goes unmet over the horizon, "
        + "with 95 % intervals. Proactive services (prevention, early intervention) and reactive ones (crisis, emergency) are shown apart: "
        + "which is cut first depends on the rationing order.")
    html += yearlyGap(f, response: response, scope: s)
    return html
  }

  /// Per pool (and the total): the decision chart when there are several pools, and the
  /// key figures of every proposed budget.
  static func pools(_ f: RunFigures) -> String {
    var html = ""
    for (s, scope) in f.scopeNames.enumerated() {
      if f.scopeNames.count > 1 {
        html += "<h3 id=\"pool-\(HTMLText.identifier(scope))\">\(HTMLText.escape(scope == "total" ? "Total of all pools" : "Pool \(scope)"))</h3>\n"
        if s != f.headlineScope {
          html += figure(
            DecisionChart.make(f, scope: s, id: "decision-chart-\(scope)"),
            caption: "Overspend (solid) and service-gap (dashed) probability of \(scope) against the margin, with 95 % intervals.")
        } else {
          html += paragraph("The charts above are for the total.", class: "note")
        }
      }
      for r in f.responses {
        html += keyFigures(f, response: r, scope: s)
      }
    }
    return html
  }

  static func keyFigures(_ f: RunFigures, response r: String, scope s: Int) -> String {
    let money = CellUnit.money(f.currency)
    let header = ["proposed budget", "a year", "P(overspend)", "mean drift", "expected overspend", "P(service gap)", "mean unmet share", "P(overspend beyond tolerance)", "P(underspend beyond tolerance)", "P(reserve exhausted)"]
    let rows: [[TableCell]] = f.budgets(response: r).map { b in
      let x = b.scopes[s]
      return [
        .text(b.proposal), .number(money.value(x.budget.mean / Double(f.budgetYears))),
        .probability(x.overspendProbability), .mean(x.drift, .drift),
        .mean(x.expectedOverspend, money), .probability(x.serviceGap.probability),
        .mean(x.serviceGap.expectedUnmetShare, .share),
        .probability(x.instability.overspendBeyondTolerance), .probability(x.instability.underspendBeyondTolerance),
        .probability(x.instability.reserveExhausted),
      ]
    }
    return table(caption: "\(f.scopeNames[s]) — \(RunFigures.responseWords(r))", header: header, rows: rows)
  }
}
