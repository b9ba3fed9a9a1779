import Foundation
import BudgetRiskModel
import BudgetRiskStudies
import BudgetRiskModel

/// The readable summary printed by `budget-risk run`.
public enum TableReport {
  public static func render(_ f: RunFigures, manifest: RunManifest?) -> String {
    var out = "\(f.scenario)\(manifest?.design.map { " — design \($0)" } ?? "")\n"
    out += "\(f.iterations) iterations, seed \(f.seed), \(f.periods) \(f.periodLength)s (\(f.budgetYears) budget years)\n"
    for e in f.expectedCost {
      out += "  expected cost of need, \(e.scope): \(ReportFormat.money(e.horizon, f.currency)) over the horizon"
      out += " (\(e.byYear.map { ReportFormat.money($0, f.currency) }.joined(separator: ", ")) by year)\n"
    }
    let responses = f.budgets.reduce(into: [String]()) { if !$0.contains($1.response) { $0.append($1.response) } }
    let scopes = f.budgets.first?.scopes.map(\.scope) ?? []
    for response in responses {
      for (s, scope) in scopes.enumerated() {
        out += "\n\(scope) — provider response: \(response)\n"
        let header = ["budget", "per year", "P(overspend) [95% CI]", "mean drift", "E[overspend]", "VaR95", "TVaR95", "P(gap)", "E[unmet]", "P(over tol)", "P(under tol)", "P(reserve out)"]
        var rows = [header]
        for b in f.budgets where b.response == response {
          let x = b.scopes[s]
          rows.append([
            b.proposal,
            ReportFormat.money(x.budget.mean / Double(f.budgetYears), f.currency),
            "\(percent(x.overspendProbability.estimate)) [\(percent(x.overspendProbability.lower))–\(percent(x.overspendProbability.upper))]",
            signedPercent(x.drift.mean),
            ReportFormat.money(x.expectedOverspend.mean, f.currency),
            ReportFormat.money(x.valueAtRisk.first { $0.level == 0.95 }?.value ?? 0, f.currency),
            ReportFormat.money(x.tailValueAtRisk.first { $0.level == 0.95 }?.value ?? 0, f.currency),
            percent(x.serviceGap.probability.estimate),
            percent(x.serviceGap.expectedUnmetShare.mean),
            percent(x.instability.overspendBeyondTolerance.estimate),
            percent(x.instability.underspendBeyondTolerance.estimate),
            percent(x.instability.reserveExhausted.estimate),
          ])
        }
        out += layout(rows)
        out += "  VaR95 and TVaR95 are of the overspend amount (0 where the budget covers the cost)\n"
        if let x = f.budgets.first(where: { $0.response == response })?.scopes[s].instability {
          out += "  P(over tol) / P(under tol): year-to-date spend above / below the budget by more than \(percent(x.tolerance)) at any of the \(x.reviews) reviews\n"
        }
        if f.budgetYears > 1 { out += yearTable(f, response: response, scope: s) }
        if response == "ration" { out += rationingStartLine(f, scope: s) }
        if let first = f.budgets.first(where: { $0.response == response }) {
          out += costTable(first.scopes[s], proposal: first.proposal, currency: f.currency)
        }
        out += arrangementTables(f, response: response, scope: s)
        if let r = f.recommendations.first(where: { $0.response == response && $0.scope == scope }) {
          let gap = (r.serviceGapTarget.map { " and P(service gap) ≤ \(percent($0))" } ?? "")
            + r.categoryGapTargets.map { t in
              " and P(\(t.category) gap) \(t.probability.map { percent($0.estimate) + " " } ?? "")≤ \(percent(t.target))"
            }.joined()
          let rule = OverspendRule(rawValue: r.overspendRule) ?? .horizon
          let name = rule.probabilityName
          if let m = r.margin, let p = r.ruleProbability ?? r.overspendProbability {
            let which = r.worstYear.map { " (year \($0))" } ?? ""
            out += "  recommended margin: \(percent(m)) (\(ReportFormat.money(r.annualContingency ?? 0, f.currency)) a year) — "
            out += "\(name)\(which) \(percent(p.estimate)) [\(percent(p.lower))–\(percent(p.upper))] ≤ target \(percent(r.overspendTarget))\(gap)\n"
          } else {
            out += "  no listed margin meets \(name) ≤ \(percent(r.overspendTarget))\(gap); "
            // `margin` solves under the scenario's rule and targets too.
            out += "\(marginCommand(r, file: manifest?.scenarioFile, design: manifest?.design)) solves for the smallest margin that does\n"
          }
        }
      }
    }
    out += activityTable(f.activity)
    if let m = manifest {
      out += "\nelapsed \(String(format: "%.2f", m.elapsedSeconds)) s, \(Int(m.iterationsPerSecond.rounded())) iterations/s on \(m.threads) thread(s)\n"
    }
    return out
  }

  /// Budgets balance every year: per budget, each year's P(overspend), the worst year's,
  /// P(any year overspends) and P(2 or more years), and each year's overspend VaR95.
  static func yearTable(_ f: RunFigures, response: String, scope s: Int) -> String {
    let Y = f.budgetYears, c = f.currency
    var out = "  by budget year (each year's budget balances on its own)\n"
    var rows = [["budget"] + (1...Y).map { "P(over) y\($0)" } + ["worst year", "P(any year)", "P(2+ years)"] + (1...Y).map { "VaR95 y\($0)" }]
    for b in f.budgets where b.response == response {
      let x = b.scopes[s]
      let worst = x.overspendProbability(by: .worstYear)
      let worstYear = x.overspendProbabilityByYear.firstIndex(of: worst).map { " (y\($0 + 1))" } ?? ""
      rows.append(
        [b.proposal] + x.years.map { percent($0.overspendProbability.estimate) }
          + [percent(worst.estimate) + worstYear, percent(x.anyYearOverspends.estimate), percent(x.overspendYears[1].probability.estimate)]
          + x.years.map { ReportFormat.money($0.valueAtRisk.first { $0.level == 0.95 }?.value ?? 0, c) })
    }
    out += layout(rows)
    // A stated proposal's years can differ by more than the base's growth: show each year's amount.
    for b in f.budgets where b.response == response && b.margin == nil && b.scopes[s].years.count > 1 {
      out += "  \(b.proposal) by budget year: " + b.scopes[s].years.map { ReportFormat.money($0.budget.mean, c) }.joined(separator: " / ") + "\n"
    }
    return out
  }

  /// When in the year rationing starts, under the headline budget: per year the share of
  /// pilots rationing at all and before the year's last quarter.
  static func rationingStartLine(_ f: RunFigures, scope s: Int) -> String {
    guard let b = f.headlineBudget(response: "ration", scope: f.budgets.first?.scopes[s].scope ?? "") else { return "" }
    let years = b.scopes[s].years
    let any = years.map { percent($0.rationing.estimate) }.joined(separator: " / ")
    let early = years.map { percent($0.rationingBeforeLastQuarter.estimate) }.joined(separator: " / ")
    return "  at \(b.proposal), rationing leaves need unmet in \(any) of pilots (by budget year), starting before the year's last quarter in \(early)\n"
  }

  /// The `budget-risk margin` command that solves for the margin a recommendation's targets
  /// need, where no listed margin meets them (the pointer from every "no listed margin").
  static func marginCommand(_ r: Recommendation, file: String?, design: String?) -> String {
    var words = ["budget-risk margin", file.map(RunManifest.shellWord) ?? "FILE"]
    if let design { words += ["--design", RunManifest.shellWord(design)] }
    words += ["--overspend-at-most", "\(r.overspendTarget)"]
    if let beta = r.serviceGapTarget { words += ["--gap-at-most", "\(beta)"] }
    words += ["--response", r.response]
    return words.joined(separator: " ")
  }

  /// The cost of need's distribution, over the horizon and per budget year, under one budget
  /// (under `absorb` the same for every budget).
  static func costTable(_ x: ScopeFigures, proposal: String, currency c: String) -> String {
    var out = "  cost of need (under \(proposal)); VaR and TVaR of the cost itself\n"
    let levels = [0.05, 0.50, 0.95, 0.99, 0.995]
    var rows = [["period", "mean ± SE", "SD"] + levels.map { "P\(String(format: "%g", $0 * 100))" } + ["TVaR95", "TVaR99"]]
    func row(_ name: String, _ d: CostDistribution) -> [String] {
      [name, estimate(d.mean, c), ReportFormat.money(d.standardDeviation, c)]
        + levels.map { l in ReportFormat.money(d.quantiles.first { $0.level == l }?.value ?? .nan, c) }
        + [0.95, 0.99].map { l in ReportFormat.money(d.tailValueAtRisk.first { $0.level == l }?.value ?? .nan, c) }
    }
    rows.append(row("horizon", x.costDistribution))
    for (y, d) in x.costDistributionByYear.enumerated() where x.costDistributionByYear.count > 1 { rows.append(row("year \(y + 1)", d)) }
    out += layout(rows)
    let resolution = (x.costDistribution.quantiles + x.valueAtRisk).map { $0.resolution }.max() ?? 0
    out += "  quantiles are read within their resolution (here at most \(ReportFormat.money(resolution, c))), intervals in the JSON/CSV\n"
    return out
  }

  /// The risk share and rebasing tables of one scope, only where the scenario has them.
  static func arrangementTables(_ f: RunFigures, response: String, scope s: Int) -> String {
    let budgets = f.budgets.filter { $0.response == response }
    let c = f.currency
    var out = ""
    if let first = budgets.first?.scopes[s].riskShare {
      out += "  risk share over the horizon (provider loss > 0: provider pays; funder > 0: extra payment)\n"
      let thresholds = first.providerLossProbabilities.map { "P(loss > \(ReportFormat.money($0.threshold, c).dropFirst(c.count + 1)))" }
      var rows = [["budget", "E[variance]", "E[provider]", "E[funder]"] + thresholds + ["VaR95 provider", "TVaR95 provider", "VaR95 funder"]]
      for b in budgets {
        guard let x = b.scopes[s].riskShare else { continue }
        rows.append(
          [b.proposal, ReportFormat.money(x.yearEndVariance.mean, c), estimate(x.providerResult, c), estimate(x.funderResult, c)]
            + x.providerLossProbabilities.map { percent($0.probability.estimate) }
            + [
              ReportFormat.money(x.providerLossValueAtRisk.first { $0.level == 0.95 }?.value ?? .nan, c),
              ReportFormat.money(x.providerLossTailValueAtRisk.first { $0.level == 0.95 }?.value ?? .nan, c),
              ReportFormat.money(x.funderExtraValueAtRisk.first { $0.level == 0.95 }?.value ?? .nan, c),
            ])
      }
      out += layout(rows)
    }
    if budgets.first?.scopes[s].rebasing != nil {
      out += "  rebasing at reviews\n"
      var rows = [["budget", "P(rebase)", "E[rebasings]", "mean size", "E[total rebased]"]]
      for b in budgets {
        guard let x = b.scopes[s].rebasing else { continue }
        rows.append([
          b.proposal, percent(x.probability.estimate), String(format: "%.2f", x.expectedCount.mean),
          x.meanSize.map { ReportFormat.money($0.mean, c) } ?? "–", ReportFormat.money(x.expectedTotal.mean, c),
        ])
      }
      out += layout(rows)
    }
    return out
  }

  /// A money mean with its standard error: GBP 4.5k ± 120.
  static func estimate(_ e: Estimate, _ currency: String) -> String {
    "\(ReportFormat.money(e.mean, currency)) ± \(ReportFormat.money(e.standardError, currency).dropFirst(currency.count + 1))"
  }

  static func layout(_ rows: [[String]]) -> String {
    let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
    return rows.enumerated().map { i, row in
      let line = row.enumerated().map { c, cell in
        c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
          : String(repeating: " ", count: widths[c] - cell.count) + cell
      }.joined(separator: "  ")
      return "  " + line + (i == 0 ? "\n  " + String(repeating: "-", count: line.count) : "")
    }.joined(separator: "\n") + "\n"
  }

  static func percent(_ x: Double) -> String {
    guard x.isFinite else { return "\(x)" }
    return String(format: x < 0.001 && x > 0 ? "%.2f%%" : "%.1f%%", x * 100)
  }

  static func signedPercent(_ x: Double) -> String {
    guard x.isFinite else { return "\(x)" }
    return String(format: "%+.1f%%", x * 100)
  }
}
