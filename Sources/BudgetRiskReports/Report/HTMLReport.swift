import BudgetRiskModel
import BudgetRiskStudies

/// The `--report FILE.html` output: one self-contained page with inline CSS and inline SVG
/// charts — no scripts, no fonts or images fetched from anywhere — readable offline and
/// printable.
///
/// It holds, in order: the headline (the recommended margin and what it buys), the decision
/// chart, the exceedance curve of the cost of need, the drift fan chart, service gap by
/// category, per-pool results, any extra ``HTMLReportSection``s (the seam for the design
/// comparison and drivers), the activity (expected events), every figure in a table with its interval, the scenario's
/// assumptions in plain words, and the run manifest. `README.md` ("Reading the report")
/// explains each part.
public enum HTMLReport {
  /// Renders the report.
  ///
  /// - Parameters:
  ///   - figures: the run's figures.
  ///   - manifest: how the run was made (shown at the end).
  ///   - assumptions: the scenario's inputs in words (`SimulationPlan.assumptions`).
  ///   - sections: extra sections placed after the per-pool results.
  /// - Returns: the HTML document (UTF-8 text).
  public static func render(
    figures f: RunFigures, manifest: RunManifest, assumptions: ScenarioAssumptions, sections: [any HTMLReportSection] = []
  ) -> String {
    var parts = [(anchor: String, heading: String, body: String)]()
    parts.append(("headline", "Headline", headline(f)))
    parts.append(("decision", "Choosing the margin", decision(f)))
    parts.append(("cost-of-need", "Cost of need", costOfNeed(f)))
    parts.append(("drift", "Drift over the pilot", drift(f)))
    parts.append(("service-gap", "Service gap by category", serviceGap(f)))
    parts.append(("pools", f.scopeNames.count > 1 ? "Results by pool" : "Results for the pool", pools(f)))
    if let funding = fundingArrangements(f) { parts.append(("funding", "Risk share and rebasing", funding)) }
    for section in sections {
      parts.append((HTMLText.identifier(section.anchor), section.heading, section.body(figures: f)))
    }
    if let activity = activity(f) { parts.append(("activity", "Activity: expected events", activity)) }
    parts.append(("figures", "Every figure with its interval", allFigures(f)))
    parts.append(("assumptions", "Assumptions", self.assumptions(assumptions)))
    parts.append(("manifest", "Run manifest", manifestSection(manifest)))

    let e = HTMLText.escape
    var header = "<h1>\(e(f.scenario))</h1>\n" + designLine(manifest)
    if !assumptions.description.isEmpty { header += "<p class=\"lede\">\(e(assumptions.description))</p>\n" }
    header += "<p class=\"meta\">Budget risk report: \(ReportFormat.grouped(Double(f.iterations))) simulated pilots (seed \(f.seed)) over "
    header += "\(f.periodWords(f.periods)) (\(f.budgetYears) budget year\(f.budgetYears == 1 ? "" : "s")); money in \(e(f.currency)). "
    header += "Probabilities carry 95 % Wilson intervals, means their Monte Carlo standard error, quantiles 95 % order-statistic intervals.</p>\n"
    return page(title: "\(f.scenario) — budget risk report", header: header, parts: parts, manifest: manifest)
  }

  /// A whole report page: the head with the inline style, the header, a table of contents,
  /// one section per part and the footer.
  static func page(
    title: String, header: String, parts: [(anchor: String, heading: String, body: String)], manifest: RunManifest
  ) -> String {
    let e = HTMLText.escape
    var html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
    html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
    html += "<meta name=\"generator\" content=\"\(e(manifest.tool)) \(e(manifest.version))\"/>\n"
    html += "<title>\(e(title))</title>\n<style>\n\(HTMLReportStyle.css)\n</style>\n</head>\n<body>\n<main>\n"
    html += "<header>\n\(header)</header>\n"
    html += "<nav class=\"contents\" aria-label=\"Contents\"><strong>Contents</strong><ol>"
    for p in parts { html += "<li><a href=\"#\(p.anchor)\">\(e(p.heading))</a></li>" }
    html += "</ol></nav>\n"
    for p in parts {
      html += "<section id=\"\(p.anchor)\" aria-labelledby=\"\(p.anchor)-heading\">\n<h2 id=\"\(p.anchor)-heading\">\(e(p.heading))</h2>\n\(p.body)\n</section>\n"
    }
    html += "<footer>Made by \(e(manifest.tool)) \(e(manifest.version)) from \(e(manifest.scenarioFile)) (SHA-256 \(e(String(manifest.scenarioSHA256.prefix(16))))…). "
    html += "The same scenario, seed and iterations give the same figures on any machine and thread count.</footer>\n"
    return html + "</main>\n</body>\n</html>\n"
  }

  /// The design that ran, under the title (empty for a file's base document).
  static func designLine(_ manifest: RunManifest) -> String {
    guard let d = manifest.design else { return "" }
    return "<p class=\"meta\">Design: <strong>\(HTMLText.escape(d))</strong></p>\n"
  }

  /// A chart in a figure with a caption; the caption repeats how to read it.
  static func figure(_ chart: SVGChart?, caption: String) -> String {
    guard let chart else { return "" }
    return "<figure>\(chart.render())<figcaption>\(HTMLText.escape(caption))</figcaption></figure>\n"
  }

  static func paragraph(_ text: String, class name: String? = nil) -> String {
    "<p\(name.map { " class=\"\($0)\"" } ?? "")>\(HTMLText.escape(text))</p>\n"
  }
}
