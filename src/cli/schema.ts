import { SUMMARIES } from './commands.js';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { analysisJsonSchema } from '../analysis/schema.js';
import { UserError } from '../errors.js';
import { studyJsonSchema } from '../study/schema.js';
import { json, type Output } from './output.js';

const SCHEMAS: Record<string, () => Record<string, unknown>> = { study: studyJsonSchema, analysis: analysisJsonSchema };

export function registerSchema(program: Command, output: Output): void {
  program
    .command('schema')
    .summary(SUMMARIES.schema)
    .argument('[document]', 'study (study.yaml) or analysis (analysis.json, empathy-lab/analysis@1)', 'study')
    .option('--out <file>', 'write it to a file instead')
    .addHelpText(
      'after',
      '\nExamples:\n  $ empathy-lab schema --out study.schema.json\n  then start study.yaml with: # yaml-language-server: $schema=./study.schema.json\n  $ empathy-lab schema analysis --out analysis.schema.json',
    )
    .action(async (document: string, o: { out?: string }) => {
      const make = SCHEMAS[document];
      if (!make) throw new UserError(`unknown document "${document}"`, 'schema', 'use empathy-lab schema study or empathy-lab schema analysis');
      const text = json(make());
      if (o.out) {
        await writeFile(o.out, `${text}\n`);
        output.err(`wrote ${o.out}`);
      } else output.out(text);
    });
}
