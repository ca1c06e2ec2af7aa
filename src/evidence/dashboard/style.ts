/** The dashboard's style sheet: dark text on light, system fonts, and a print layout for A4 and Letter. */
export const DASHBOARD_CSS = `
:root { --ink: #1a1a1a; --muted: #555; --rule: #d0d4d9; --paper: #fff; --band: #f4f6f8;
  --ok: #1e6b34; --ok-bg: #e3f3e6; --bad: #9d1c14; --bad-bg: #fbe7e5; --link: #0b4f9c; }
* { box-sizing: border-box; }
html { color: var(--ink); background: var(--paper); }
body { margin: 0 auto; max-width: 72rem; padding: 0 1.25rem 3rem;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 1.5rem 0 .25rem; }
h2 { font-size: 1.45rem; margin: 2.5rem 0 .75rem; padding-top: .5rem; border-top: 3px solid var(--ink); }
h3 { font-size: 1.12rem; margin: 1.75rem 0 .5rem; }
a { color: var(--link); }
time { white-space: nowrap; }
code, .hash { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, monospace; font-size: .88em; }
.hash, td, th { overflow-wrap: anywhere; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--paper); padding: .5rem; }
.lede { color: var(--muted); margin: 0 0 .75rem; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; padding: 0; margin: .5rem 0 1rem; }
.tiles { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr)); gap: .75rem; }
.tile a { display: block; padding: .75rem 1rem; border: 1px solid var(--rule); border-left-width: 6px; border-radius: 4px; color: var(--ink); text-decoration: none; background: var(--band); height: 100%; }
.tile-ok a { border-left-color: var(--ok); }
.tile-bad a { border-left-color: var(--bad); }
.tile-value { display: block; font-size: 1.6rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.tile-label { display: block; color: var(--muted); font-size: .9rem; }
.table-wrap { overflow-x: auto; margin: .5rem 0 1.25rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0 .5rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid var(--rule); }
thead th { background: var(--band); border-bottom: 2px solid var(--ink); font-weight: 600; }
tbody th { font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.compact { width: auto; min-width: 18rem; }
.muted { color: var(--muted); }
.title { font-weight: 400; }
.empty, .note { color: var(--muted); font-style: italic; }
.note { border-left: 4px solid var(--bad); padding-left: .75rem; color: var(--ink); }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 3px; font-size: .82rem; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.badge.ok { color: var(--ok); background: var(--ok-bg); }
.badge.bad { color: var(--bad); background: var(--bad-bg); }
.badge.neutral { color: var(--muted); background: var(--band); }
.sev { font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; font-weight: 700; }
.sev-critical, .sev-high { color: var(--bad); }
ul.plain, ul.controls, ul.reasons, ul.evidence { margin: 0; padding-left: 1.1rem; }
ul.plain { list-style: none; padding-left: 0; }
ul.controls > li { margin-bottom: .35rem; }
ul.evidence { font-size: .88rem; color: var(--muted); }
ul.evidence code { color: var(--ink); }
figure.chart { margin: 1rem 0 1.5rem; }
.plot { min-height: 2rem; }
/* The chart itself, not its legend's swatches (inside .plot-swatches). */
.plot > svg, .plot > figure > svg { max-width: 100%; height: auto; }
.plot figure { margin: 0; }
figcaption { color: var(--muted); font-size: .9rem; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin: .5rem 0; padding: .75rem; background: var(--band); border: 1px solid var(--rule); border-radius: 4px; }
.filters label { display: flex; flex-direction: column; font-size: .85rem; font-weight: 600; }
.filters select, .filters input, .filters button { font: inherit; font-weight: 400; padding: .25rem .4rem; }
.filters output { font-size: .9rem; color: var(--muted); }
tr:target { outline: 3px solid var(--link); }
footer { margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--rule); color: var(--muted); font-size: .9rem; }
@media print {
  @page { margin: 14mm 12mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  h1 { font-size: 18pt; margin-top: 0; }
  h2 { font-size: 14pt; }
  main > section { break-before: page; }
  h2, h3, caption { break-after: avoid; }
  nav, .no-print, .skip, noscript { display: none !important; }
  .table-wrap { overflow: visible; }
  table { font-size: 8.5pt; width: 100%; }
  thead { display: table-header-group; }
  tr, figure.chart, .tile { break-inside: avoid; }
  th, td { padding: 2pt 4pt; }
  .plot > svg, .plot > figure > svg { width: 100% !important; max-height: 95mm; }
  a { color: var(--ink); text-decoration: none; }
  .tiles { grid-template-columns: repeat(2, 1fr); }
  .tile a { background: none; }
}
`;
