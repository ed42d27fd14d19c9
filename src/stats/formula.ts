/**
 * The lme4 formula language: `y ~ fixed + (slopes | group)`.
 *
 * Fixed part: variables, interactions `a:b`, crossing `a*b` (= a + b + a:b), parentheses
 * `(a + b):c`, intercept control `1`, `0 +`, `- 1`, removal `- a`. Random terms: `(1 | g)`,
 * `(x | g)`, `(1 + x | g)` (correlated), `(0 + x | g)`, `(1 | a:b)`, `(1 | a/b)` (= (1|a) + (1|a:b)),
 * and `(x || g)` (uncorrelated: one term per column). Terms are ordered as R orders them: by degree,
 * first appearance within a degree.
 */
import { StatsInputError } from './errors.js';

/** A model term: the variables whose interaction it is; [] is the intercept. */
export type Term = readonly string[];

export interface RandomTerm {
  /** Whether the term has a random intercept. */
  readonly intercept: boolean;
  /** Slope terms (variables or interactions). */
  readonly terms: readonly Term[];
  /** The grouping factor: one variable, or an interaction of several (`post:rater`). */
  readonly group: readonly string[];
}

export interface Formula {
  readonly response: string;
  readonly intercept: boolean;
  readonly fixed: readonly Term[];
  readonly random: readonly RandomTerm[];
  readonly text: string;
}

type Token = { kind: 'name' | 'num' | 'op'; text: string; pos: number };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (text.startsWith('||', i)) {
      out.push({ kind: 'op', text: '||', pos: i });
      i += 2;
      continue;
    }
    if ('~+-*:/|()'.includes(ch)) {
      out.push({ kind: 'op', text: ch, pos: i });
      i++;
      continue;
    }
    const m = /^(?:[A-Za-z.][A-Za-z0-9._]*|`[^`]+`)/.exec(text.slice(i));
    if (m) {
      out.push({ kind: 'name', text: m[0].replace(/`/g, ''), pos: i });
      i += m[0].length;
      continue;
    }
    const n = /^\d+(?:\.\d+)?/.exec(text.slice(i));
    if (n) {
      out.push({ kind: 'num', text: n[0], pos: i });
      i += n[0].length;
      continue;
    }
    throw new StatsInputError(`unexpected character "${ch}" at position ${i + 1}`, `formula "${text}"`, 'write the formula as in lme4, e.g. value ~ source + (1 | post) + (1 | rater)');
  }
  return out;
}

const key = (t: Term) => [...t].sort().join(':');

/** A set of terms with R's intercept bookkeeping. */
interface TermSet {
  terms: Term[];
  intercept: boolean | undefined; // undefined: not said (default: present)
}

function union(a: Term[], b: Term[]): Term[] {
  const seen = new Set(a.map(key));
  return [...a, ...b.filter((t) => !seen.has(key(t)) && seen.add(key(t)))];
}

function interact(a: Term[], b: Term[]): Term[] {
  const out: Term[] = [];
  for (const x of a) for (const y of b) out.push([...x, ...y.filter((v) => !x.includes(v))]);
  return union([], out);
}

class Parser {
  #i = 0;
  readonly random: RandomTerm[] = [];
  constructor(
    readonly tokens: Token[],
    readonly text: string,
  ) {}

  peek(): Token | undefined {
    return this.tokens[this.#i];
  }
  next(): Token {
    const t = this.tokens[this.#i++];
    if (!t) this.fail('the formula ends too early');
    return t;
  }
  expect(op: string): void {
    const t = this.next();
    if (t.text !== op) this.fail(`expected "${op}" at position ${t.pos + 1}, found "${t.text}"`);
  }
  fail(message: string): never {
    throw new StatsInputError(message, `formula "${this.text}"`, 'write the formula as in lme4, e.g. value ~ source + (1 | post) + (1 | rater)');
  }

  /** sum := ['-'] product (('+' | '-') product)* */
  sum(stopAt: string[]): TermSet {
    const set: TermSet = { terms: [], intercept: undefined };
    let sign = 1;
    if (this.peek()?.text === '-') {
      this.next();
      sign = -1;
    }
    for (;;) {
      this.product(set, sign);
      const t = this.peek();
      if (!t || stopAt.includes(t.text)) return set;
      if (t.text === '+') sign = 1;
      else if (t.text === '-') sign = -1;
      else this.fail(`unexpected "${t.text}" at position ${t.pos + 1}`);
      this.next();
    }
  }

  product(set: TermSet, sign: number): void {
    const t = this.peek();
    if (t?.kind === 'num') {
      this.next();
      if (t.text !== '0' && t.text !== '1') this.fail(`only 0 or 1 may stand alone, found ${t.text}`);
      set.intercept = (t.text === '1') === (sign > 0);
      return;
    }
    if (t?.text === '(' && this.isRandomTerm()) {
      if (sign < 0) this.fail('a random term cannot be removed with "-"');
      this.randomTerm();
      return;
    }
    let terms = this.atom();
    for (;;) {
      const op = this.peek()?.text;
      if (op !== '*' && op !== ':') break;
      this.next();
      const rhs = this.atom();
      terms = op === ':' ? interact(terms, rhs) : union(union(terms, rhs), interact(terms, rhs));
    }
    if (sign > 0) set.terms = union(set.terms, terms);
    else {
      const drop = new Set(terms.map(key));
      set.terms = set.terms.filter((x) => !drop.has(key(x)));
    }
  }

  atom(): Term[] {
    const t = this.next();
    if (t.kind === 'name') return [[t.text]];
    if (t.text === '(') {
      const inner = this.sum([')']);
      this.expect(')');
      return inner.terms;
    }
    return this.fail(`expected a variable at position ${t.pos + 1}, found "${t.text}"`);
  }

  isRandomTerm(): boolean {
    let depth = 0;
    for (let k = this.#i; k < this.tokens.length; k++) {
      const s = this.tokens[k].text;
      if (s === '(') depth++;
      else if (s === ')') {
        depth--;
        if (depth === 0) return false;
      } else if ((s === '|' || s === '||') && depth === 1) return true;
    }
    return false;
  }

  randomTerm(): void {
    const open = this.next();
    const lhs = this.sum(['|', '||']);
    const bar = this.next().text;
    const groups: string[][] = [];
    let current: string[] = [this.groupName()];
    for (;;) {
      const op = this.peek()?.text;
      if (op === ':') {
        this.next();
        current.push(this.groupName());
      } else if (op === '/') {
        this.next();
        groups.push(current);
        current = [...current, this.groupName()];
      } else break;
    }
    groups.push(current);
    if (this.peek()?.text !== ')') this.fail(`expected ")" to close the random term opened at position ${open.pos + 1}`);
    this.next();
    const intercept = lhs.intercept ?? true;
    if (!intercept && lhs.terms.length === 0) this.fail(`the random term at position ${open.pos + 1} has no intercept and no slope`);
    for (const group of groups) {
      if (bar === '||') {
        if (intercept) this.random.push({ intercept: true, terms: [], group });
        for (const t of lhs.terms) this.random.push({ intercept: false, terms: [t], group });
      } else this.random.push({ intercept, terms: lhs.terms, group });
    }
  }

  groupName(): string {
    const t = this.next();
    if (t.kind !== 'name') this.fail(`expected a grouping variable at position ${t.pos + 1}, found "${t.text}"`);
    return t.text;
  }
}

/** Terms sorted by degree (main effects, then two-way interactions, ...), stably, as R does. */
export function orderTerms(terms: readonly Term[]): Term[] {
  return [...terms].map((t, i) => ({ t, i })).sort((a, b) => a.t.length - b.t.length || a.i - b.i).map(({ t }) => t);
}

export function parseFormula(text: string): Formula {
  const tokens = tokenize(text);
  const parser = new Parser(tokens, text);
  const lhs = parser.next();
  if (lhs.kind !== 'name') parser.fail('the formula must start with the response variable, e.g. value ~ ...');
  parser.expect('~');
  const rhs = parser.sum([]);
  return {
    response: lhs.text,
    intercept: rhs.intercept ?? true,
    fixed: orderTerms(rhs.terms),
    random: parser.random.map((r) => ({ ...r, terms: orderTerms(r.terms) })),
    text,
  };
}

/** The variables a formula uses (response, fixed, slopes, grouping), in first-use order. */
export function formulaVariables(f: Formula): string[] {
  const out = new Set<string>([f.response]);
  for (const t of f.fixed) for (const v of t) out.add(v);
  for (const r of f.random) {
    for (const t of r.terms) for (const v of t) out.add(v);
    for (const g of r.group) out.add(g);
  }
  return [...out];
}
