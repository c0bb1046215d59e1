/**
 * The console's one stylesheet, served as /console/assets/console.css (a
 * file, so that the Content-Security-Policy needs no unsafe-inline). Plain
 * CSS, no build step: small screens first, a wider layout from 48em; text
 * and controls at WCAG AA contrast or better; a visible focus ring.
 */
export const CONSOLE_CSS = `
:root { --fg: #1b1f24; --muted: #4a5360; --bg: #ffffff; --panel: #f3f5f8; --line: #c9d1db; --accent: #0b57b0; --accent-fg: #ffffff;
  --ok: #116b2f; --warn: #8a4b00; --bad: #a3161c; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); line-height: 1.5; font-size: 1rem; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible {
  outline: 3px solid #e8a317; outline-offset: 2px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip { position: absolute; left: -999px; top: 0; background: var(--accent); color: var(--accent-fg); padding: .5rem 1rem; }
.skip:focus { left: 0; z-index: 10; }
header.top { background: #12263f; color: #fff; padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
header.top a { color: #fff; }
header.top .brand { font-weight: 700; margin-right: auto; color: #fff; text-decoration: none; }
header.top nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem .9rem; margin: 0; padding: 0; }
header.top nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
header.top form { display: inline; margin: 0; }
header.top button, header.top select { background: transparent; color: #fff; border: 1px solid #9fb3cc; border-radius: 4px; padding: .2rem .6rem; font: inherit; }
header.top select option { color: #000; }
main { padding: 1rem; max-width: 72rem; margin: 0 auto; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
.grid { display: grid; grid-template-columns: 1fr; gap: 1rem; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; }
.figure { font-size: 2rem; font-weight: 700; margin: 0; }
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.table-wrap { overflow-x: auto; }
form.stack { display: grid; gap: .75rem; max-width: 32rem; }
form.inline { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
label { display: block; font-weight: 600; }
label .hint { display: block; font-weight: 400; color: var(--muted); font-size: .9rem; }
input, select, textarea { font: inherit; padding: .45rem .5rem; border: 1px solid #6b7685; border-radius: 4px; width: 100%; max-width: 32rem; background: #fff; color: var(--fg); }
form.inline input, form.inline select { width: auto; }
button, .button { font: inherit; background: var(--accent); color: var(--accent-fg); border: 0; border-radius: 4px; padding: .5rem 1rem; cursor: pointer; text-decoration: none; display: inline-block; }
button.danger { background: var(--bad); }
button.secondary { background: #45505e; }
.notice { border-left: 6px solid var(--ok); background: #e9f5ec; padding: .6rem 1rem; margin: 0 0 1rem; }
.error { border-left: 6px solid var(--bad); background: #fbeaea; padding: .6rem 1rem; margin: 0 0 1rem; }
.error ul { margin: .25rem 0 0; }
.status-active { color: var(--ok); font-weight: 700; }
.status-suspended { color: var(--bad); font-weight: 700; }
.actions { display: grid; gap: 1rem; grid-template-columns: 1fr; }
.actions form { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .75rem; margin: 0; }
.actions h3 { margin: 0 0 .5rem; font-size: 1rem; }
.pager { display: flex; gap: 1rem; margin: 1rem 0; }
.bars rect { fill: var(--accent); }
.bars text { fill: var(--fg); font-size: 11px; }
.charts { display: grid; grid-template-columns: 1fr; gap: 1rem; }
figure.chart { margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .75rem; }
figure.chart figcaption { color: var(--muted); font-size: .9rem; }
.login { max-width: 24rem; margin: 2rem auto; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.summary li { margin-bottom: .25rem; }
@media (min-width: 48em) {
  .grid { grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); }
  .actions { grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); }
  .charts { grid-template-columns: repeat(auto-fit, minmax(24rem, 1fr)); }
  main { padding: 1.5rem 2rem; }
}
`;
