/**
 * The R reference fits (lme4 1.1-31, lmerTest 3.1-3, emmeans 1.8.4), kept in test/reference/lmm so
 * the tests run on any clone; a copy of the project's shared/reference/lmm (a test checks they match).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTable } from '../../src/corpus/table.js';
import type { DataFrame } from '../../src/stats/design.js';

export const REFERENCE_DIR = path.resolve(process.env.EMPATHY_LAB_REFERENCE ?? path.join(import.meta.dirname, '../reference/lmm'));

export interface ReferenceModel {
  formula: string;
  REML: boolean;
  nobs: number;
  ngroups: Record<string, number>;
  fixef: Record<string, number>;
  se: Record<string, number>;
  df_satterthwaite: Record<string, number>;
  t: Record<string, number>;
  p: Record<string, number>;
  varcor: Array<{ grp: string; var1: string | null; var2: string | null; vcov: number; sdcor: number }>;
  sigma: number;
  deviance_or_reml_criterion: number;
  logLik: number;
  singular: boolean;
}

export interface ReferenceFile {
  dataset: string;
  models: ReferenceModel[];
  contrasts?: {
    emmeans: Array<Record<string, number | string>>;
    pairs_holm: Array<Record<string, number | string>>;
  };
}

export function readReference(name: string): ReferenceFile {
  return JSON.parse(readFileSync(path.join(REFERENCE_DIR, `${name}.lme4.json`), 'utf8')) as ReferenceFile;
}

/** A reference CSV as a data frame of strings (typed by the model frame, as read.csv types them). */
export function readReferenceData(file: string): DataFrame {
  const table = parseTable(readFileSync(path.join(REFERENCE_DIR, file)), 'csv', file);
  const frame: Record<string, string[]> = {};
  for (const c of table.columns) frame[c] = table.records.map((r) => r.values[c] as string);
  return frame;
}

/** The README's agreement: 1e-4 relative, or 1e-6 absolute near zero. */
export function expectClose(actual: number, expected: number, rel = 1e-4, abs = 1e-6): string | null {
  const err = Math.abs(actual - expected);
  if (err <= abs || err <= rel * Math.abs(expected)) return null;
  return `${actual} vs ${expected} (relative error ${(err / Math.abs(expected)).toExponential(2)})`;
}

/** p values: 1e-3 relative above 1e-8, within 0.05 on the log10 scale below. */
export function expectCloseP(actual: number, expected: number): string | null {
  if (expected > 1e-8) return expectClose(actual, expected, 1e-3, 0);
  const d = Math.abs(Math.log10(actual) - Math.log10(expected));
  return d <= 0.05 ? null : `${actual} vs ${expected} (log10 difference ${d.toFixed(3)})`;
}

/**
 * lme4's theta from its reported variance components: per term, the lower Cholesky factor of
 * Sigma / sigma^2, its lower triangle in column-major order (lme4's layout of theta).
 */
export function thetaFromVarCorr(model: ReferenceModel, blocks: ReadonlyArray<{ group: string; names: readonly string[] }>): number[] {
  const s2 = (model.varcor.find((v) => v.grp === 'Residual') as { vcov: number }).vcov;
  const get = (grp: string, a: string, b: string | null) => {
    const row = model.varcor.find((v) => v.grp === grp && ((v.var1 === a && v.var2 === b) || (v.var1 === b && v.var2 === a)));
    return row ? row.vcov / s2 : 0;
  };
  const theta: number[] = [];
  for (const { group, names } of blocks) {
    const r = names.length;
    const l: number[][] = Array.from({ length: r }, () => new Array<number>(r).fill(0));
    for (let j = 0; j < r; j++) {
      let d = get(group, names[j] as string, null);
      for (let k = 0; k < j; k++) d -= (l[j]![k] as number) ** 2;
      l[j]![j] = Math.sqrt(d);
      for (let i = j + 1; i < r; i++) {
        let v = get(group, names[j] as string, names[i] as string);
        for (let k = 0; k < j; k++) v -= (l[i]![k] as number) * (l[j]![k] as number);
        l[i]![j] = v / (l[j]![j] as number);
      }
    }
    for (let j = 0; j < r; j++) for (let i = j; i < r; i++) theta.push(l[i]![j] as number);
  }
  return theta;
}

/** A study of the reference rating set (ratings-within.csv): four sources, one 5-point empathy scale, Holm contrasts. */
export const REFERENCE_STUDY_MANIFEST = `
name: reference-within
domains: [anger, anxiety, covid, parenting, relationships, workplace]
sources:
  - { id: human, kind: corpus }
  - { id: gpt4, kind: corpus }
  - { id: llama2, kind: corpus }
  - { id: mistral, kind: corpus }
instrument:
  scales: [{ id: empathy, question: How empathic is this response?, points: 5 }]
exclusions: { straight_lining: false }
analysis:
  formula: value ~ source + (1 | post:rater) + (1 | post) + (1 | rater)
  reference_source: human
  adjust: holm
`;

/** The import arguments that read ratings-within.csv as another tool wrote it. */
export const REFERENCE_RATINGS_IMPORT = ['--ratings', path.join(REFERENCE_DIR, 'ratings-within.csv'), '--columns', 'rater=rater,post=post,source=source,value=rating,domain=domain', '--scale', 'empathy', '--create-missing'];
