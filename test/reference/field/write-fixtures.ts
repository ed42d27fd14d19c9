/**
 * Writes the field-study reference set as the dashboard's `field-posts.csv` download writes it: one
 * row per post (arm, supporter, hours to reply, the edit share, and the measures by phase). Drawn
 * here from the project's own field simulator (three arms, a planted effect, supporters as a random
 * effect), seeded so the file can be remade; R's references are computed from the file, never from
 * this code.
 *
 *     npx tsx test/reference/field/write-fixtures.ts test/reference/field
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { seededRng } from '../../../src/stats/random.js';
import { DEFAULT_FIELD, simulateField } from '../../../src/stats/simulate-field.js';

const out = process.argv[2] ?? '.';
const rng = seededRng(20261127);
const seekers = simulateField({ ...DEFAULT_FIELD, seekers: 240, supporters: 15, domains: ['work', 'relationships', 'everyday'], arms: ['human', 'assisted', 'model'], effects: { human: 0, assisted: 4, model: -2 }, ratingEffects: { assisted: 0.3, model: -0.2 }, seed: 11 });
const rows = ['post,domain,arm,supporter,hours_to_reply,edit_share,pre_feeling,post_feeling,rating_empathy'];
for (const s of seekers) {
  const hours = ({ human: 6, assisted: 4, model: 0.02 } as Record<string, number>)[s.arm] as number;
  const h = (hours * Math.exp(0.6 * (rng() + rng() + rng() - 1.5) * 2)).toFixed(3);
  const share = s.arm === 'assisted' ? (0.1 + 0.5 * rng()).toFixed(4) : s.arm === 'model' ? '0' : '';
  rows.push([`f${String(s.seeker + 1).padStart(4, '0')}`, s.domain, s.arm, s.arm === 'model' ? 'model' : `sup-${String(s.supporter + 1).padStart(2, '0')}`, h, share, s.pre, s.post, s.rating].join(','));
}
await writeFile(path.join(out, 'field-posts.csv'), `${rows.join('\n')}\n`);
