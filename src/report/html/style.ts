/**
 * The HTML report's stylesheet, inlined into the page (the page loads nothing). Colours follow
 * GitHub's light and dark palettes, with `prefers-color-scheme` choosing; text keeps at least a
 * 4.5:1 contrast on its background in both.
 *
 * @internal
 */
export const REPORT_CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
  --code: #eff1f3; --accent: #0969da;
  --breaking: #cf222e; --risky: #9a6700; --safe: #59636e; --approved: #1a7f37;
  --breaking-bg: #ffebe9; --risky-bg: #fff8c5; --safe-bg: #f6f8fa;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
    --code: #262c36; --accent: #4493f8;
    --breaking: #ff7b72; --risky: #d29922; --safe: #9198a1; --approved: #3fb950;
    --breaking-bg: #3c1618; --risky-bg: #3a2d0a; --safe-bg: #212830;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); }
header, main { padding: 0 20px; }
header { padding-top: 12px; border-bottom: 1px solid var(--line); }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 12px 0 8px; }
h3 { font-size: 15px; margin: 8px 0 4px; overflow-wrap: anywhere; }
h4 { font-size: 13px; margin: 8px 0 2px; color: var(--muted); }
a { color: var(--accent); }
code { background: var(--code); border-radius: 4px; padding: 0 3px; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.verdict { font-size: 17px; font-weight: 600; margin: 4px 0; }
.verdict .sev-breaking { color: var(--breaking); }
.verdict .sev-risky { color: var(--risky); }
.counts, .breaking-list, .warning, .note { margin: 4px 0; overflow-wrap: anywhere; }
.warning { color: var(--breaking); font-weight: 600; }
.sources { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0 12px; color: var(--muted); }
.sources dt { font-weight: 600; }
.sources dd { margin: 0; overflow-wrap: anywhere; }
.filters { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: end; padding: 10px 0; border-bottom: 1px solid var(--line); position: sticky; top: 0; background: var(--bg); z-index: 2; }
.filters fieldset { border: 1px solid var(--line); border-radius: 6px; padding: 2px 8px 4px; margin: 0; }
.filters legend, .filters label.field { font-size: 12px; color: var(--muted); }
.filters label.field { display: flex; flex-direction: column; gap: 2px; }
.filters fieldset label { margin-right: 8px; white-space: nowrap; }
.filters select, .filters input[type=search], button { font: inherit; color: var(--fg); background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 3px 8px; }
.filters input[type=search] { min-width: 16em; }
button { cursor: pointer; }
button:disabled { cursor: default; opacity: 0.6; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
#filter-count { margin: 0; color: var(--muted); }
.panes { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 20px; }
@media (max-width: 900px) { .panes { grid-template-columns: 1fr; } }
.list ol { list-style: none; margin: 0; padding: 0; }
.asset { border-bottom: 1px solid var(--line); }
.asset summary { padding: 5px 2px; cursor: pointer; display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: baseline; }
.asset summary::marker { color: var(--muted); }
.key { font-weight: 600; overflow-wrap: anywhere; min-width: 0; }
.location, .types { color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
.types { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.badge { font-size: 11px; font-weight: 600; border-radius: 10px; padding: 0 7px; border: 1px solid; text-transform: uppercase; }
.sev-breaking.badge { color: var(--breaking); background: var(--breaking-bg); }
.sev-risky.badge { color: var(--risky); background: var(--risky-bg); }
.sev-safe.badge, .sev-none.badge { color: var(--safe); background: var(--safe-bg); }
.mark { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-weight: 700; }
.mark.kind-new { color: var(--approved); }
.mark.kind-removed { color: var(--breaking); }
.mark.kind-modified { color: var(--risky); }
.mark.kind-moved { color: var(--accent); }
.details-body { padding: 0 8px 8px 22px; }
.details-body .actions { margin: 4px 0; }
ul.lines { margin: 0; padding-left: 18px; }
ul.lines li { overflow-wrap: anywhere; }
.tone-breaking { color: var(--breaking); }
.tone-risky { color: var(--risky); }
.tone-approved { color: var(--approved); }
.neighbours, .hint, .kind { color: var(--muted); margin: 4px 0; }
.lineage { position: sticky; top: 76px; align-self: start; height: calc(100vh - 90px); min-height: 560px; display: flex; flex-direction: column; }
.toolbar { display: flex; gap: 6px; margin-bottom: 6px; flex-wrap: wrap; }
#lineage-canvas { display: block; width: 100%; flex: 1 1 auto; min-height: 240px; border: 1px solid var(--line); border-radius: 6px; touch-action: none; cursor: grab; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 12px; color: var(--muted); margin: 6px 0; padding: 0; list-style: none; }
.legend .swatch { display: inline-block; width: 12px; height: 12px; border: 2px solid; vertical-align: -2px; margin-right: 4px; }
.legend .swatch.dashed { border-style: dashed; }
#lineage-focus { border-top: 1px solid var(--line); flex: 0 0 30%; overflow: auto; }
@media (max-width: 900px) { .lineage { position: static; height: auto; } #lineage-canvas { height: 420px; flex: none; } #lineage-focus { max-height: 40vh; } }
.lineage .note { font-size: 12px; color: var(--muted); margin: 0 0 6px; }
.findings ul { padding-left: 18px; }
.findings li { overflow-wrap: anywhere; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
