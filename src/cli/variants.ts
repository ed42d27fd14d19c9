import { existingVariants, variantParents } from '../store/responses.repository.js';
import { SUMMARIES } from './commands.js';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { makeArmReplies, variantArms } from '../generate/arms.js';
import { variant, type VariantSpec } from '../generate/transforms.js';
import { countWords } from '../language/words.js';
import { newId, nowIso } from '../store/ids.js';
import { insertResponses } from '../store/responses.repository.js';
import type { NewResponse } from '../store/tables.js';
import { providersFor } from './generation.js';
import { armTable } from './arm-table.js';
import { json, table, type Output } from './output.js';
import { storedStudy, withStudy, type OpenStudy, type StudyOptions } from './study-context.js';

interface VariantsOptions extends StudyOptions {
  make?: string;
  source?: string;
  json?: boolean;
}

/** The manifest's variant arms: their derived replies, rated like any source. */
async function makeArms(s: OpenStudy, o: VariantsOptions, output: Output): Promise<void> {
  const arms = variantArms(s.loaded.study);
  if (arms.length === 0) throw new UserError('the study has no variant arms', 'study.yaml sources', 'add a source with kind: variant (of, transforms), or pass --make for unrated variants');
  const only = o.source ? new Set(o.source.split(',')) : undefined;
  for (const id of only ?? []) if (!arms.some((a) => a.id === id)) throw new UserError(`"${id}" is not a variant arm of this study`, '--source', `use one of ${arms.map((a) => a.id).join(', ')}`);
  const rewriters = new Set(arms.filter((a) => !only || only.has(a.id)).flatMap((a) => (a.rewrite ? [a.rewrite.with] : [])));
  const providers = rewriters.size ? await providersFor(s.loaded.study, s.loaded.dir, s.store.db, { only: rewriters }) : new Map();
  const tallies = await makeArmReplies(storedStudy(s), providers, only ? { only } : {});
  output.out(o.json ? json(tallies) : armTable(tallies));
  const failedCalls = tallies.reduce((n, t) => n + t.failedCall, 0);
  if (failedCalls > 0) throw new UserError(`${failedCalls} rewrite ${failedCalls === 1 ? 'call' : 'calls'} failed; nothing was stored for ${failedCalls === 1 ? 'that reply' : 'those replies'}`, 'variants', 'run `empathy-lab variants` again to make what is missing');
}

export function registerVariants(program: Command, output: Output): void {
  program
    .command('variants')
    .summary(SUMMARIES.variants)
    .description(
      'Without --make: makes the derived replies of the manifest\'s variant arms (sources with kind: variant), one per\n' +
        'reply of the parent source, each transform logged; they are rated and analysed like any source, and a rater who\n' +
        'sees a reply never sees its other versions. Model rewrites (formal, casual) must keep the parent\'s content; one\n' +
        'that does not is kept on record as failed-content-check and not rated (unless the arm has allow_failed_checks).\n' +
        'With --make: unrated style variants of every original reply of the chosen sources, for your own analyses:\n' +
        'no-emoji, no-exclamation, add-emoji, add-exclamation, truncate-N. Making them again adds only what is missing.',
    )
    .argument('[dir]', 'study folder', '.')
    .option('--study <file>', 'study manifest (instead of the folder)')
    .option('--db <url>', 'database: a SQLite file or postgres:// URL')
    .option('--make <variants>', 'unrated variants, comma-separated: no-emoji, no-exclamation, add-emoji, add-exclamation, truncate-N')
    .option('--source <ids>', 'only these arms (or, with --make, only replies of these sources)')
    .option('--json', 'print the counts as JSON')
    .addHelpText('after', '\nExamples:\n  $ empathy-lab variants my-study\n  $ empathy-lab variants my-study --make no-emoji,no-exclamation,truncate-100 --source gpt4,llama2')
    .action(async (dir: string, o: VariantsOptions) => {
      if (o.make === undefined) {
        await withStudy(dir, o, (s) => makeArms(s, o, output));
        return;
      }
      const specs: VariantSpec[] = o.make.split(',').map((name) => {
        const v = variant(name.trim());
        if (!v) throw new UserError(`unknown variant "${name}"`, '--make', 'use no-emoji, no-exclamation, add-emoji, add-exclamation or truncate-N (N words)');
        return v;
      });
      await withStudy(dir, o, async ({ store, row, hashes, loaded }) => {
        const declared = loaded.study.sources.map((x) => x.id);
        for (const id of o.source?.split(',') ?? [])
          if (!declared.includes(id)) throw new UserError(`"${id}" is not a source of this study`, '--source', `use one of ${declared.join(', ')}`);
        const parents = await variantParents(store.db, row.id, o.source?.split(','));
        const existing = await existingVariants(store.db, row.id);
        const counts: Array<{ variant: string; made: number; already: number; unchanged: number }> = [];
        const rows: NewResponse[] = [];
        for (const spec of specs) {
          const c = { variant: spec.name, made: 0, already: 0, unchanged: 0 };
          for (const p of parents) {
            if (existing.has(`${p.id}\u0000${spec.name}`)) {
              c.already++;
              continue;
            }
            const text = spec.apply(p.text);
            if (text === p.text) c.unchanged++;
            rows.push({
              ...p,
              id: newId(),
              variant: spec.name,
              parent_id: p.id,
              text,
              word_count: countWords(text),
              content_hash: hashes.content,
              transforms_json: JSON.stringify([{ transform: spec.name, before: p.text, after: text }]),
              created_at: nowIso(),
            });
            c.made++;
          }
          counts.push(c);
        }
        await store.db.transaction().execute((trx) => insertResponses(trx, rows));
        output.out(o.json ? json(counts) : table(['variant', 'made', 'already there', 'same as parent'], counts.map((c) => [c.variant, c.made, c.already, c.unchanged])));
      });
    });
}
