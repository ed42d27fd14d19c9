/** Parsing the numbers, grids and SOURCE=VALUE lists of `power` and `plan`, each refused in one line naming its flag. */
import { UserError } from '../errors.js';

export function parseNumber(text: string, flag: string, min: number, max: number): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < min || v > max)
    throw new UserError(`expected a number${Number.isFinite(min) ? ` from ${min}` : ''}${Number.isFinite(max) ? ` to ${max}` : ''}, got "${text}"`, flag, `e.g. ${flag} ${Number.isFinite(max) && max <= 1 ? '0.05' : '0.2'}`);
  return v;
}

export function parseCount(text: string, flag: string, zero = false): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < (zero ? 0 : 1)) throw new UserError(`expected a whole number${zero ? '' : ' from 1'}, got "${text}"`, flag, `e.g. ${flag} 200`);
  return v;
}

/** `200`, `20,60,120` or `FROM:TO:STEP` (both ends included). */
export function parseGrid(text: string, flag: string): number[] {
  const range = /^\s*(\d+)\s*:\s*(\d+)\s*:\s*(\d+)\s*$/.exec(text);
  if (range) {
    const [from, to, step] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (step < 1 || from < 1 || to < from) throw new UserError(`expected FROM:TO:STEP with 1 <= FROM <= TO and STEP >= 1, got "${text}"`, flag, `e.g. ${flag} 50:400:50`);
    const out: number[] = [];
    for (let v = from; v <= to; v += step) out.push(v);
    return out;
  }
  const values = text.split(',').map((t) => t.trim());
  if (values.some((t) => !/^\d+$/.test(t) || Number(t) < 1)) throw new UserError(`expected whole numbers (200, 20,60,120) or a range FROM:TO:STEP, got "${text}"`, flag, `e.g. ${flag} 50:400:50`);
  return [...new Set(values.map(Number))];
}

/** `gpt4=3.9,llama2=3.7`: every name a known source, every value a number. */
export function parseSourceValues(text: string, flag: string, sources: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',').map((t) => t.trim()).filter(Boolean)) {
    const m = /^([^=]+)=(.+)$/.exec(part);
    if (!m || !Number.isFinite(Number(m[2]))) throw new UserError(`expected SOURCE=NUMBER, got "${part}"`, flag, `e.g. ${flag} ${sources.slice(0, 2).map((s) => `${s}=3.5`).join(',')}`);
    const source = (m[1] as string).trim();
    if (!sources.includes(source)) throw new UserError(`"${source}" is not one of the sources (${sources.join(', ')})`, flag, `use ${sources.join(', ')}, or name the sources with --sources`);
    out[source] = Number(m[2]);
  }
  return out;
}
