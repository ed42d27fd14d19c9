import { SUMMARIES } from './commands.js';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { toCsv } from '../corpus/table.js';
import { UserError } from '../errors.js';
import { BATTERY, extractFeatures } from '../language/features.js';
import { adjustAcrossFeatures } from '../analysis/study-analysis.js';
import { compareGroups, type GroupComparison } from '../stats/compare-groups.js';
import { ADJUSTMENTS, type Adjustment } from '../stats/emmeans.js';
import { json, type Output } from './output.js';
import { addReplyInputOptions, loadReplies, type ReplyInputOptions } from './replies-input.js';

interface FeaturesOptions extends ReplyInputOptions {
  out?: string;
  reference?: string;
  adjust: string;
  json?: boolean;
}

function comparisonTable(name: string, c: GroupComparison): string {
  const means = c.groups.map((g) => `${g.group} ${g.mean.toFixed(4)} (${g.sd.toFixed(4)})`).join('  ');
  const pairs = c.ols.map((p, i) => {
    const m = c.mixed?.[i];
    return `${p.contrast}: b ${p.b.toFixed(4)}, p ${p.p.toPrecision(2)}${m ? `; mixed b ${m.b.toFixed(4)}, p ${m.p.toPrecision(2)}` : ''}`;
  });
  return [`${name}: ${means}`, ...pairs.map((p) => `  ${p}`)].join('\n');
}

export function registerFeatures(program: Command, output: Output): void {
  addReplyInputOptions(program.command('features'))
    .summary(SUMMARIES.features)
    .description(
      'Computes the style battery (word and sentence counts, pronoun classes, question and exclamation marks, emojis,\n' +
        'positive and negative emotion words, readability, and the empathy categories) for every reply of a study, or for\n' +
        'every row of a CSV/JSONL of texts, writes them to a file, and compares sources on each feature: mean (SD) per source,\n' +
        'and every pair by OLS and by a mixed model with the post as a random intercept (p adjusted with --adjust across every\n' +
        'feature and pair: one family of tests).',
    )
    .option('--unit <column>', 'with --data: the column naming the post (for the mixed model)')
    .option('--id <column>', 'with --data: an id column kept in the output', 'id')
    .option('--out <file>', 'where to write per-reply features (.csv or .jsonl)', 'features.csv')
    .option('--reference <group>', 'the first group (default: human when present)')
    .option('--adjust <method>', 'p adjustment across every feature and pair: holm, bonferroni, none (tukey: holm)', 'holm')
    .option('--json', 'print the comparisons as JSON')
    .addHelpText('after', '\nExamples:\n  $ empathy-lab features examples/demo --out demo-features.csv\n  $ empathy-lab features --data replies.csv --text reply --group model --unit post_id --json')
    .action(async (dir: string, o: FeaturesOptions) => {
      if (!(ADJUSTMENTS as readonly string[]).includes(o.adjust)) throw new UserError(`unknown adjustment "${o.adjust}"`, '--adjust', `use one of ${ADJUSTMENTS.join(', ')}`);
      const { replies: rows } = await loadReplies(dir, o);
      if (rows.length === 0) throw new UserError('no replies to analyse', o.data ?? dir, 'import or generate replies first');
      const features = rows.map((r) => extractFeatures(r.text));
      const names = BATTERY.map((b) => b.name);
      const outRows = rows.map((r, i) => ({ id: r.id, group: r.group, unit: r.unit ?? '', ...features[i] }));
      await writeFile(o.out as string, (o.out as string).endsWith('.jsonl') ? `${outRows.map((r) => JSON.stringify(r)).join('\n')}\n` : toCsv(['id', 'group', 'unit', ...names], outRows));

      const groups = [...new Set(rows.map((r) => r.group))];
      let comparisons: Record<string, GroupComparison> = {};
      if (groups.length >= 2) {
        const reference = o.reference ?? (groups.includes('human') ? 'human' : undefined);
        const units = rows.every((r) => r.unit !== undefined) ? rows.map((r) => r.unit as string) : undefined;
        for (const name of names) {
          comparisons[name] = compareGroups(
            features.map((f) => f[name]),
            rows.map((r) => r.group),
            { ...(units ? { units } : {}), ...(reference ? { reference } : {}), adjust: 'none' },
          );
        }
        // Every feature and pair is one family of tests.
        comparisons = adjustAcrossFeatures(comparisons, o.adjust as Adjustment);
      }
      if (o.json) return output.out(json({ features: o.out, replies: rows.length, comparisons }));
      output.out(`wrote ${rows.length} replies x ${names.length} features to ${o.out}`);
      if (groups.length < 2) return output.out('one source only: no comparisons');
      const method = Object.values(comparisons)[0]?.adjust ?? o.adjust;
      output.out(`\nmean (SD) per source; pairs by OLS and by a mixed model with a random intercept per post (p: ${method} across all ${names.length} features and every pair)\n`);
      output.out(Object.entries(comparisons).map(([n, c]) => comparisonTable(n, c)).join('\n'));
    });
}
