/// The report's one inline style sheet: readable on screen, printable on A4, no web fonts.
enum HTMLReportStyle {
  static let css = """
    :root { color-scheme: light; --ink: #1b1b1b; --muted: #555555; --rule: #d0d0d0; --tint: #f4f6f8; --accent: #0072B2; }
    * { box-sizing: border-box; }
    html { font-size: 15px; }
    body { margin: 0; color: var(--ink); background: #ffffff;
      font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
      line-height: 1.45; }
    main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
    h1 { font-size: 1.9rem; margin: 0.2em 0 0.2em; line-height: 1.2; }
    h2 { font-size: 1.35rem; margin: 2em 0 0.5em; padding-top: 0.4em; border-top: 2px solid var(--ink); }
    h3 { font-size: 1.1rem; margin: 1.4em 0 0.4em; }
    p { margin: 0.4em 0 0.7em; max-width: 62em; }
    .lede { font-size: 1.05rem; color: #333333; }
    .meta { color: var(--muted); font-size: 0.9rem; }
    nav.contents { background: var(--tint); padding: 10px 16px; margin: 18px 0; font-size: 0.92rem; }
    nav.contents ol { margin: 0.2em 0; padding-left: 1.4em; columns: 2; }
    a { color: var(--accent); }
    .cards { display: flex; flex-wrap: wrap; gap: 16px; margin: 12px 0; }
    .card { flex: 1 1 300px; border: 1px solid var(--rule); border-left: 6px solid var(--accent); padding: 12px 16px; background: #ffffff; }
    .card.ration { border-left-color: #D55E00; }
    .card h3 { margin: 0 0 0.3em; font-size: 1rem; color: var(--muted); font-weight: 600; }
    .card .big { font-size: 2rem; font-weight: 700; margin: 0; line-height: 1.2; }
    .card dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; margin: 8px 0 0; font-size: 0.93rem; }
    .card dt { color: var(--muted); }
    .card dd { margin: 0; font-variant-numeric: tabular-nums; }
    figure { margin: 16px 0 24px; }
    figure svg.chart { display: block; width: 100%; max-width: 760px; height: auto; }
    figcaption { font-size: 0.9rem; color: #333333; max-width: 760px; margin-top: 4px; }
    svg.chart text { font-family: inherit; font-size: 12px; fill: #222222; }
    svg.chart .axis-title { font-size: 12.5px; font-weight: 600; }
    svg.chart .reference-label { font-size: 11px; fill: #333333; }
    table { border-collapse: collapse; margin: 8px 0 18px; font-size: 0.8rem; font-variant-numeric: tabular-nums; }
    caption { text-align: left; font-weight: 600; padding: 4px 0; }
    th, td { border-bottom: 1px solid var(--rule); padding: 3px 7px; vertical-align: top; }
    thead th { border-bottom: 2px solid var(--ink); text-align: left; background: var(--tint); }
    td.num, th.num { text-align: right; white-space: nowrap; }
    td .ci { display: block; color: var(--muted); font-size: 0.85em; }
    th[scope="row"] { text-align: left; font-weight: 500; white-space: nowrap; }
    .table-wrap { overflow-x: auto; }
    .note { color: var(--muted); font-size: 0.9rem; }
    dl.manifest { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; font-size: 0.9rem; }
    dl.manifest dt { color: var(--muted); }
    dl.manifest dd { margin: 0; word-break: break-all; }
    footer { margin-top: 40px; padding-top: 10px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 0.85rem; }
    @media print {
      html { font-size: 10pt; }
      table { font-size: 7.5pt; }
      main { max-width: none; padding: 0; }
      nav.contents { display: none; }
      a { color: inherit; text-decoration: none; }
      h2 { break-after: avoid; }
      figure, .card, tr { break-inside: avoid; }
      .table-wrap { overflow: visible; }
      @page { size: A4; margin: 14mm 12mm; }
    }
    """
}
