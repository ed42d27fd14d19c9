/** How the report writes numbers and text: APA-style p values, fixed decimals, HTML escaping. */

/** A p value as APA 7 prints it: `.034`, `< .001`, `> .999`; null as an en dash. */
export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  if (p < 0.001) return '< .001';
  if (p > 0.999) return '> .999';
  return p.toFixed(3).replace(/^0/, '');
}

/**
 * A statistic's symbol (M, SD, SE, t, p, r, d, df, n, R²), which APA 7 sets in italics; Greek
 * letters (α, χ²) stay upright. The marks are turned into <i> by the HTML, into *...* by the
 * Markdown and dropped from the CSV files.
 */
export const stat = (symbol: string) => `\u0001${symbol}\u0002`;
const STAT = /\u0001([^\u0001\u0002]*)\u0002/g;
/** Text with statistic marks, escaped for HTML, the symbols in <i>. */
export const statHtml = (text: string) => escapeHtml(text).replace(STAT, '<i>$1</i>');
export const statMarkdown = (text: string) => text.replace(STAT, '*$1*');
export const statPlain = (text: string) => text.replace(STAT, '$1');

/** `p = .034`, `p < .001` or `p > .999`, for sentences. */
export function pClause(p: number): string {
  const f = formatP(p);
  return /^[<>]/.test(f) ? `${stat('p')} ${f}` : `${stat('p')} = ${f}`;
}

/** A statistic that cannot exceed 1 in size (r, alpha), without the leading zero APA 7 leaves out: `.32`, `−.02`. */
export function noLeadingZero(x: number | null | undefined, digits = 2): string {
  return fixed(x, digits).replace(/^(−?)0\./, '$1.');
}

/** Degrees of freedom: whole numbers as they are, others with one decimal (APA 7). */
export function formatDf(df: number): string {
  return Number.isInteger(df) ? String(df) : fixed(df, 1);
}

/** Fixed decimals with a true minus sign; null, NaN and undefined as an en dash. */
export function fixed(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const s = x.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s.replace(/^-/, '−');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** English list: "a", "a and b", "a, b and c". */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
