import BudgetRiskStudies

/// A section that the HTML report carries beyond its built-in ones.
///
/// This is the seam for figures that later work adds: the design comparison (paired
/// differences between designs on common random numbers) and the drivers ranking (which
/// uncertain parameters move the overspend tail). Each is a type conforming to this
/// protocol, built from its figures and passed to ``HTMLReport/render(figures:manifest:scenario:sections:)``;
/// the report puts it after the per-pool results, lists it in the contents and leaves
/// everything else unchanged. Charts inside a section use the report's `SVGChart`, so they
/// get the same axes, palette and text alternatives.
public protocol HTMLReportSection {
  /// The section's anchor, unique in the report (letters, digits and `-`).
  var anchor: String { get }
  /// Its heading, also its entry in the contents.
  var heading: String { get }
  /// The body: polyglot HTML (every element closed), without the heading.
  func body(figures: RunFigures) -> String
}
