import { SUMMARIES } from './commands.js';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { packageRoot } from '../paths.js';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { studyJsonSchema } from '../study/schema.js';
import { json, type Output } from './output.js';

/** Shipped beside dist/ and src/: the new-study template and the demo study. */

export async function writeNewStudy(dir: string, name: string): Promise<string[]> {
  const existing = await readdir(dir).catch(() => [] as string[]);
  if (existing.length > 0) throw new UserError('the folder is not empty', dir, 'choose a new folder name');
  if (!/^[a-z][a-z0-9_-]*$/.test(name)) throw new UserError(`"${name}" is not a usable study name`, '--name', 'use lower-case letters, digits, "_" or "-", starting with a letter');
  await mkdir(dir, { recursive: true });
  await cp(path.join(packageRoot, 'templates', 'study'), dir, { recursive: true });
  const manifest = path.join(dir, 'study.yaml');
  await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('{{name}}', name));
  await writeFile(path.join(dir, 'study.schema.json'), `${json(studyJsonSchema())}\n`);
  return ['study.yaml', 'study.schema.json', 'prompts/base.md', 'corpus/posts.csv', 'corpus/human-replies.csv'];
}

export function registerInit(program: Command, output: Output): void {
  program
    .command('init')
    .summary(SUMMARIES.init)
    .argument('<dir>', 'the new study folder')
    .option('--name <name>', 'study name (default: the folder name)')
    .addHelpText('after', '\nExample:\n  $ empathy-lab init my-study && empathy-lab lint my-study')
    .action(async (dir: string, o: { name?: string }) => {
      const name = o.name ?? path.basename(path.resolve(dir)).toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z]+/, '') ?? 'study';
      const files = await writeNewStudy(dir, name || 'study');
      output.out(`created ${dir}/ with ${files.join(', ')}`);
      output.out(`next: put posts in ${path.join(dir, 'corpus/posts.csv')}, then \`empathy-lab lint ${dir}\` and \`empathy-lab import ${dir}\``);
    });
}
