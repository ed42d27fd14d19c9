/**
 * Where `features` and `classify` get their replies: a study's (from its database, with each
 * reply's post and the study's mean rating per reply and scale) or any CSV/JSONL of texts.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { readTable, requireColumns } from '../corpus/table.js';
import { meanRatingsByResponse } from '../store/ratings.repository.js';
import { listResponsesWithPosts } from '../store/responses.repository.js';
import { withStudy, type StudyOptions } from './study-context.js';
import { armLabel } from '../study/arm.js';

export interface ReplyInputOptions extends StudyOptions {
  data?: string;
  text: string;
  group: string;
  unit?: string;
  id?: string;
  rating?: string;
}

export interface ReplyRow {
  readonly id: string;
  /** The source (with its condition when that is not "base"). */
  readonly group: string;
  /** The post, for models with a random intercept per post. */
  readonly unit: string | undefined;
  readonly text: string;
}

export function addReplyInputOptions(cmd: Command): Command {
  return cmd
    .argument('[dir]', 'study folder', '.')
    .option('--study <file>', 'study manifest (instead of the folder)')
    .option('--db <url>', 'database: a SQLite file or postgres:// URL')
    .option('--data <file>', 'a CSV or JSONL of texts instead of a study')
    .option('--text <column>', 'with --data: the text column', 'text')
    .option('--group <column>', 'with --data: the column naming the source', 'source');
}

export async function loadReplies(dir: string, o: ReplyInputOptions): Promise<{ replies: ReplyRow[]; ratings: Map<string, Map<string, number>> }> {
  const ratings = new Map<string, Map<string, number>>();
  if (o.data) {
    const t = await readTable(path.resolve(o.data), { label: o.data });
    requireColumns(t, { text: o.text, group: o.group, unit: o.unit, rating: o.rating }, '', (role) => `name the right column with --${role} NAME`);
    const replies = t.records.map((r, i) => ({
      id: o.id && t.columns.includes(o.id) ? r.values[o.id] : String(i + 1),
      group: r.values[o.group],
      unit: o.unit ? r.values[o.unit] : undefined,
      text: r.values[o.text],
    }));
    if (o.rating) {
      const byId = new Map<string, number>();
      t.records.forEach((r, i) => {
        const v = r.values[o.rating as string].trim();
        if (v !== '' && Number.isFinite(Number(v))) byId.set((replies[i] as ReplyRow).id, Number(v));
      });
      ratings.set(o.rating, byId);
    }
    return { replies, ratings };
  }
  return withStudy(dir, o, async ({ store, row }) => {
    for (const [scale, byId] of await meanRatingsByResponse(store.db, row.id)) ratings.set(scale, byId);
    const replies = (await listResponsesWithPosts(store.db, row.id)).map((r) => ({
      id: r.id,
      group: armLabel(r.source, r.condition),
      unit: r.post,
      text: r.text,
    }));
    return { replies, ratings };
  });
}
