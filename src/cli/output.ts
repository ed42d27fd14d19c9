/** How commands print: JSON for machines, aligned tables and one-line messages for people. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  readonly isTty: boolean;
}

export const consoleOutput: Output = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  get isTty() {
    return Boolean(process.stderr.isTTY);
  },
};

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** A plain aligned table; numbers right-aligned. */
export function table(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const line = (r: ReadonlyArray<string | number>) =>
    r.map((c, i) => (numeric[i] ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * Progress of long work: a redrawn bar with rate and ETA on a terminal, a plain line every 10%
 * otherwise (so logs stay readable).
 */
export class Progress {
  readonly #output: Output;
  readonly #label: string;
  readonly #total: number;
  readonly #started = Date.now();
  #done = 0;
  #lastDecile = -1;
  #lastDraw = 0;

  constructor(output: Output, label: string, total: number) {
    this.#output = output;
    this.#label = label;
    this.#total = Math.max(1, total);
  }

  tick(n = 1): void {
    this.#done = Math.min(this.#total, this.#done + n);
    const now = Date.now();
    if (this.#output.isTty && this.#done < this.#total && now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    const frac = this.#done / this.#total;
    const secs = (now - this.#started) / 1000;
    const rate = secs > 0 ? this.#done / secs : 0;
    const eta = rate > 0 ? (this.#total - this.#done) / rate : 0;
    if (this.#output.isTty) {
      const width = 30;
      const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
      process.stderr.write(`\r${this.#label} [${bar}] ${this.#done}/${this.#total} ${rate.toFixed(1)}/s ETA ${eta.toFixed(0)}s `);
      if (this.#done === this.#total) process.stderr.write('\n');
    } else {
      const decile = Math.floor(frac * 10);
      if (decile !== this.#lastDecile) {
        this.#lastDecile = decile;
        this.#output.err(`${this.#label}: ${this.#done}/${this.#total} (${Math.round(frac * 100)}%)`);
      }
    }
  }
}
