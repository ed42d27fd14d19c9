/**
 * The codebook of `export`: every column of the tidy files with its type, meaning, allowed values
 * (scale anchors, domains, sources) and units, as CSV, as Markdown, and as a Psych-DS
 * `dataset_description.json` (schema.org Dataset with `variableMeasured`), so that the export can go
 * to OSF as it is. A pure function of the manifest.
 */
import { itemScaleId, pairwiseScale, ratedScales } from './formats.js';
import type { Study } from './schema.js';

export interface CodebookEntry {
  readonly file: string;
  readonly column: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'categorical' | 'json';
  readonly meaning: string;
  /** Allowed values, e.g. `1 = Not empathic; ...; 5 = Very empathic`. */
  readonly values: string;
  readonly units: string;
}

const e = (file: string, column: string, type: CodebookEntry['type'], meaning: string, values = '', units = ''): CodebookEntry => ({ file, column, type, meaning, values, units });

export function codebook(study: Study): CodebookEntry[] {
  const domains = study.domains.map((d) => (study.domain_labels[d] ? `${d} (${study.domain_labels[d]})` : d)).join('; ');
  const sources = study.sources
    .map((s) => `${s.id} (${s.kind === 'corpus' ? (s.model ? `replies by ${s.model}, written elsewhere` : 'replies written by people') : s.kind === 'variant' ? `${s.of}'s replies, ${s.transforms.join(' then ')}` : `${s.model} via ${s.provider}`})`)
    .join('; ');
  const scales = study.instrument.scales
    .map((s) => {
      if (s.type === 'pairwise') return `${s.id}: in choices.csv`;
      if (s.type === 'slider') return `${s.id}: 0 = ${s.anchors[0]} to 100 = ${s.anchors[1]}`;
      const values = s.anchors ? s.anchors.map((a, i) => `${i + 1} = ${a}`).join(', ') : `1 to ${s.points}`;
      return s.type === 'multi-item' ? `${s.items.map((i) => `${itemScaleId(s, i.id)}${i.reverse ? ' (reverse-keyed)' : ''}`).join(', ')}: ${values}` : `${s.id}: ${values}`;
    })
    .join('; ');
  return [
    e('posts.csv', 'post', 'string', "the post's id in the data"),
    e('posts.csv', 'domain', 'categorical', 'the community or topic the post comes from', domains),
    e('posts.csv', 'title', 'string', "the post's title, where it has one"),
    e('posts.csv', 'text', 'string', 'the support-seeking post as shown to raters'),
    e('posts.csv', 'word_count', 'integer', 'words in the text', '', 'words'),
    e('responses.csv', 'response', 'string', "the reply's id (ratings refer to it)"),
    e('responses.csv', 'post', 'string', 'the post the reply answers (posts.csv)'),
    e('responses.csv', 'source', 'categorical', 'who or what wrote the reply', sources),
    e('responses.csv', 'condition', 'categorical', 'the prompt condition the reply was made under', [...new Set(study.sources.flatMap((s) => (s.kind === 'model' ? s.conditions.map((c) => c.id) : ['base'])))].join('; ')),
    e('responses.csv', 'sample', 'integer', 'which of several samples for the same post, source and condition (from 0)'),
    e('responses.csv', 'variant', 'string', 'the style variant (empty for an original reply)'),
    e('responses.csv', 'parent', 'string', 'for a style variant, the reply it was derived from'),
    e('responses.csv', 'provider', 'categorical', 'how the reply was made', 'imported; openai; anthropic; replay; eliza'),
    e('responses.csv', 'model', 'string', 'the model that wrote the reply (empty for replies written by people)'),
    e('responses.csv', 'word_count', 'integer', 'words in the reply', '', 'words'),
    e('responses.csv', 'text', 'string', 'the reply as shown to raters (after the blinding clean-up)'),
    e('responses.csv', 'content_hash', 'string', 'SHA-256 of the manifest, prompts and corpus the reply was made from'),
    e('participants.csv', 'rater', 'string', "the rater's id (a Prolific PID, or the id in an imported file)"),
    e('participants.csv', 'origin', 'categorical', 'where the rater came from', 'prolific (the rating app, from Prolific); anonymous (the rating app, plain link); imported (ratings from another tool); simulated (a synthetic panel, not a person)'),
    e('participants.csv', 'status', 'categorical', "the rater's session", 'started (still rating); completed; returned (left, declined consent or found the study full); timed_out; screened_out; blocked; reset; imported'),
    e('participants.csv', 'total_seconds', 'number', 'time from consent to the last page (empty when not recorded)', '', 'seconds'),
    e('participants.csv', 'attributes', 'json', 'demographics and other attributes (answers in the app, unmatched columns of a ratings export, a raters file)'),
    e('participants.csv', 'excluded', 'boolean', "whether the study's exclusion rules leave the rater out of the analysis", 'true; false'),
    e('participants.csv', 'exclusion_reasons', 'string', 'the rules the rater met, with why'),
    e('ratings.csv', 'rater', 'string', 'the rater (participants.csv)'),
    e('ratings.csv', 'post', 'string', 'the post of the rated reply (posts.csv)'),
    e('ratings.csv', 'domain', 'categorical', "the post's domain", domains),
    e('ratings.csv', 'source', 'categorical', 'the source of the rated reply (source-condition for several prompt conditions)', sources),
    e('ratings.csv', 'response', 'string', 'the rated reply (responses.csv)'),
    e(
      'ratings.csv',
      'scale',
      'categorical',
      'the question answered (a multi-item scale: SCALE.ITEM, one row per item)',
      ratedScales(study)
        .flatMap((s) => (s.type === 'multi-item' ? s.items.map((i) => `${itemScaleId(s, i.id)} ("${i.text}")`) : [`${s.id} ("${s.question}")`]))
        .join('; '),
    ),
    e('ratings.csv', 'value', 'integer', ratedScales(study).some((s) => s.type === 'slider') ? 'the answer, as a scale point (a slider: 0 to 100)' : 'the answer, as a scale point', scales, 'scale points'),
    e('ratings.csv', 'excluded', 'boolean', "whether the rater is left out of the analysis by the study's exclusion rules", 'true; false'),
    ...choiceEntries(study, domains, sources),
  ];
}

/** The columns of choices.csv, for a study with a pairwise scale. */
function choiceEntries(study: Study, domains: string, sources: string): CodebookEntry[] {
  const pw = pairwiseScale(study);
  if (!pw) return [];
  return [
    e('choices.csv', 'rater', 'string', 'the rater (participants.csv)'),
    e('choices.csv', 'post', 'string', 'the post both replies answer (posts.csv)'),
    e('choices.csv', 'domain', 'categorical', "the post's domain", domains),
    e('choices.csv', 'scale', 'categorical', 'the question answered', `${pw.id} ("${pw.question}")`),
    e('choices.csv', 'left', 'string', 'the reply shown first: on the left, or on top on a phone (responses.csv)'),
    e('choices.csv', 'left_source', 'categorical', 'the source of the reply shown first', sources),
    e('choices.csv', 'right', 'string', 'the reply shown second (responses.csv)'),
    e('choices.csv', 'right_source', 'categorical', 'the source of the reply shown second', sources),
    e('choices.csv', 'value', 'integer', 'the preference: negative for the first reply, positive for the second', pw.strength ? '-2 = first, clearly; -1 = first, slightly; 1 = second, slightly; 2 = second, clearly' : '-1 = first; 1 = second'),
    e('choices.csv', 'chosen', 'categorical', 'the reply chosen', 'left; right'),
    e('choices.csv', 'strength', 'categorical', 'how much (empty without strength)', pw.strength ? 'slightly; clearly' : ''),
    e('choices.csv', 'excluded', 'boolean', "whether the rater is left out of the analysis by the study's exclusion rules", 'true; false'),
  ];
}

/** The codebook's columns, in the order `codebook.csv` writes them. */
export const CODEBOOK_COLUMNS = ['file', 'column', 'type', 'meaning', 'values', 'units'] as const;

export function codebookMarkdown(study: Study, entries: readonly CodebookEntry[]): string {
  const md = (s: string) => s.replace(/\|/g, '\\|');
  const out = [`# Codebook: ${study.title ?? study.name}`, '', 'Every column of the tidy export (written by `empathy-lab export`).', ''];
  for (const file of [...new Set(entries.map((x) => x.file))]) {
    out.push(`## ${file}`, '', '| column | type | meaning | values | units |', '| --- | --- | --- | --- | --- |');
    for (const x of entries.filter((y) => y.file === file)) out.push(`| ${md(x.column)} | ${x.type} | ${md(x.meaning)} | ${md(x.values)} | ${md(x.units)} |`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** Psych-DS's dataset_description.json: a schema.org Dataset whose variableMeasured lists every column. */
export function datasetDescription(study: Study, entries: readonly CodebookEntry[]): Record<string, unknown> {
  const byColumn = new Map<string, CodebookEntry[]>();
  for (const x of entries) byColumn.set(x.column, [...(byColumn.get(x.column) ?? []), x]);
  return {
    '@context': 'https://schema.org/',
    '@type': 'Dataset',
    name: study.title ?? study.name,
    description: study.description ?? `Perceived-empathy ratings of replies to support-seeking posts, exported by empathy-lab from the study "${study.name}".`,
    schemaVersion: 'Psych-DS 0.1.0',
    variableMeasured: [...byColumn].map(([name, xs]) => {
      const x = xs[0];
      return {
        '@type': 'PropertyValue',
        name,
        description: `${x.meaning} (in ${xs.map((y) => y.file).join(', ')})`,
        ...(x.units ? { unitText: x.units } : {}),
        ...(x.values ? { value: x.values } : {}),
      };
    }),
  };
}
