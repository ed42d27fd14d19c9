import { existingVariants, variantParents } from '../store/responses.repository.js';
import { SUMMARIES } from './commands.js';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { variant, type VariantSpec } from '../generate/transforms.js';
import { countWords } from '../language/words.js';
import { newId, nowIso } from '../store/ids.js';
import { insertResponses } from '../store/responses.repository.js';
import type { NewResponse } from '../store/tables.js';
import { json, table, type Output } from './output.js';
import { withStudy, type StudyOptions } from './study-context.js';

interface VariantsOptions extends StudyOptions {
  make: string;
  source?: string;
  json?: boolean;
}

export function registerVariants(program: Command, output: Output): void {
  program
    .command('variants')
    .summary(SUMMARIES.variants)
    .description(
      'Makes style variants of every original reply of the chosen sources, for controlled experiments on what drives\n' +
        'ratings: no-emoji (emojis removed), no-exclamation (exclamation marks turned into full stops), truncate-N (the\n' +
        'whole sentences that fit in N words). Each variant is a new response linked to its parent (parent_id), with the\n' +
        'variant name; making them again adds only what is missing.',
    )
    .argument('[dir]', 'study folder', '.')
    .option('--study <file>', 'study manifest (instead of the folder)')
    .option('--db <url>', 'database: a SQLite file or postgres:// URL')
    .requiredOption('--make <variants>', 'comma-separated: no-emoji, no-exclamation, truncate-N')
    .option('--source <ids>', 'only replies of these sources')
    .option('--json', 'print the counts as JSON')
    .addHelpText('after', '\nExample:\n  $ empathy-lab variants my-study --make no-emoji,no-exclamation,truncate-100 --source gpt4,llama2')
    .action(async (dir: string, o: VariantsOptions) => {
      const specs: VariantSpec[] = o.make.split(',').map((name) => {
        const v = variant(name.trim());
        if (!v) throw new UserError(`unknown variant "${name}"`, '--make', 'use no-emoji, no-exclamation or truncate-N (N words)');
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
