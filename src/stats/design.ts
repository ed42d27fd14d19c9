/**
 * From a data frame and a parsed formula to model matrices, following R's conventions so that
 * coefficients have lme4's names and meaning:
 * - a column whose every value is a number is numeric, otherwise a factor (as `read.csv` does);
 * - factor levels are sorted as `factor()` sorts them (numerically for numbers), and `reference`
 *   moves a level to the front (`relevel`);
 * - a factor in a term is coded by treatment contrasts when the term without it is in the model
 *   (the intercept for a main effect), by indicators otherwise (`model.matrix`'s rule);
 * - columns of an interaction vary fastest in their first variable; names are `sourcegpt4`,
 *   `sourcegpt4:domainanxiety`, `(Intercept)`.
 * Rows with a missing value in any variable the model uses are dropped (R's `na.omit`).
 */
import { StatsInputError, lookup } from './errors.js';
import type { Formula, Term } from './formula.js';

export type Cell = string | number | null | undefined;

/** Column-oriented data: every column the same length. */
export type DataFrame = Readonly<Record<string, readonly Cell[]>>;

export interface FactorColumn {
  readonly kind: 'factor';
  readonly levels: readonly string[];
  /** Level index per row. */
  readonly codes: Int32Array;
}
export interface NumericColumn {
  readonly kind: 'numeric';
  readonly values: Float64Array;
}
export type Column = FactorColumn | NumericColumn;

const isMissing = (v: Cell) => v === null || v === undefined || v === '' || v === 'NA' || (typeof v === 'number' && Number.isNaN(v));

const collator = new Intl.Collator('en', { numeric: false, sensitivity: 'variant' });

/** R's sort order for factor levels: numeric when every level is a number, collation otherwise. */
export function sortLevels(levels: Iterable<string>): string[] {
  const list = [...new Set(levels)];
  if (list.every((l) => l.trim() !== '' && Number.isFinite(Number(l)))) return list.sort((a, b) => Number(a) - Number(b));
  return list.sort((a, b) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0));
}

export function isNumericColumn(values: readonly Cell[]): boolean {
  let any = false;
  for (const v of values) {
    if (isMissing(v)) continue;
    if (typeof v === 'number') any = true;
    else if (String(v).trim() !== '' && Number.isFinite(Number(v))) any = true;
    else return false;
  }
  return any;
}

export function factorColumn(values: readonly Cell[], reference?: string, name = 'factor'): FactorColumn {
  const strings = values.map((v) => String(v));
  let levels = sortLevels(strings);
  if (reference !== undefined) {
    if (!levels.includes(reference)) {
      throw new StatsInputError(`"${reference}" is not a level of ${name} (levels: ${levels.slice(0, 10).join(', ')})`, name, `choose one of its levels for --ref ${name}=LEVEL`);
    }
    levels = [reference, ...levels.filter((l) => l !== reference)];
  }
  const index = new Map(levels.map((l, i) => [l, i]));
  const codes = new Int32Array(strings.length);
  strings.forEach((s, i) => {
    codes[i] = lookup(index, s, 'level index');
  });
  return { kind: 'factor', levels, codes };
}

export interface ModelColumns {
  readonly names: string[];
  /** Row-major n x names.length. */
  readonly values: Float64Array;
}

/** Kept rows and typed columns of the variables a formula uses. */
export interface Frame {
  readonly n: number;
  readonly dropped: number;
  readonly columns: ReadonlyMap<string, Column>;
  /** Row index into the original data, per kept row. */
  readonly rows: Int32Array;
}

export function buildFrame(data: DataFrame, variables: readonly string[], factorsAlways: ReadonlySet<string>, reference: Readonly<Record<string, string>> = {}): Frame {
  for (const v of variables) {
    if (!(v in data)) {
      throw new StatsInputError(`no column "${v}" in the data (columns: ${Object.keys(data).join(', ')})`, v, 'check the spelling in the formula');
    }
  }
  const length = data[variables[0]].length;
  const keep: number[] = [];
  for (let i = 0; i < length; i++) if (variables.every((v) => !isMissing(data[v][i]))) keep.push(i);
  const rows = Int32Array.from(keep);
  const columns = new Map<string, Column>();
  for (const v of variables) {
    const raw = data[v];
    const kept = keep.map((i) => raw[i]);
    if (!factorsAlways.has(v) && isNumericColumn(kept) && reference[v] === undefined) {
      columns.set(v, { kind: 'numeric', values: Float64Array.from(kept.map((x) => Number(x))) });
    } else columns.set(v, factorColumn(kept, reference[v], v));
  }
  return { n: keep.length, dropped: length - keep.length, columns, rows };
}

/**
 * The model matrix of a set of terms (with or without an intercept), R's coding rules applied
 * within that set.
 */
export function modelMatrix(frame: Frame, intercept: boolean, terms: readonly Term[]): ModelColumns {
  const present = new Set<string>(terms.map((t) => [...t].sort().join(':')));
  if (intercept) present.add('');
  const n = frame.n;
  const names: string[] = [];
  const makers: Array<(row: number) => number> = [];
  if (intercept) {
    names.push('(Intercept)');
    makers.push(() => 1);
  }
  for (const term of terms) {
    // Each variable's columns: a name suffix and a value function.
    let cols: Array<{ name: string; value: (row: number) => number }> = [{ name: '', value: () => 1 }];
    for (const v of term) {
      const col = frame.columns.get(v) as Column;
      let own: Array<{ name: string; value: (row: number) => number }>;
      if (col.kind === 'numeric') own = [{ name: v, value: (r) => col.values[r] }];
      else {
        const rest = term.filter((x) => x !== v).sort().join(':');
        const contrasts = present.has(rest);
        const from = contrasts ? 1 : 0;
        own = col.levels.slice(from).map((level, k) => ({ name: `${v}${level}`, value: (r: number) => (col.codes[r] === k + from ? 1 : 0) }));
      }
      // First variable varies fastest: new columns are (own outer, previous inner).
      const next: typeof cols = [];
      for (const o of own) for (const c of cols) next.push({ name: c.name ? `${c.name}:${o.name}` : o.name, value: (r) => c.value(r) * o.value(r) });
      cols = next;
    }
    for (const c of cols) {
      names.push(c.name);
      makers.push(c.value);
    }
  }
  const p = names.length;
  const values = new Float64Array(n * p);
  for (let r = 0; r < n; r++) for (let j = 0; j < p; j++) values[r * p + j] = makers[j](r);
  return { names, values };
}

/** The grouping factor of a random term: one variable's levels, or the observed combinations. */
export function groupingFactor(frame: Frame, group: readonly string[]): FactorColumn & { name: string } {
  const name = group.join(':');
  const labels: string[] = new Array(frame.n);
  for (let r = 0; r < frame.n; r++) {
    labels[r] = group
      .map((g) => {
        const col = frame.columns.get(g) as Column;
        return col.kind === 'factor' ? col.levels[col.codes[r]] : String(col.values[r]);
      })
      .join(':');
  }
  return { ...factorColumn(labels, undefined, name), name };
}

export function frameVariablesUsedAsFactors(f: Formula): Set<string> {
  return new Set(f.random.flatMap((r) => r.group));
}
