import BudgetRiskModel
import BudgetRiskStudies

/// The `budget-risk margin --report FILE.html` output: one self-contained page (inline CSS
/// and SVG, no scripts, nothing fetched) with the solved margins, a decision chart per
/// scope × response, how the figures were computed, the assumptions and the run manifest.
public enum MarginHTMLReport {
  public static func render(figures f: MarginFigures, manifest: RunManifest, assumptions: ScenarioAssumptions) -> String {
    let e = HTMLText.escape
    var parts = [(anchor: String, heading: String, body: String)]()
    parts.append(("margins", "Solved margins", summary(f)))
    parts.append(("charts", "Choosing the margin", charts(f)))
    parts.append(("method", "How the margin is computed", method(f)))
    parts.append(("assumptions", "Assumptions", HTMLReport.assumptions(assumptions)))
    var reproduce = "To reproduce the margin: budget-risk margin \(manifest.scenarioFile) --overspend-at-most \(f.overspendTarget)"
    if let beta = f.serviceGapTarget { reproduce += " --gap-at-most \(beta)" }
    reproduce += " --seed \(f.seed) --iterations \(f.results.first.map { Int($0.iterations) } ?? manifest.iterations)"
    if let x = f.precision { reproduce += " (or the first batch's --iterations with --precision \(x))" }
    // A manifest that records its command (the `margin` command's) shows it in its own section.
    let own = manifest.reproduce == nil ? HTMLReport.paragraph(reproduce + ".", class: "note") : ""
    parts.append(("manifest", "Run manifest", HTMLReport.manifestSection(manifest) + own))

    var header = "<h1>\(e(f.scenario)): contingency margin</h1>\n" + HTMLReport.designLine(manifest)
    if !assumptions.description.isEmpty { header += "<p class=\"lede\">\(e(assumptions.description))</p>\n" }
    var target = "The smallest margin on the base budget with \(f.ruleProbabilityName) ≤ \(ReportFormat.percent(f.overspendTarget))"
    if let beta = f.serviceGapTarget { target += " and P(service gap) ≤ \(ReportFormat.percent(beta))" }
    target += f.categoryTargetWords { ReportFormat.percent($0) }
    header += "<p class=\"meta\">\(e(target)), seed \(f.seed); money in \(e(f.currency)). Every margin carries its 95 % interval.</p>\n"
    return HTMLReport.page(title: "\(f.scenario) — contingency margin", header: header, parts: parts, manifest: manifest)
  }

  static func summary(_ f: MarginFigures) -> String {
    let e = HTMLText.escape
    var html = "<div class=\"cards\">\n"
    for r in f.results {
      html += "<div class=\"card \(HTMLText.identifier(r.response))\"><h3>\(e(r.scope)) — if the \(e(RunFigures.responseWords(r.response)))</h3>"
      if let m = r.margin, let lo = r.lower, let hi = r.upper {
        html += "<p class=\"big\">\(e(ReportFormat.percent(m, digits: 2))) margin</p>"
        html += "<p>95 % interval \(e(ReportFormat.percent(lo, digits: 2))) to \(e(ReportFormat.percent(hi, digits: 2))).</p><dl>"
        if let c = r.annualContingency {
          html += "<dt>Contingency a year</dt><dd>\(e(ReportFormat.money(c.value, f.currency))) [\(e(ReportFormat.compactMoney(c.lower)))–\(e(ReportFormat.compactMoney(c.upper)))]</dd>"
        }
        if let p = r.overspendProbability { html += "<dt>P(overspend) at it</dt><dd>\(e(ReportFormat.probability(p)))</dd>" }
        if r.response != "absorb", let p = r.serviceGapProbability { html += "<dt>P(service gap) at it</dt><dd>\(e(ReportFormat.probability(p)))</dd>" }
        html += "<dt>Iterations</dt><dd>\(e(ReportFormat.grouped(Double(r.iterations))))</dd></dl>"
      } else {
        html += "<p class=\"big\">none found</p><p>No margin up to \(e(ReportFormat.percent(f.largestMarginSearched))) meets the target.</p>"
      }
      for note in r.notes { html += "<p class=\"note\">\(e(note))</p>" }
      html += "</div>\n"
    }
    html += "</div>\n"
    let rows: [[TableCell]] = f.results.flatMap { r in
      r.pools.map { p -> [TableCell] in
        [.text("\(r.scope), \(r.response)"), .text(p.pool), .number(ReportFormat.money(p.annualBaseBudget, f.currency)),
         p.annualContingency.map { .figure(ReportFormat.money($0.value, f.currency), interval: "[\(ReportFormat.compactMoney($0.lower)), \(ReportFormat.compactMoney($0.upper))]") } ?? .text("–")]
      }
    }
    html += HTMLReport.table(
      caption: "Contingency per year by pool: the base budget per year times the solved margin, with its 95 % interval",
      header: ["solve", "pool", "base budget a year", "contingency a year"], rows: rows)
    return html
  }

  static func charts(_ f: MarginFigures) -> String {
    var html = ""
    for (i, r) in f.results.enumerated() {
      html += HTMLReport.figure(
        MarginChart.make(f, result: r, id: "margin-chart-\(i)"),
        caption: "The probability of overspend at each margin near the answer (line), with its 95 % Wilson interval (band). "
          + "The solved margin (vertical line) is the smallest margin whose overspend probability is at or below the target; "
          + "the grey region is its 95 % interval.")
    }
    return html
  }

  static func method(_ f: MarginFigures) -> String {
    if let s = f.sampling {
      // Under RQMC every response is solved by the replicate test inversion.
      return HTMLReport.paragraph(
        "The uncertain factors were sampled by randomised quasi-Monte Carlo: \(s.replicates) independent replicates of scrambled Sobol' points. "
          + "Iterations within a replicate are not independent, so the interval comes from the replicates: for every margin searched, "
          + "the \(s.replicates) replicate estimates of the overspend probability give a 95 % Student-t interval, and the margin's interval runs between "
          + "the margins where its upper and lower bounds cross the target (a test-inversion interval; likewise for a service-gap target). "
          + "The answer is the smallest margin whose pooled overspend probability is at or below the target. The chart's band is the pooled Wilson "
          + "interval, which overstates the error under this sampling.")
    }
    return HTMLReport.paragraph(
      "When the provider absorbs overspend, an iteration overspends at margin m exactly when R = cost of need ÷ base budget − 1 exceeds m, "
        + "so the answer is the sample (1 − target) quantile of R (order statistic; histogram bins of 0.01 percentage points, far below the Monte Carlo error) "
        + "and its interval is the distribution-free order-statistic interval.")
      + HTMLReport.paragraph(
        "When the provider rations, the budget changes the cost of need (rationed prevention raises later demand), so margins are searched on the same simulated pilots: "
          + "the answer is the smallest margin whose estimated overspend probability is at or below the target, and the interval is a test-inversion interval — "
          + "the margins at which the 95 % Wilson bounds of the overspend probability cross the target (and likewise for the service gap, the larger margin at each end).")
  }
}
