/**
 * Writes the rating-format reference sets as a survey export would: `choices.csv` (one row per
 * pairwise choice: the rater's Prolific-style id, the post, the two replies' sources in the order
 * shown, the side chosen and how much) and `items.csv` (one row per rater and reply: the answers to a
 * four-item scale, one item reverse-keyed). Drawn here from the project's own simulators, seeded, so
 * the files can be remade; R's references are computed from the files, never from this code.
 *
 *     npx tsx test/reference/formats/write-fixtures.ts test/reference/formats
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { seededRng } from '../../../src/stats/random.js';

const out = process.argv[2] ?? '.';
const rng = seededRng(20261127);
const normal = () => Math.sqrt(-2 * Math.log(rng() || 1e-300)) * Math.cos(2 * Math.PI * rng());
const pid = (i: number) => `5f${(0x3a1c00 + i * 7919).toString(16)}e${String(i).padStart(3, '0')}b2`;

// Pairwise: 4 sources, 40 posts, 60 raters each comparing every pair of the 4 replies of 4 posts.
const sources = ['gpt4', 'human', 'llama2', 'mistral'];
const ability: Record<string, number> = { human: 0, gpt4: 0.9, llama2: 0.35, mistral: 0.5 };
const choiceRows = ['PROLIFIC_PID,post_id,left_source,right_source,choice,strength'];
for (let r = 0; r < 60; r++) {
  const lean = 0.25 + 0.3 * normal(); // this rater's own pull towards the left reply
  for (let k = 0; k < 4; k++) {
    const post = `p${String(((r * 4 + k) % 40) + 1).padStart(3, '0')}`;
    const postShift = Object.fromEntries(sources.map((s) => [s, 0.4 * normal()]));
    for (let i = 0; i < 4; i++)
      for (let j = i + 1; j < 4; j++) {
        const [a, b] = rng() < 0.5 ? [sources[i], sources[j]] : [sources[j], sources[i]];
        const u = (ability[a as string] as number) + (postShift[a as string] as number) - (ability[b as string] as number) - (postShift[b as string] as number) + lean;
        const p = rng();
        const utility = u + Math.log(p / (1 - p));
        choiceRows.push(`${pid(r)},${post},${a},${b},${utility > 0 ? 'left' : 'right'},${Math.abs(utility) > 1.5 ? 'clearly' : 'slightly'}`);
      }
  }
}

// Multi-item: 150 raters x 3 replies, items warm/understood/helpful and cold (reverse-keyed).
const itemRows = ['ResponseId,reply,warm,understood,helpful,cold'];
for (let r = 0; r < 150; r++)
  for (let k = 0; k < 3; k++) {
    const eta = 3.3 + 0.8 * normal();
    const clamp = (y: number) => Math.min(5, Math.max(1, Math.round(y)));
    const item = (loading: number, noise: number) => clamp(3 + loading * (eta - 3.3) + noise * normal());
    itemRows.push(`R_${(r * 3 + k + 1).toString(36).padStart(5, '0')}Xq,reply-${(r + k) % 30},${item(1, 0.6)},${item(0.9, 0.7)},${item(0.8, 0.8)},${6 - item(0.7, 0.9)}`);
  }

await writeFile(path.join(out, 'choices.csv'), `${choiceRows.join('\n')}\n`);
await writeFile(path.join(out, 'items.csv'), `${itemRows.join('\n')}\n`);
console.log(`wrote ${choiceRows.length - 1} choices and ${itemRows.length - 1} answer sets to ${out}`);
