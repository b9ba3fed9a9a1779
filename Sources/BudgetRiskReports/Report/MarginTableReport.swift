import Foundation
import BudgetRiskStudies
import BudgetRiskModel

/// The readable summary printed by `budget-risk margin`.
public enum MarginTableReport {
  public static func render(_ f: MarginFigures, manifest: RunManifest?) -> String {
    let percent = TableReport.percent, money = { ReportFormat.money($0, f.currency) }
    var out = "\(f.scenario)\(manifest?.design.map { " — design \($0)" } ?? "")\n"
    let gap = f.serviceGapTarget.map { " and P(service gap > \(percent(f.serviceGapThreshold))) ≤ \(percent($0))" } ?? ""
    out += "smallest contingency margin with \(f.ruleProbabilityName) ≤ \(percent(f.overspendTarget))\(gap)\(f.categoryTargetWords(percent)); seed \(f.seed), \(f.periods) periods (\(f.budgetYears) budget years)\n"
    if let x = f.precision {
      out += "precision: 95 % half-width of the margin ≤ \(margin(x)), at most \(f.maxIterations ?? 0) iterations\n"
    }
    out += "\n"
    let header = ["scope", "response", "margin [95% CI]", "per year [95% CI]", "P(overspend) [95% CI]", "P(gap)", "iterations", "method"]
    var rows = [header]
    for r in f.results {
      let m = r.margin.map { m in "\(margin(m)) [\(margin(r.lower ?? m))–\(margin(r.upper ?? m))]" } ?? "none found"
      let perYear = r.annualContingency.map { "\(money($0.value)) [\(money($0.lower))–\(money($0.upper))]" } ?? "–"
      // Under RQMC the replicates' Student-t interval (the pooled Wilson one overstates the error).
      let p =
        r.overspendInterval.map { "\(percent($0.estimate)) [\(percent($0.lower))–\(percent($0.upper))]" }
        ?? r.overspendProbability.map { "\(percent($0.estimate)) [\(percent($0.lower))–\(percent($0.upper))]" } ?? "–"
      let g = r.response == "absorb" ? "–" : (r.serviceGapProbability.map { percent($0.estimate) } ?? "–")
      rows.append([r.scope, r.response, m, perYear, p, g, "\(r.iterations)", r.method])
    }
    out += TableReport.layout(rows)
    for r in f.results {
      var lines = [String]()
      if r.pools.count > 1 {
        let parts = r.pools.map { p in "\(p.pool) \(p.annualContingency.map { money($0.value) } ?? "–")" }
        lines.append("by pool, per year: " + parts.joined(separator: ", "))
      }
      let gapTargets = f.serviceGapTarget != nil || r.categoryGapTargets != nil || r.poolGapTargets != nil
      if let b = r.binding, b != "overspend" || (gapTargets && r.response != "absorb") {
        lines.append("set by the \(b) target")
      }
      for t in r.categoryGapTargets ?? [] {
        if let p = t.probability { lines.append("P(\(t.category) gap) \(percent(p.estimate)) (target \(percent(t.target)))") }
      }
      for t in r.poolGapTargets ?? [] {
        if let p = t.probability { lines.append("P(gap) in pool \(t.pool) \(percent(p.estimate)) (target \(percent(t.target)))") }
      }
      if r.precisionReached == true, let h = r.halfWidth { lines.append("precision reached: half-width \(margin(h))") }
      lines += r.notes
      if !lines.isEmpty { out += "  \(r.scope), \(r.response): " + lines.joined(separator: "; ") + "\n" }
    }
    out += "  order statistic: the (1 − α) quantile of cost / base − 1 (bins of 0.01 pp), distribution-free interval; "
    out += "test inversion: search over margins on common random numbers, interval where the Wilson bounds cross the target\n"
    if let s = f.sampling {
      // The rotation is the manifest's (the run's point set), as in the run's sampling line.
      let rotated = manifest?.rotation == nil ? "" : ", the factors' normals rotated onto the total cost's gradient (manifest.rotation; --rotation none for the unrotated points)"
      out += "  sampling: rqmc, \(s.replicates) replicates of scrambled Sobol' points\(rotated); replicate test inversion: the interval is where the 95 % Student-t bounds over the replicates cross the target\n"
    }
    if let m = manifest {
      out += "\nelapsed \(String(format: "%.2f", m.elapsedSeconds)) s on \(m.threads) thread(s)\n"
    }
    return out
  }

  /// A margin with two decimals of a percent: the interval is usually narrower than 0.1 pp.
  static func margin(_ m: Double) -> String {
    guard m.isFinite else { return "\(m)" }
    return String(format: "%.2f%%", m * 100)
  }
}

extension MarginFigures {
  /// What the overspend target bounds, as the headline names it (`P(overspend)` over the horizon).
  var ruleProbabilityName: String {
    switch overspendRule.flatMap(OverspendRule.init(rawValue:)) {
    case .everyYear?: OverspendRule.everyYear.probabilityName
    case .worstYear?: OverspendRule.worstYear.probabilityName
    default: "P(overspend)"
    }
  }

  /// ` and P(proactive gap) ≤ 5 %` for each category target of the results.
  func categoryTargetWords(_ percent: (Double) -> String) -> String {
    let targets = results.first { $0.categoryGapTargets != nil }?.categoryGapTargets ?? []
    return targets.map { " and P(\($0.category) gap) ≤ \(percent($0.target))" }.joined()
  }
}
