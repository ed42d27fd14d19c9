import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { studyJsonSchema } from '../study/schema.js';
import { json, type Output } from './output.js';

export function registerSchema(program: Command, output: Output): void {
  program
    .command('schema')
    .summary('print the JSON Schema of study.yaml (for editor autocomplete)')
    .option('--out <file>', 'write it to a file instead')
    .addHelpText(
      'after',
      '\nExample:\n  $ empathy-lab schema --out study.schema.json\n  then start study.yaml with: # yaml-language-server: $schema=./study.schema.json',
    )
    .action(async (o: { out?: string }) => {
      const text = json(studyJsonSchema());
      if (o.out) {
        await writeFile(o.out, `${text}\n`);
        output.err(`wrote ${o.out}`);
      } else output.out(text);
    });
}
