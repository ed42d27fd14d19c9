/** The report as Markdown (figures as SVG files beside it) and its tables as CSV, for papers. */
import type { ReportInput } from './context.js';
import type { Figure } from './charts.js';
import { appendixPrompts } from './record.js';
import { statMarkdown, statPlain } from './format.js';
import { methodsParagraph, sectionLeads, simulatedBanner, summarySentences } from './sentences.js';
import { resultSections } from './sections.js';
import { buildTables, formatCell, type Cell, type ColumnFormat, type ReportTable } from './tables.js';

const mdCell = (s: string) => statMarkdown(s.replace(/\|/g, '\\|').replace(/\n/g, ' '));

export function tableMarkdown(t: ReportTable): string {
  const align = t.columns.map((c) => (c.format === 'text' ? '---' : '---:'));
  const lines = [
    `**${mdCell(t.title)}**`,
    '',
    `| ${t.columns.map((c) => mdCell(c.label)).join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...t.rows.map((r) => `| ${r.map((v, i) => mdCell(formatCell(v, t.columns[i]?.format ?? 'text'))).join(' | ')} |`),
  ];
  if (t.note) lines.push('', `_${t.note}_`);
  return lines.join('\n');
}

/** CSV for papers: numbers to 4 decimals (p values to 4 significant digits), RFC 4180 quoting. */
export function tableCsv(t: ReportTable): string {
  const q = (raw: string) => {
    const s = statPlain(raw);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const cell = (v: Cell, format: ColumnFormat) => {
    if (v === null || (typeof v === 'number' && !Number.isFinite(v))) return '';
    if (typeof v === 'string') return q(v);
    if (format === 'int') return String(Math.round(v));
    if (format === 'p') return v < 1e-4 ? v.toExponential(3) : String(Number(v.toPrecision(4)));
    return String(Number(v.toFixed(4)));
  };
  return `${[t.columns.map((c) => q(c.label)).join(','), ...t.rows.map((r) => r.map((v, i) => cell(v, t.columns[i]?.format ?? 'text')).join(','))].join('\n')}\n`;
}

/** `figureFiles` maps a figure id to the SVG file the Markdown links to. */
export function reportMarkdown(input: ReportInput, figures: readonly Figure[], figureFiles: ReadonlyMap<string, string>): string {
  const banner = simulatedBanner(input);
  const out: string[] = [];
  if (banner) out.push(`> **${statMarkdown(banner)}**`, '');
  out.push(`# ${input.context.study.title ?? input.context.study.name}`, '');
  out.push('## Summary', '', ...summarySentences(input).map((s) => `- ${statMarkdown(s)}`), '');
  out.push('## Methods', '', ...methodsParagraph(input).flatMap((p) => [statMarkdown(p), '']));
  for (const r of resultSections(figures, buildTables(input), (id) => figureFiles.has(id), sectionLeads(input))) {
    out.push(`## ${r.title}`, '');
    for (const p of r.lead) out.push(statMarkdown(p), '');
    for (const { figure: f, n } of r.figures) out.push(`![Figure ${n}. ${f.title}](${figureFiles.get(f.id)})`, '', `_Figure ${n}. ${f.title}. ${f.caption}_`, '');
    for (const t of r.tables) out.push(tableMarkdown(t), '');
  }
  const c = input.context;
  out.push('## Appendix: provenance', '', `- manifest hash: \`${c.study.manifestHash}\``, `- content hash: \`${c.study.contentHash}\``, `- model: \`${c.analysis.formula}\``, ...c.software.map((s) => `- ${s.name} ${s.version}`), '');
  for (const p of appendixPrompts(c.sources)) out.push(`### Prompt: ${p.title}${p.file ? ` (${p.file})` : ''}`, '', `_${p.note}_`, '', ...(p.text !== null ? ['```text', p.text.trimEnd(), '```', ''] : []));
  return `${out.join('\n').trimEnd()}\n`;
}
