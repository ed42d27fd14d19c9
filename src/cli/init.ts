import { SUMMARIES } from './commands.js';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { packageRoot } from '../paths.js';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { studyJsonSchema } from '../study/schema.js';
import { json, type Output } from './output.js';

/** Shipped beside dist/ and src/: the new-study template and the demo study. */

export const STUDY_TYPES = ['rating', 'field'] as const;
export type StudyType = (typeof STUDY_TYPES)[number];

export async function writeNewStudy(dir: string, name: string, type: StudyType = 'rating'): Promise<string[]> {
  const existing = await readdir(dir).catch(() => [] as string[]);
  if (existing.length > 0) throw new UserError('the folder is not empty', dir, 'choose a new folder name');
  if (!/^[a-z][a-z0-9_-]*$/.test(name)) throw new UserError(`"${name}" is not a usable study name`, '--name', 'use lower-case letters, digits, "_" or "-", starting with a letter');
  await mkdir(dir, { recursive: true });
  await cp(path.join(packageRoot, 'templates', type === 'field' ? 'field' : 'study'), dir, { recursive: true });
  const manifest = path.join(dir, 'study.yaml');
  await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('{{name}}', name));
  await writeFile(path.join(dir, 'study.schema.json'), `${json(studyJsonSchema())}\n`);
  if (type === 'field') {
    // Each supporter's own token, made here so that no two studies share one.
    const tokens = Array.from({ length: 3 }, () => randomBytes(12).toString('hex'));
    await writeFile(path.join(dir, 'supporters.txt'), `# One token per supporter; each opens /supporter?token=TOKEN. Add a line per supporter.\n${tokens.join('\n')}\n`);
    return ['study.yaml', 'study.schema.json', 'prompts/draft.md', 'supporters.txt'];
  }
  return ['study.yaml', 'study.schema.json', 'prompts/base.md', 'corpus/posts.csv', 'corpus/human-replies.csv'];
}

export function registerInit(program: Command, output: Output): void {
  program
    .command('init')
    .summary(SUMMARIES.init)
    .argument('<dir>', 'the new study folder')
    .option('--name <name>', 'study name (default: the folder name)')
    .option('--type <type>', 'rating (a blinded rating study) or field (seekers, supporters and randomised arms)', 'rating')
    .addHelpText('after', '\nExamples:\n  $ empathy-lab init my-study && empathy-lab lint my-study\n  $ empathy-lab init my-field-study --type field')
    .action(async (dir: string, o: { name?: string; type: string }) => {
      if (!(STUDY_TYPES as readonly string[]).includes(o.type)) throw new UserError(`unknown study type "${o.type}"`, '--type', 'use --type rating or --type field');
      const name = o.name ?? path.basename(path.resolve(dir)).toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z]+/, '') ?? 'study';
      const files = await writeNewStudy(dir, name || 'study', o.type as StudyType);
      output.out(`created ${dir}/ with ${files.join(', ')}`);
      if (o.type === 'field')
        output.out(`next: read the README's "Running a field study" (safety and ethics first), edit ${path.join(dir, 'study.yaml')}, then \`empathy-lab lint ${dir}\` and \`empathy-lab simulate ${dir}\``);
      else output.out(`next: put posts in ${path.join(dir, 'corpus/posts.csv')}, then \`empathy-lab lint ${dir}\` and \`empathy-lab import ${dir}\``);
    });
}
