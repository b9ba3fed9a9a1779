/// One chart as inline SVG: a plot area with axes, gridlines, data series, reference lines,
/// a legend, and a text alternative (`<title>`, `<desc>`, `role="img"`, `aria-labelledby`).
///
/// Builders (``DecisionChart``, ``ExceedanceChart``, ``DriftFanChart``, ``ServiceGapChart``)
/// make a chart from its axes and legend, then add layers in data coordinates. The markup
/// uses stable classes that the tests and the browser check look for: `axis x-axis`,
/// `axis y-axis`, `tick`, `axis-title`, `grid`, `legend`, `series` (one group per data
/// series, named by `data-series`), `band`, `bar`, `interval` and `reference`.
struct SVGChart {
  struct Axis {
    var title: String
    var domain: ClosedRange<Double>
    var ticks: [Double]
    var label: (Double) -> String

    /// An axis over round ticks covering `lower...upper`.
    static func nice(
      _ title: String, _ lower: Double, _ upper: Double, count: Int = 6, label: @escaping (Double) -> String
    ) -> Axis {
      let (domain, ticks) = ChartScale.niceTicks(lower, upper, count: count)
      return Axis(title: title, domain: domain, ticks: ticks, label: label)
    }

    /// The same axis with its domain widened by `fraction` of its span on each side, so
    /// that markers and intervals at the ends are not cut by the plot's edge.
    func padded(_ fraction: Double) -> Axis {
      let pad = (domain.upperBound - domain.lowerBound) * fraction
      return Axis(title: title, domain: (domain.lowerBound - pad)...(domain.upperBound + pad), ticks: ticks, label: label)
    }
  }

  /// A point marker; series that may coincide get different shapes.
  enum Marker { case circle, square, diamond }

  struct LegendEntry {
    enum Swatch { case line(dash: String?, marker: Marker? = nil), band(opacity: Double), bar, ring }
    var label: String
    var color: String
    var swatch: Swatch
  }

  let id: String
  let title: String
  let summary: String
  let width: Double, height: Double
  let x: Axis, y: Axis
  let legend: [LegendEntry]
  /// The plot area: left, top, right, bottom edges in SVG coordinates.
  let left: Double, top: Double, right: Double, bottom: Double
  let xScale: ChartScale, yScale: ChartScale
  private(set) var layers: [String] = []
  private let legendLayout: [(entry: LegendEntry, x: Double, y: Double)]

  static let legendRowHeight = 18.0

  init(
    id: String, title: String, summary: String, x: Axis, y: Axis, legend: [LegendEntry] = [],
    width: Double = 760, height: Double = 400
  ) {
    self.id = HTMLText.identifier(id); self.title = title; self.summary = summary
    self.x = x; self.y = y; self.legend = legend; self.width = width; self.height = height
    left = 78; right = width - 24; bottom = height - 52
    // Legend rows above the plot, wrapped by an estimate of the text width (12 px type).
    var layout = [(entry: LegendEntry, x: Double, y: Double)]()
    var cursor = left, row = 0.0
    for entry in legend {
      let w = 30 + Double(entry.label.count) * 6.6 + 18
      if cursor + w > right && cursor > left { cursor = left; row += 1 }
      layout.append((entry, cursor, 14 + row * Self.legendRowHeight))
      cursor += w
    }
    legendLayout = layout
    top = legend.isEmpty ? 16 : 14 + (row + 1) * Self.legendRowHeight + 6
    xScale = ChartScale(domain: x.domain, range: (left, right))
    yScale = ChartScale(domain: y.domain, range: (bottom, top))
  }

  private func c(_ v: Double) -> String { HTMLText.coordinate(v) }
  private func e(_ s: String) -> String { HTMLText.escape(s) }

  /// The x value clamped to the domain, in SVG coordinates.
  private func px(_ v: Double) -> Double { xScale(min(max(v, x.domain.lowerBound), x.domain.upperBound)) }
  private func py(_ v: Double) -> Double { yScale(min(max(v, y.domain.lowerBound), y.domain.upperBound)) }

  private func path(_ points: [(x: Double, y: Double)]) -> String {
    points.enumerated().map { i, p in "\(i == 0 ? "M" : "L")\(c(px(p.x))) \(c(py(p.y)))" }.joined(separator: " ")
  }

  // MARK: Layers

  /// A data series drawn as a line, with optional markers at its points.
  mutating func addLine(
    _ name: String, points: [(x: Double, y: Double)], color: String, dash: String? = nil,
    lineWidth: Double = 2.5, marker: Marker? = nil
  ) {
    var out = "<g class=\"series\" data-series=\"\(e(name))\">"
    if points.count > 1 {
      out += "<path d=\"\(path(points))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(c(lineWidth))\""
      out += " stroke-linejoin=\"round\" stroke-linecap=\"round\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>"
    }
    if let shape = marker ?? (points.count == 1 ? .circle : nil) {
      for p in points { out += Self.marker(shape, x: px(p.x), y: py(p.y), color: color) }
    }
    layers.append(out + "</g>")
  }

  static func marker(_ shape: Marker, x: Double, y: Double, color: String) -> String {
    let c = HTMLText.coordinate
    switch shape {
    case .circle:
      return "<circle class=\"marker\" cx=\"\(c(x))\" cy=\"\(c(y))\" r=\"4\" fill=\"\(color)\"/>"
    case .square:
      return "<rect class=\"marker\" x=\"\(c(x - 3.5))\" y=\"\(c(y - 3.5))\" width=\"7\" height=\"7\" fill=\"\(color)\"/>"
    case .diamond:
      return "<path class=\"marker\" d=\"M\(c(x)) \(c(y - 5)) L\(c(x + 5)) \(c(y)) L\(c(x)) \(c(y + 5)) L\(c(x - 5)) \(c(y)) Z\" fill=\"\(color)\"/>"
    }
  }

  /// A shaded band between two curves over the same x values (a fan chart's interval).
  mutating func addBand(_ name: String, lower: [(x: Double, y: Double)], upper: [(x: Double, y: Double)], color: String, opacity: Double) {
    guard !lower.isEmpty, lower.count == upper.count else { return }
    let outline = path(upper + lower.reversed()) + " Z"
    layers.append(
      "<g class=\"band\" data-series=\"\(e(name))\"><path d=\"\(outline)\" fill=\"\(color)\" fill-opacity=\"\(c(opacity))\" stroke=\"none\"/></g>")
  }

  /// Vertical interval bars (95 % intervals) at each point, shifted `offset` pixels to the
  /// side so that the bars of series that coincide stay visible.
  mutating func addIntervals(
    _ name: String, _ intervals: [(x: Double, lower: Double, upper: Double)], color: String, offset: Double = 0
  ) {
    var out = "<g class=\"interval\" data-series=\"\(e(name))\" stroke=\"\(color)\" stroke-width=\"1.5\">"
    for i in intervals {
      let x0 = px(i.x) + offset, y0 = py(i.lower), y1 = py(i.upper)
      out += "<line x1=\"\(c(x0))\" x2=\"\(c(x0))\" y1=\"\(c(y0))\" y2=\"\(c(y1))\"/>"
      out += "<line x1=\"\(c(x0 - 4))\" x2=\"\(c(x0 + 4))\" y1=\"\(c(y0))\" y2=\"\(c(y0))\"/>"
      out += "<line x1=\"\(c(x0 - 4))\" x2=\"\(c(x0 + 4))\" y1=\"\(c(y1))\" y2=\"\(c(y1))\"/>"
    }
    layers.append(out + "</g>")
  }

  /// An open ring around a point (the recommended margin).
  mutating func addRing(at point: (x: Double, y: Double), color: String, label: String) {
    layers.append(
      "<g class=\"highlight\"><circle cx=\"\(c(px(point.x)))\" cy=\"\(c(py(point.y)))\" r=\"8\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"><title>\(e(label))</title></circle></g>")
  }

  /// Bars: one series, each bar centred at `x` (data units) with a width in pixels.
  mutating func addBars(_ name: String, _ bars: [(x: Double, value: Double)], offset: Double, barWidth: Double, color: String) {
    var out = "<g class=\"series bar\" data-series=\"\(e(name))\" fill=\"\(color)\">"
    for b in bars {
      let x0 = px(b.x) + offset - barWidth / 2
      let y0 = py(max(b.value, 0)), y1 = py(0)
      out += "<rect x=\"\(c(x0))\" y=\"\(c(min(y0, y1)))\" width=\"\(c(barWidth))\" height=\"\(c(max(abs(y1 - y0), 0.5)))\"/>"
    }
    layers.append(out + "</g>")
  }

  /// Interval bars for grouped bars: like ``addIntervals`` but shifted by `offset` pixels.
  mutating func addBarIntervals(_ name: String, _ intervals: [(x: Double, lower: Double, upper: Double)], offset: Double) {
    var out = "<g class=\"interval\" data-series=\"\(e(name))\" stroke=\"#222222\" stroke-width=\"1.2\">"
    for i in intervals {
      let x0 = px(i.x) + offset, y0 = py(i.lower), y1 = py(i.upper)
      out += "<line x1=\"\(c(x0))\" x2=\"\(c(x0))\" y1=\"\(c(y0))\" y2=\"\(c(y1))\"/>"
      out += "<line x1=\"\(c(x0 - 3))\" x2=\"\(c(x0 + 3))\" y1=\"\(c(y0))\" y2=\"\(c(y0))\"/>"
      out += "<line x1=\"\(c(x0 - 3))\" x2=\"\(c(x0 + 3))\" y1=\"\(c(y1))\" y2=\"\(c(y1))\"/>"
    }
    layers.append(out + "</g>")
  }

  /// A horizontal reference line across the plot (a target), labelled above it at its right
  /// end, or at its left end when `labelLeft`.
  mutating func addHorizontalReference(
    y value: Double, label: String, color: String = "#000000", dash: String = "6 4", labelLeft: Bool = false
  ) {
    guard y.domain.contains(value) else { return }
    let yy = c(py(value))
    let anchor = labelLeft ? "x=\"\(c(left + 6))\" text-anchor=\"start\"" : "x=\"\(c(right - 4))\" text-anchor=\"end\""
    layers.append(
      "<g class=\"reference\" data-label=\"\(e(label))\"><line x1=\"\(c(left))\" x2=\"\(c(right))\" y1=\"\(yy)\" y2=\"\(yy)\" stroke=\"\(color)\" stroke-width=\"1.5\" stroke-dasharray=\"\(dash)\"/>"
        + "<text \(anchor) y=\"\(c(py(value) - 5))\" class=\"reference-label\"\(Self.halo)>\(e(label))</text></g>")
  }

  /// A white outline behind text that may cross lines.
  static let halo = " paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\""

  /// Where a vertical reference line's label goes.
  enum VerticalLabel {
    /// Horizontal, beside the line at the top of the plot.
    case besideTop
    /// Running down the line from the top of the plot.
    case alongTop
  }

  /// A vertical reference line (a budget, a year boundary) with its label.
  mutating func addVerticalReference(
    x value: Double, label: String, color: String = "#000000", dash: String = "4 3", labelAt placement: VerticalLabel = .besideTop
  ) {
    guard x.domain.contains(value) else { return }
    let xx = px(value)
    var out = "<g class=\"reference\" data-label=\"\(e(label))\"><line x1=\"\(c(xx))\" x2=\"\(c(xx))\" y1=\"\(c(top))\" y2=\"\(c(bottom))\" stroke=\"\(color)\" stroke-width=\"1.2\" stroke-dasharray=\"\(dash)\"/>"
    switch placement {
    case .besideTop:
      out += "<text x=\"\(c(xx + 4))\" y=\"\(c(top + 12))\" class=\"reference-label\"\(Self.halo)>\(e(label))</text>"
    case .alongTop:
      out += "<text transform=\"translate(\(c(xx - 3)) \(c(top + 4))) rotate(-90)\" text-anchor=\"end\" class=\"reference-label\"\(Self.halo)>\(e(label))</text>"
    }
    layers.append(out + "</g>")
  }

  // MARK: Rendering

  func render() -> String {
    var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"\(id)\" width=\"\(c(width))\" height=\"\(c(height))\""
    s += " viewBox=\"0 0 \(c(width)) \(c(height))\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\">"
    s += "<title id=\"\(id)-title\">\(e(title))</title><desc id=\"\(id)-desc\">\(e(summary))</desc>"
    s += "<defs><clipPath id=\"\(id)-clip\"><rect x=\"\(c(left))\" y=\"\(c(top))\" width=\"\(c(right - left))\" height=\"\(c(bottom - top))\"/></clipPath></defs>"
    s += "<rect class=\"plot-area\" x=\"\(c(left))\" y=\"\(c(top))\" width=\"\(c(right - left))\" height=\"\(c(bottom - top))\" fill=\"#ffffff\"/>"
    // Gridlines at the y ticks.
    s += "<g class=\"grid\" stroke=\"#e3e3e3\" stroke-width=\"1\">"
    for t in y.ticks where y.domain.contains(t) {
      s += "<line x1=\"\(c(left))\" x2=\"\(c(right))\" y1=\"\(c(yScale(t)))\" y2=\"\(c(yScale(t)))\"/>"
    }
    s += "</g>"
    s += "<g class=\"layers\" clip-path=\"url(#\(id)-clip)\">" + layers.joined() + "</g>"
    // Axes.
    s += "<g class=\"axis x-axis\"><line class=\"domain\" x1=\"\(c(left))\" x2=\"\(c(right))\" y1=\"\(c(bottom))\" y2=\"\(c(bottom))\" stroke=\"#444444\"/>"
    for t in x.ticks where x.domain.contains(t) {
      let xx = c(xScale(t))
      s += "<g class=\"tick\"><line x1=\"\(xx)\" x2=\"\(xx)\" y1=\"\(c(bottom))\" y2=\"\(c(bottom + 5))\" stroke=\"#444444\"/>"
      s += "<text x=\"\(xx)\" y=\"\(c(bottom + 18))\" text-anchor=\"middle\">\(e(x.label(t)))</text></g>"
    }
    s += "<text class=\"axis-title\" x=\"\(c((left + right) / 2))\" y=\"\(c(height - 10))\" text-anchor=\"middle\">\(e(x.title))</text></g>"
    s += "<g class=\"axis y-axis\"><line class=\"domain\" x1=\"\(c(left))\" x2=\"\(c(left))\" y1=\"\(c(top))\" y2=\"\(c(bottom))\" stroke=\"#444444\"/>"
    for t in y.ticks where y.domain.contains(t) {
      let yy = c(yScale(t))
      s += "<g class=\"tick\"><line x1=\"\(c(left - 5))\" x2=\"\(c(left))\" y1=\"\(yy)\" y2=\"\(yy)\" stroke=\"#444444\"/>"
      s += "<text x=\"\(c(left - 8))\" y=\"\(c(yScale(t) + 4))\" text-anchor=\"end\">\(e(y.label(t)))</text></g>"
    }
    let midY = (top + bottom) / 2
    s += "<text class=\"axis-title\" transform=\"translate(16 \(c(midY))) rotate(-90)\" text-anchor=\"middle\">\(e(y.title))</text></g>"
    // Legend.
    if !legendLayout.isEmpty {
      s += "<g class=\"legend\">"
      for item in legendLayout {
        let (x0, y0) = (item.x, item.y)
        s += "<g class=\"legend-entry\">"
        switch item.entry.swatch {
        case .line(let dash, let marker):
          s += "<line x1=\"\(c(x0))\" x2=\"\(c(x0 + 24))\" y1=\"\(c(y0))\" y2=\"\(c(y0))\" stroke=\"\(item.entry.color)\" stroke-width=\"2.5\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>"
          if let marker { s += Self.marker(marker, x: x0 + 12, y: y0, color: item.entry.color) }
        case .band(let opacity):
          s += "<rect x=\"\(c(x0))\" y=\"\(c(y0 - 6))\" width=\"24\" height=\"12\" fill=\"\(item.entry.color)\" fill-opacity=\"\(c(opacity))\"/>"
        case .bar:
          s += "<rect x=\"\(c(x0 + 6))\" y=\"\(c(y0 - 6))\" width=\"12\" height=\"12\" fill=\"\(item.entry.color)\"/>"
        case .ring:
          s += "<circle cx=\"\(c(x0 + 12))\" cy=\"\(c(y0))\" r=\"6\" fill=\"none\" stroke=\"\(item.entry.color)\" stroke-width=\"2\"/>"
        }
        s += "<text x=\"\(c(x0 + 30))\" y=\"\(c(y0 + 4))\">\(e(item.entry.label))</text></g>"
      }
      s += "</g>"
    }
    return s + "</svg>"
  }
}
