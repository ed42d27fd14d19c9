/**
 * Prompt files: Markdown with a `## system` part (optional) and a `## user` part, and variables
 * {{post}}, {{title}}, {{domain}}, {{min_words}}, {{max_words}}. An unknown variable is an error
 * naming the file and line, so a typo never reaches a paid call.
 */
import { UserError } from '../errors.js';
import type { Message } from './provider.js';

export const PROMPT_VARIABLES = ['post', 'title', 'domain', 'min_words', 'max_words'] as const;
export type PromptVariables = Record<(typeof PROMPT_VARIABLES)[number], string>;
/** A rewrite prompt (a variant arm's `formal` or `casual`) sees the reply it rewrites, and its post. */
export const REWRITE_VARIABLES = ['reply', 'post', 'title', 'domain'] as const;

export interface PromptTemplate {
  readonly file: string;
  readonly system: string | null;
  readonly user: string;
}

export function parsePrompt(text: string, file: string, variables: readonly string[] = PROMPT_VARIABLES): PromptTemplate {
  const lines = text.split(/\r?\n/);
  const parts: Record<string, string[]> = {};
  let current: string | null = null;
  lines.forEach((line, i) => {
    const heading = /^##\s+(\w+)\s*$/.exec(line);
    if (heading) {
      const name = heading[1].toLowerCase();
      if (name !== 'system' && name !== 'user') throw new UserError(`unknown prompt part "## ${heading[1]}"`, `${file}:${i + 1}`, 'use "## system" and "## user"');
      current = name;
      parts[name] = [];
      return;
    }
    for (const m of line.matchAll(/\{\{\s*([\w-]+)\s*\}\}/g)) {
      if (!variables.includes(m[1])) {
        throw new UserError(`unknown variable {{${m[1]}}}`, `${file}:${i + 1}`, `use one of ${variables.map((v) => `{{${v}}}`).join(', ')}`);
      }
    }
    if (current) parts[current].push(line);
    else if (line.trim() !== '') throw new UserError('text before the first "## system" or "## user" heading', `${file}:${i + 1}`, 'start the prompt with "## user" (and optionally "## system")');
  });
  const user = parts.user?.join('\n').trim();
  if (!user) throw new UserError('the prompt has no "## user" part', file, 'add a "## user" heading with the request, including {{post}}');
  return { file, system: parts.system?.join('\n').trim() || null, user };
}

export function renderPrompt(t: PromptTemplate, vars: Readonly<Record<string, string>>): Message[] {
  const fill = (s: string) => s.replace(/\{\{\s*([\w-]+)\s*\}\}/g, (_, name: string) => vars[name] ?? '');
  return [...(t.system ? [{ role: 'system' as const, content: fill(t.system) }] : []), { role: 'user', content: fill(t.user) }];
}
