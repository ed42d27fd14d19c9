/**
 * The report as one self-contained HTML file: no scripts, no fonts or images to fetch, charts as
 * inline SVG, styles inline and print-friendly. Opens from a disk or an e-mail attachment.
 */
import type { ReportInput } from './context.js';
import { statHtml as e } from './format.js';
import type { Figure } from './charts.js';
import { appendixPrompts } from './record.js';
import { methodsParagraph, sectionLeads, simulatedBanner, summarySentences } from './sentences.js';
import { resultSections } from './sections.js';
import { buildTables, formatCell, type ReportTable } from './tables.js';

const REPORT_STYLE = `
:root { color-scheme: light; --ink: #111827; --muted: #4b5563; --rule: #d1d5db; --accent: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 62rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
.banner { background: #fef3c7; border: 1px solid #f59e0b; color: #78350f; padding: .6rem .9rem; border-radius: 6px; font-weight: 600; margin: 0 0 1rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: .2rem 0 .3rem; }
h2 { font-size: 1.2rem; margin: 2.2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1rem; margin: 1.4rem 0 .4rem; }
.subtitle { color: var(--muted); margin: 0 0 1.2rem; }
nav ol { padding-left: 1.4rem; color: var(--muted); }
@media (min-width: 40rem) { nav ol { columns: 2; } }
nav a { color: var(--accent); text-decoration: none; }
ul.findings li { margin: .3rem 0; }
figure { margin: 1rem 0 1.5rem; break-inside: avoid; }
figure .chart { overflow-x: auto; }
/* Figures keep their size (12-13 px text) and scroll sideways on a phone instead of shrinking. */
figure svg { max-width: none; height: auto; }
figcaption { color: var(--muted); font-size: .9rem; margin-top: .3rem; }
table { min-width: min(100%, 34rem); border-collapse: collapse; margin: .5rem 0 1.2rem; font-size: .88rem; font-variant-numeric: tabular-nums; break-inside: avoid; }
/* The title sits outside the table's scroller, so it stays in view when a wide table scrolls. */
.table-title { font-weight: 600; margin: .5rem 0 .1rem; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); text-align: left; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
p.note { color: var(--muted); font-size: .85rem; margin: -.8rem 0 1.2rem; }
.table-wrap { overflow-x: auto; }
p.note-inline { color: var(--muted); font-size: .85rem; margin: 0 0 .3rem; }
pre { background: #f9fafb; border: 1px solid #e5e7eb; padding: .7rem; overflow-x: auto; font-size: .82rem; white-space: pre-wrap; }
dl.provenance { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; font-size: .9rem; }
dl.provenance dt { color: var(--muted); }
dl.provenance dd { margin: 0; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; word-break: break-all; }
@media print {
  body { font-size: 11pt; }
  figure svg { max-width: 100%; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; }
  .banner { border-width: 2px; }
}
`;

export function tableHtml(t: ReportTable): string {
  const head = t.columns.map((c) => `<th scope="col"${c.format === 'text' ? '' : ' class="num"'}>${e(c.label)}</th>`).join('');
  const body = t.rows
    .map((r) => `<tr>${r.map((v, i) => {
      const format = t.columns[i]?.format ?? 'text';
      return `<td${format === 'text' ? '' : ' class="num"'}>${e(formatCell(v, format))}</td>`;
    }).join('')}</tr>`)
    .join('\n');
  return `<p class="table-title" id="title-${e(t.id)}">${e(t.title)}</p><div class="table-wrap"><table id="table-${e(t.id)}" aria-labelledby="title-${e(t.id)}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${t.note ? `<p class="note">${e(t.note)}</p>` : ''}`;
}

function figureHtml(f: Figure, svg: string, n: number): string {
  return `<figure id="${e(f.id)}"><div class="chart" role="img" aria-label="${e(f.title)}">${svg}</div><figcaption><strong>Figure ${n}.</strong> ${e(f.title)}. ${e(f.caption)}</figcaption></figure>`;
}

/** `svgs` holds the rendered figures, by figure id. */
export function reportHtml(input: ReportInput, figures: readonly Figure[], svgs: ReadonlyMap<string, string>): string {
  const { context } = input;
  const banner = simulatedBanner(input);
  const title = context.study.title ?? context.study.name;
  const results = resultSections(figures, buildTables(input), (id) => svgs.has(id), sectionLeads(input)).map((r): [string, string, string] => [
    r.id,
    r.title,
    [...r.lead.map((p) => `<p>${e(p)}</p>`), ...r.figures.map((f) => figureHtml(f.figure, svgs.get(f.figure.id) as string, f.n)), ...r.tables.map(tableHtml)].join(''),
  ]);
  const sections: Array<[string, string, string]> = [
    ['summary', 'Summary', `<ul class="findings">${summarySentences(input).map((s) => `<li>${e(s)}</li>`).join('\n')}</ul>`],
    ['methods', 'Methods', methodsParagraph(input).map((p) => `<p>${e(p)}</p>`).join('\n')],
    ...results,
    ['provenance', 'Appendix: provenance', provenanceHtml(input)],
  ];
  return reportPage({
    title,
    version: context.software.find((x) => x.name === 'empathy-lab')?.version ?? '',
    banner,
    subtitle: `empathy-lab report for the study <strong>${e(context.study.name)}</strong> · manifest ${e(context.study.manifestHash.slice(0, 12))} · corpus ${e(context.study.contentHash.slice(0, 12))}`,
    sections,
  });
}

/**
 * The report's page: head, banner, title, subtitle (HTML), contents and the sections that have a
 * body; shared by a rating study's report and a field study's.
 */
export function reportPage(p: { title: string; version: string; banner: string | null | undefined; subtitle: string; sections: ReadonlyArray<readonly [string, string, string]> }): string {
  const shown = p.sections.filter(([, , body]) => body.trim() !== '');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="empathy-lab ${e(p.version)}">
<title>${e(p.title)}: empathy-lab report</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<main>
${p.banner ? `<p class="banner" id="simulated">${e(p.banner)}</p>\n` : ''}<h1>${e(p.title)}</h1>
<p class="subtitle">${p.subtitle}</p>
<nav aria-label="Contents"><ol>${shown.map(([id, h]) => `<li><a href="#${id}">${e(h)}</a></li>`).join('')}</ol></nav>
${shown.map(([id, h, body]) => `<section id="${id}"><h2>${e(h)}</h2>\n${body}\n</section>`).join('\n')}
</main>
</body>
</html>
`;
}

function provenanceHtml({ context }: ReportInput): string {
  const rows: Array<[string, string]> = [
    ['study', context.study.name],
    ['manifest hash (SHA-256)', context.study.manifestHash],
    ['content hash (manifest, prompts, corpus)', context.study.contentHash],
    ['model', `${context.analysis.formula} (${context.analysis.reml ? 'REML' : 'ML'}; reference ${context.analysis.reference}; ${context.analysis.adjust})`],
    ...context.software.map((s): [string, string] => [s.name, s.version]),
  ];
  const prompts = appendixPrompts(context.sources).map(
    (p) => `<h3>${e(p.title)}${p.file ? ` <small>(${e(p.file)})</small>` : ''}</h3><p class="note-inline">${e(p.note)}</p>${p.text !== null ? `<pre>${e(p.text)}</pre>` : ''}`,
  );
  return `<dl class="provenance">${rows.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>${prompts.length ? `<h3>Prompts, as the replies were made with them</h3>${prompts.join('\n')}` : ''}`;
}
