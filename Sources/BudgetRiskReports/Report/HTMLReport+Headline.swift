import BudgetRiskModel
import BudgetRiskStudies

extension HTMLReport {
  /// The recommended margin and what it buys, per provider response, for the headline
  /// scope (the total, or the only pool); then the recommendation for every pool.
  static func headline(_ f: RunFigures) -> String {
    let s = f.headlineScope, scope = f.scopeNames[s]
    let e = HTMLText.escape
    var html = ""
    if let expected = f.expectedCost.first(where: { $0.scope == scope }) {
      html += paragraph(
        "The analytic expected cost of need for \(scope == "total" ? "all pools together" : scope) is \(ReportFormat.money(expected.horizon, f.currency)) over the horizon "
          + "(\(expected.byYear.map { ReportFormat.money($0, f.currency) }.joined(separator: ", ")) by budget year); "
          + "the base budget is \(ReportFormat.money(expected.baseBudget, f.currency)). Contingency margins are added to the base.")
    }
    html += "<div class=\"cards\">\n"
    for r in f.responses {
      html += "<div class=\"card \(HTMLText.identifier(r))\"><h3>If the \(e(RunFigures.responseWords(r)))</h3>"
      let rec = f.recommendation(response: r, scope: scope)
      let chosen = rec?.margin.flatMap { m in f.budgets(response: r).first { $0.margin == m } }
      if let rec, let m = rec.margin, let b = chosen {
        let x = b.scopes[s]
        html += "<p class=\"big\">\(e(ReportFormat.margin(m))) margin</p>"
        // Budgets balance each year: name each year's budget, not only their average.
        let byYear = x.years.count > 1
          ? " (" + x.years.map { ReportFormat.money($0.budget.mean, f.currency) }.joined(separator: ", ") + " in budget years 1 to \(x.years.count))"
          : ""
        html += "<p>\(e(ReportFormat.money(rec.annualContingency ?? 0, f.currency))) a year of contingency; a budget of \(e(ReportFormat.money(x.budget.mean / Double(f.budgetYears), f.currency))) a year on average\(e(byYear)).</p>"
        let rule = OverspendRule(rawValue: rec.overspendRule) ?? .horizon
        if rule == .horizon {
          html += "<dl><dt>Overspend probability (horizon total)</dt><dd>\(e(ReportFormat.probability(x.overspendProbability))) — target ≤ \(e(ReportFormat.percent(rec.overspendTarget)))</dd>"
        } else {
          let judged = x.overspendProbability(by: rule)
          let which = rec.worstYear.map { " (year \($0))" } ?? ""
          html += "<dl><dt>\(e(rule.probabilityName))\(e(which))</dt><dd>\(e(ReportFormat.probability(judged))) — target ≤ \(e(ReportFormat.percent(rec.overspendTarget)))</dd>"
          html += "<dt>Overspend probability (horizon total)</dt><dd>\(e(ReportFormat.probability(x.overspendProbability)))</dd>"
        }
        if f.budgetYears > 1 && rule != .everyYear {
          html += "<dt>P(any year overspends)</dt><dd>\(e(ReportFormat.probability(x.anyYearOverspends)))</dd>"
        }
        html += "<dt>Service-gap probability</dt><dd>\(e(ReportFormat.probability(x.serviceGap.probability)))"
        if let beta = rec.serviceGapTarget { html += " — target ≤ \(e(ReportFormat.percent(beta)))" }
        html += "</dd>"
        for t in rec.categoryGapTargets {
          html += "<dt>Service-gap probability, \(e(t.category))</dt><dd>\(e(t.probability.map(ReportFormat.probability) ?? "–")) — target ≤ \(e(ReportFormat.percent(t.target)))</dd>"
        }
        html += "<dt>Expected overspend</dt><dd>\(e(ReportFormat.money(x.expectedOverspend.mean, f.currency)))</dd>"
        if let var95 = x.valueAtRisk.first(where: { $0.level == 0.95 }) {
          let worst = var95.value > 0
            ? "\(ReportFormat.money(var95.value, f.currency)) or more" : "no overspend (fewer than 1 in 20 overspend)"
          html += "<dt>Overspend in the worst 1 in 20</dt><dd>\(e(worst))</dd>"
        }
        html += "<dt>Reserve exhausted</dt><dd>\(e(ReportFormat.probability(x.instability.reserveExhausted)))</dd></dl>"
      } else {
        html += "<p class=\"big\">No listed margin</p>"
        let rule = rec.flatMap { OverspendRule(rawValue: $0.overspendRule) } ?? .horizon
        var target = "\(rule.probabilityName) ≤ \(ReportFormat.percent(rec?.overspendTarget ?? 0))"
        if let beta = rec?.serviceGapTarget { target += " and P(service gap) ≤ \(ReportFormat.percent(beta))" }
        for t in rec?.categoryGapTargets ?? [] { target += " and P(\(t.category) gap) ≤ \(ReportFormat.percent(t.target))" }
        html += "<p>meets the target \(e(target)).</p>"
        // `margin` solves under the scenario's rule and targets too.
        if let rec {
          html += "<p class=\"note\">To find the smallest margin that does: <code>\(e(TableReport.marginCommand(rec, file: nil, design: nil)))</code> (FILE: this report's scenario file, with its --design).</p>"
        }
        if let last = f.marginBudgets(response: r).last {
          let x = last.scopes[s]
          html += "<dl><dt>At the largest margin, \(e(ReportFormat.margin(last.margin!)))</dt><dd></dd>"
          html += "<dt>Overspend probability</dt><dd>\(e(ReportFormat.probability(x.overspendProbability)))</dd>"
          html += "<dt>Service-gap probability</dt><dd>\(e(ReportFormat.probability(x.serviceGap.probability)))</dd></dl>"
        }
      }
      html += "</div>\n"
    }
    html += "</div>\n"
    if f.responses.contains("absorb") {
      html += paragraph("A provider that absorbs overspend always meets need, so its service-gap probability is zero; the overspend falls on its reserve and then on the funders.", class: "note")
    }
    if f.scopeNames.count > 1 {
      let header = ["pool", "provider response", "recommended margin", "a year", "P(overspend)", "P(service gap)"]
      var rows = [[TableCell]]()
      for r in f.responses {
        for scope in f.scopeNames {
          guard let rec = f.recommendation(response: r, scope: scope) else { continue }
          rows.append([
            .text(scope), .text(r), .number(rec.margin.map(ReportFormat.margin) ?? "none meets the target"),
            .number(rec.annualContingency.map { ReportFormat.money($0, f.currency) } ?? "–"),
            rec.overspendProbability.map(TableCell.probability) ?? .number("–"),
            rec.serviceGapProbability.map(TableCell.probability) ?? .number("–"),
          ])
        }
      }
      html += table(caption: "Recommended margin for each pool", header: header, rows: rows)
    }
    return html
  }
}
