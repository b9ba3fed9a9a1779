import BudgetRiskModel
import BudgetRiskStudies

extension HTMLReport {
  /// Every figure of the run, each with its interval: per response and scope a table of
  /// figures × proposed budgets, then the cost-of-need quantiles, the fan chart's data,
  /// service gaps by service, the analytic expected cost and the recommendations.
  static func allFigures(_ f: RunFigures) -> String {
    let money = CellUnit.money(f.currency)
    var html = paragraph(
      "Under each figure: for a probability its 95 % Wilson interval, for a mean ± its Monte Carlo standard error, for a quantile its 95 % order-statistic interval, in the figure's unit. "
        + "Overspend VaR and TVaR are of the overspend amount (0 where the budget covers the cost); cost VaR and TVaR of the cost of need itself. "
        + "Quantiles are read from log-linear histograms: each is within its resolution (at most 0.05 % of its value, and 1.2e−4 of the base budget near zero; in the JSON and CSV) of the sample's own quantile. "
        + "Money over the whole horizon unless marked. The same figures are in the --json and --csv outputs.", class: "note")

    for (s, scope) in f.scopeNames.enumerated() {
      html += "<h3>\(HTMLText.escape(scope == "total" ? "Total of all pools" : scope))</h3>\n"
      for r in f.responses {
        let budgets = f.budgets(response: r)
        let header = ["figure"] + budgets.map(\.proposal)
        var rows = [[TableCell]]()
        func row(_ name: String, _ cell: (ScopeFigures) -> TableCell) { rows.append([.text(name)] + budgets.map { cell($0.scopes[s]) }) }
        row("budget") { .number(money.value($0.budget.mean)) }
        row("cost of need (mean)") { .mean($0.costOfNeed, money) }
        row("cost of need (standard deviation)") { .number(money.value($0.costDistribution.standardDeviation)) }
        row("P(overspend), horizon") { .probability($0.overspendProbability) }
        for y in 0..<f.budgetYears { row("P(overspend), year \(y + 1)") { .probability($0.overspendProbabilityByYear[y]) } }
        if f.budgetYears > 1 {
          row("P(any year overspends)") { .probability($0.anyYearOverspends) }
          for k in 2...f.budgetYears { row("P(overspend in \(k) or more years)") { .probability($0.overspendYears[k - 1].probability) } }
          for y in 0..<f.budgetYears {
            row("expected overspend, year \(y + 1)") { .mean($0.years[y].expectedOverspend, money) }
            for (k, level) in RunFigures.riskLevels.enumerated() where level == 0.95 {
              row("overspend VaR \(ReportFormat.percent(level)), year \(y + 1)") { .quantile($0.years[y].valueAtRisk[k], money) }
              row("overspend TVaR \(ReportFormat.percent(level)), year \(y + 1)") { .number(money.value($0.years[y].tailValueAtRisk[k].value)) }
            }
            row("P(service gap), year \(y + 1)") { .probability($0.years[y].serviceGap) }
          }
        }
        if r == "ration" {
          for y in 0..<f.budgetYears {
            row("P(rationing leaves need unmet), year \(y + 1)") { .probability($0.years[y].rationing) }
            row("P(rationing starts before the last quarter), year \(y + 1)") { .probability($0.years[y].rationingBeforeLastQuarter) }
          }
        }
        row("drift (mean)") { .mean($0.drift, .drift) }
        for (k, level) in RunFigures.quantileLevels.enumerated() {
          row("drift, \(ReportFormat.percent(level)) quantile") { .quantile($0.driftQuantiles[k], .drift) }
        }
        row("expected overspend") { .mean($0.expectedOverspend, money) }
        for (k, level) in RunFigures.riskLevels.enumerated() {
          row("overspend VaR \(ReportFormat.percent(level))") { .quantile($0.valueAtRisk[k], money) }
        }
        for (k, level) in RunFigures.riskLevels.enumerated() {
          row("overspend TVaR \(ReportFormat.percent(level))") { .number(money.value($0.tailValueAtRisk[k].value)) }
        }
        for (k, level) in RunFigures.riskLevels.enumerated() {
          row("cost VaR \(ReportFormat.percent(level))") { .quantile($0.costDistribution.valueAtRisk[k], money) }
          row("cost TVaR \(ReportFormat.percent(level))") { .number(money.value($0.costDistribution.tailValueAtRisk[k].value)) }
        }
        row("P(service gap)") { .probability($0.serviceGap.probability) }
        row("unmet share (mean)") { .mean($0.serviceGap.expectedUnmetShare, .share) }
        for (c, category) in (budgets.first?.scopes[s].serviceGap.byCategory ?? []).enumerated() {
          row("P(service gap), \(category.category)") { .probability($0.serviceGap.byCategory[c].probability) }
          row("unmet share, \(category.category)") { .mean($0.serviceGap.byCategory[c].expectedUnmetShare, .share) }
        }
        row("P(overspend beyond tolerance at a review)") { .probability($0.instability.overspendBeyondTolerance) }
        row("P(underspend beyond tolerance at a review)") { .probability($0.instability.underspendBeyondTolerance) }
        row("P(beyond tolerance either way)") { .probability($0.instability.toleranceBreached) }
        row("reviews out of tolerance (mean)") { .mean($0.instability.reviewsOutOfTolerance, .count) }
        for (k, review) in (budgets.first?.scopes[s].instability.firstBreach ?? []).enumerated() {
          row("P(first overspend breach at \(f.periodLength) \(review.period + 1))") { .probability($0.instability.firstBreach[k].overspend) }
        }
        row("P(reserve exhausted)") { .probability($0.instability.reserveExhausted) }
        html += table(caption: "\(scope) — \(RunFigures.responseWords(r))", header: header, rows: rows)
      }
    }
    html += "<h3>Cost of need, drift path, services, expected cost and recommendations</h3>\n"
    html += costQuantiles(f)
    html += fanData(f)
    html += serviceTables(f)
    html += expectedCostTable(f)
    html += recommendationsTable(f)
    return html
  }

  /// The risk share and rebasing, per scope and response: one table of figures × proposed
  /// budgets. nil when the scenario has neither.
  static func fundingArrangements(_ f: RunFigures) -> String? {
    guard let first = f.budgets.first?.scopes.first, first.riskShare != nil || first.rebasing != nil else { return nil }
    let money = CellUnit.money(f.currency)
    var html = paragraph(
      "How each year's variance (spend against the committed budget, per pool) splits between provider and funder under the risk share, summed over the horizon: a provider loss above 0 is money the provider pays, below 0 a gain it keeps; the funder's part is the rest. "
        + "Rebasing is the funder's in-year change to the rest of a year's budget after a review past the drift tolerance.", class: "note")
    for (s, scope) in f.scopeNames.enumerated() {
      for r in f.responses {
        let budgets = f.budgets(response: r)
        var rows = [[TableCell]]()
        func row(_ name: String, _ cell: (ScopeFigures) -> TableCell) {
          rows.append([.text(name)] + budgets.map { cell($0.scopes[s]) })
        }
        if let share = budgets.first?.scopes[s].riskShare {
          row("year-end variance (mean)") { .mean($0.riskShare!.yearEndVariance, money) }
          row("provider loss (mean)") { .mean($0.riskShare!.providerResult, money) }
          row("funder extra payment (mean)") { .mean($0.riskShare!.funderResult, money) }
          for (k, t) in share.providerLossProbabilities.enumerated() {
            row("P(provider loss > \(ReportFormat.money(t.threshold, f.currency)))") { .probability($0.riskShare!.providerLossProbabilities[k].probability) }
          }
          for (k, level) in RunFigures.riskLevels.enumerated() {
            row("provider loss VaR \(ReportFormat.percent(level))") { .quantile($0.riskShare!.providerLossValueAtRisk[k], money) }
            row("provider loss TVaR \(ReportFormat.percent(level))") { .number(money.value($0.riskShare!.providerLossTailValueAtRisk[k].value)) }
          }
          for (k, level) in RunFigures.riskLevels.enumerated() {
            row("funder extra VaR \(ReportFormat.percent(level))") { .quantile($0.riskShare!.funderExtraValueAtRisk[k], money) }
            row("funder extra TVaR \(ReportFormat.percent(level))") { .number(money.value($0.riskShare!.funderExtraTailValueAtRisk[k].value)) }
          }
        }
        if budgets.first?.scopes[s].rebasing != nil {
          row("P(any rebasing)") { .probability($0.rebasing!.probability) }
          row("rebasings (mean number)") { .mean($0.rebasing!.expectedCount, .count) }
          row("size of a rebasing (mean |amount|)") { $0.rebasing!.meanSize.map { .mean($0, money) } ?? .number("–") }
          row("total rebased (mean, net)") { .mean($0.rebasing!.expectedTotal, money) }
        }
        html += table(
          caption: "\(scope) — \(RunFigures.responseWords(r))", header: ["figure"] + budgets.map(\.proposal), rows: rows)
      }
    }
    return html
  }

  /// Quantiles of the cost of need, `B · (1 + drift quantile)`, from each exceedance curve's
  /// budget: one column per curve (scope and response), one row per level.
  static func costQuantiles(_ f: RunFigures) -> String {
    let money = CellUnit.money(f.currency)
    // Per scope and response, under the response's first budget (under absorb the cost of
    // need is the same for every budget).
    var columns = [(name: String, figures: ScopeFigures)]()
    for r in f.responses {
      guard let b = f.budgets(response: r).first else { continue }
      for (s, scope) in f.scopeNames.enumerated() {
        columns.append(("\(scope), \(r)" + (r == "ration" ? " at \(b.proposal)" : ""), b.scopes[s]))
      }
    }
    guard let first = columns.first else { return "" }
    var rows = [[TableCell]]()
    rows.append([.text("mean")] + columns.map { .mean($0.figures.costDistribution.mean, money) })
    rows.append([.text("standard deviation")] + columns.map { .number(money.value($0.figures.costDistribution.standardDeviation)) })
    for k in first.figures.costDistribution.quantiles.indices {
      let level = first.figures.costDistribution.quantiles[k].level
      rows.append([.text("\(ReportFormat.percent(level)) quantile")] + columns.map { .quantile($0.figures.costDistribution.quantiles[k], money) })
    }
    for (k, level) in RunFigures.riskLevels.enumerated() {
      rows.append([.text("TVaR \(ReportFormat.percent(level)) of the cost")] + columns.map { .number(money.value($0.figures.costDistribution.tailValueAtRisk[k].value)) })
    }
    for y in first.figures.costDistributionByYear.indices where first.figures.costDistributionByYear.count > 1 {
      rows.append([.text("year \(y + 1): mean")] + columns.map { .mean($0.figures.costDistributionByYear[y].mean, money) })
      for (k, level) in RunFigures.riskLevels.enumerated() {
        rows.append([.text("year \(y + 1): \(ReportFormat.percent(level)) quantile")] + columns.map { .quantile($0.figures.costDistributionByYear[y].valueAtRisk[k], money) })
      }
    }
    return table(
      caption: "Cost of need: its own distribution (VaR = quantile, TVaR = mean at or above it), over the horizon and by budget year",
      header: ["figure"] + columns.map(\.name), rows: rows)
  }

  /// The fan chart's data: cumulative drift quantiles per period for the featured budget.
  static func fanData(_ f: RunFigures) -> String {
    let s = f.headlineScope, scope = f.scopeNames[s]
    guard let b = f.headlineBudget(response: f.needResponse, scope: scope) else { return "" }
    let header = [f.periodLength] + RunFigures.fanLevels.map { ReportFormat.percent($0) }
    let rows: [[TableCell]] = b.scopes[s].driftPath.map { p in
      [.text("\(p.period + 1)")] + p.quantiles.map { .number(ReportFormat.signedPercent($0.value, digits: 1)) }
    }
    return table(caption: "Drift fan chart data: cumulative drift quantiles by \(f.periodLength) — \(scope), \(b.proposal), \(RunFigures.responseWords(b.response))", header: header, rows: rows)
  }

  static func serviceTables(_ f: RunFigures) -> String {
    var html = ""
    for r in f.responses {
      let budgets = f.budgets(response: r)
      guard let services = budgets.first?.services else { continue }
      let header = ["service (pool)", "figure"] + budgets.map(\.proposal)
      var rows = [[TableCell]]()
      for (v, service) in services.enumerated() {
        rows.append([.text("\(service.service) (\(service.pool))"), .text("P(service gap)")] + budgets.map { .probability($0.services[v].probability) })
        rows.append([.text("\(service.service) (\(service.pool))"), .text("unmet share (mean)")] + budgets.map { .mean($0.services[v].expectedUnmetShare, .share) })
      }
      html += table(caption: "Service gap by service — \(RunFigures.responseWords(r))", header: header, rows: rows)
    }
    return html
  }

  static func expectedCostTable(_ f: RunFigures) -> String {
    let money = { (x: Double) in ReportFormat.money(x, f.currency) }
    let header = ["scope"] + (0..<f.budgetYears).map { "year \($0 + 1)" } + ["horizon", "base budget"]
    let rows: [[TableCell]] = f.expectedCost.map { e in
      [.text(e.scope)] + e.byYear.map { .number(money($0)) } + [.number(money(e.horizon)), .number(money(e.baseBudget))]
    }
    return table(caption: "Analytic expected cost of need (computed, not simulated)", header: header, rows: rows)
  }

  static func recommendationsTable(_ f: RunFigures) -> String {
    let header = ["scope", "provider response", "overspend target", "service-gap target", "recommended margin", "contingency a year", "P(overspend)", "P(service gap)"]
    let rows: [[TableCell]] = f.recommendations.map { r in
      [
        .text(r.scope), .text(r.response), .number(ReportFormat.percent(r.overspendTarget)),
        .number(r.serviceGapTarget.map { ReportFormat.percent($0) } ?? "–"),
        .number(r.margin.map(ReportFormat.margin) ?? "none"),
        .number(r.annualContingency.map { ReportFormat.money($0, f.currency) } ?? "–"),
        r.overspendProbability.map(TableCell.probability) ?? .number("–"),
        r.serviceGapProbability.map(TableCell.probability) ?? .number("–"),
      ]
    }
    return table(caption: "Recommendations", header: header, rows: rows)
  }

  static func assumptions(_ a: ScenarioAssumptions) -> String {
    var html = paragraph("The scenario's inputs, as the simulator read them.", class: "note")
    for g in a.groups {
      html += "<h3>\(HTMLText.escape(g.title))</h3>\n"
      for p in g.paragraphs { html += paragraph(p) }
      if !g.rows.isEmpty {
        html += table(caption: g.title, header: g.header, rows: g.rows.map { row in row.map { TableCell.text($0) } })
      }
    }
    return html
  }

  static func manifestSection(_ m: RunManifest) -> String {
    let e = HTMLText.escape
    var items: [(String, String)] = [
      ("tool", "\(m.tool) \(m.version)"), ("scenario file", m.scenarioFile), ("scenario SHA-256", m.scenarioSHA256),
      ("seed", "\(m.seed)"), ("iterations", ReportFormat.grouped(m.iterations)), ("first iteration", "\(m.firstIteration)"),
      ("threads", "\(m.threads)"), ("block size", "\(m.blockSize)"),
      ("elapsed", "\(ReportFormat.plain(m.elapsedSeconds, significant: 3)) s"),
      ("speed", "\(ReportFormat.grouped(m.iterationsPerSecond.rounded())) iterations per second"), ("OpenBLAS", m.openBLAS),
    ]
    if let d = m.design { items.insert(("design", d), at: 2) }
    if let s = m.sampling {
      // Under RQMC the report's intervals are plain Monte Carlo's (they overstate the error).
      items.append(("sampling", "randomised QMC: \(s.replicates) replicates of scrambled Sobol' points over the uncertain factors; the replicate intervals are in the JSON output (figures.sampling), the intervals shown here are plain Monte Carlo's and usually wider"
        + (s.estimator == .conditional ? "; conditional Monte Carlo for the absorb figures (figures.sampling, conditional)" : "")
        + (m.rotation == nil ? "" : "; the factors' normals rotated so that the first Sobol' coordinate follows the total cost's gradient (the law is unchanged)")))
    }
    if let r = m.correlationRepair {
      items.append(("correlation repair", "smallest eigenvalue \(ReportFormat.plain(r.smallestEigenvalue, significant: 3)), largest change \(ReportFormat.plain(r.largestChange, significant: 3))"))
    }
    return "<dl class=\"manifest\">" + items.map { "<dt>\(e($0.0))</dt><dd>\(e($0.1))</dd>" }.joined() + "</dl>\n"
      + paragraph("To reproduce: \(m.reproduce ?? "budget-risk run \(m.scenarioFile) --seed \(m.seed) --iterations \(m.iterations)"). The figures do not depend on --threads or --block-size.", class: "note")
  }
}
