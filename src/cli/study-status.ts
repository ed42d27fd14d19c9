/** What `status` prints, and `demo --no-panel` at its end: a study's posts, replies, imports, participants and ratings. */
import { countPostsByDomain } from '../store/posts.repository.js';
import { countResponsesBySource } from '../store/responses.repository.js';
import { countRatingsByScale } from '../store/ratings.repository.js';
import { countParticipantsByStatus } from '../store/participants.repository.js';
import { listImports } from '../store/imports.repository.js';
import { fieldCounts, safetyLog } from '../store/field.repository.js';
import { json, table, type Output } from './output.js';
import type { OpenStudy } from './study-context.js';

/** Prints what an open study holds (posts per domain, responses per source, ratings, hashes). */
export async function printStatus({ loaded, hashes, store, row }: OpenStudy, output: Output, asJson = false): Promise<void> {
  if (loaded.study.field) {
    const counts = await fieldCounts(store.db, row.id);
    const alerts = (await safetyLog(store.db, row.id)).filter((x) => x.seen_at === null);
    const status = { study: loaded.study.name, type: 'field', manifest: loaded.manifestPath, database: store.label, hashes: { manifest: hashes.manifest, content: hashes.content }, posts: counts, unseenAlerts: new Set(alerts.map((a) => a.post_id)).size };
    if (asJson) return output.out(json(status));
    output.out(`${status.study} (field study)\nmanifest ${status.manifest}\ndatabase ${status.database}`);
    output.out(`\nposts: ${counts.reduce((n, c) => n + c.n, 0)}`);
    if (counts.length) output.out(table(['status', 'arm', 'posts'], counts.map((c) => [c.status, c.arm ?? '-', c.n])));
    output.out(`\nsafety alerts not yet seen on /admin: ${status.unseenAlerts}`);
    return;
  }
    const [posts, responses, participants, ratings, imports] = await Promise.all([
      countPostsByDomain(store.db, row.id),
      countResponsesBySource(store.db, row.id),
      countParticipantsByStatus(store.db, row.id),
      countRatingsByScale(store.db, row.id),
      listImports(store.db, row.id),
    ]);
    const status = {
      study: loaded.study.name,
      title: loaded.study.title ?? null,
      manifest: loaded.manifestPath,
      database: store.label,
      hashes: { manifest: hashes.manifest, content: hashes.content, files: hashes.files },
      posts,
      responses,
      participants,
      ratings,
      imports: imports.map((i) => ({ kind: i.kind, file: i.file, rows: i.rows_inserted, at: i.created_at })),
    };
    if (asJson) return output.out(json(status));
    const total = (xs: Array<Record<string, unknown>>, k: string) => xs.reduce((s, x) => s + Number(x[k]), 0);
    output.out(`${status.study}${status.title ? ` - ${status.title}` : ''}`);
    output.out(`manifest ${status.manifest}\ndatabase ${status.database}`);
    output.out(`content hash ${hashes.content.slice(0, 16)} (manifest ${hashes.manifest.slice(0, 16)})`);
    for (const f of hashes.files) if (f.sha256 === null) output.out(`missing file: ${f.path}`);
    output.out(`\nposts: ${total(posts, 'posts')}`);
    if (posts.length) output.out(table(['domain', 'posts'], posts.map((p) => [p.domain, p.posts])));
    output.out(`\nresponses: ${total(responses, 'responses')}`);
    if (responses.length) output.out(table(['source', 'condition', 'responses'], responses.map((r) => [r.source, r.condition, r.responses])));
    output.out(`\nparticipants: ${total(participants, 'participants')}`);
    if (participants.length) output.out(table(['status', 'participants'], participants.map((p) => [p.status, p.participants])));
    output.out(`\nratings: ${total(ratings, 'ratings')}`);
    if (ratings.length) output.out(table(['scale', 'ratings'], ratings.map((r) => [r.scale, r.ratings])));
}
