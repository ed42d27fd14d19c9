import { SUMMARIES } from './commands.js';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { describePanel, simulatePanelForStudy } from '../simulation/panel.js';
import { json, table, type Output } from './output.js';
import { storedStudy, withStudy, type OpenStudy, type StudyOptions } from './study-context.js';
import { simulateFieldStudy } from '../simulation/field.js';
import { hasFieldPosts, insertSimulatedField } from '../store/field.repository.js';
import { recordSimulatedPanel } from '../store/panels.repository.js';

interface SimulateOptions extends StudyOptions {
  raters?: string;
  seekers?: string;
  supporters?: string;
  panels?: string;
  effect: string[];
  seed?: string;
  json?: boolean;
}

export function registerSimulate(program: Command, output: Output): void {
  program
    .command('simulate')
    .summary(SUMMARIES.simulate)
    .description(
      'Fills the study with simulated raters and their ratings on every scale of the instrument, from a documented model\n' +
        '(src/stats/simulate.ts): rater leniency and scale use, post difficulty, post x rater effects, residual noise, per-source\n' +
        'effects (given with --effect, or derived from the style battery), rounding to the scale, and 5% inattentive raters\n' +
        'who answer at random, rush (a seventh of the usual time) and fail attention checks at random. Session times and\n' +
        'attention results are stored, so the exclusion rules apply. Design: within-post, posts_per_rater posts per rater,\n' +
        'enough raters for target_ratings_per_response. Participants and ratings are stored with origin "simulated".',
    )
    .argument('[dir]', 'study folder', '.')
    .option('--study <file>', 'study manifest (instead of the folder)')
    .option('--db <url>', 'database: a SQLite file or postgres:// URL')
    .option('--raters <n>', 'number of simulated raters (default: enough for the design\'s target ratings per response)')
    .option('--effect <source=value>', 'a source\'s effect in scale points (repeatable; default: from the style battery); source@panel=value: that panel\'s shift on top', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--panels <ids>', 'simulate these panels, each with its own raters (default: the manifest\'s recruitment.panels, if any)')
    .option('--seekers <n>', 'a field study: simulated seekers (default 300)')
    .option('--supporters <n>', 'a field study: simulated supporters (default 20)')
    .option('--seed <n>', 'seed (default: the design\'s seed)')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', '\nExamples:\n  $ empathy-lab simulate examples/demo\n  $ empathy-lab simulate my-field-study --seekers 400 --effect assisted=5\n  $ empathy-lab simulate my-study --raters 200 --effect human=0 --effect gpt4=0.6\n  $ empathy-lab simulate my-study --panels crowd,experts --effect gpt4@experts=-0.4')
    .action(async (dir: string, o: SimulateOptions) => {
      const raters = o.raters === undefined ? undefined : Number(o.raters);
      if (raters !== undefined && (!Number.isInteger(raters) || raters < 1)) throw new UserError(`expected a whole number of raters, got "${o.raters}"`, '--raters', 'e.g. --raters 200');
      const parsed = o.effect.map((e) => {
        const m = /^([^=@]+)(?:@([^=]+))?=(.*)$/.exec(e);
        if (!m || m[3] === '' || !Number.isFinite(Number(m[3]))) throw new UserError(`expected SOURCE=NUMBER or SOURCE@PANEL=NUMBER, got "${e}"`, '--effect', 'e.g. --effect gpt4=0.6 --effect gpt4@experts=-0.4');
        return { source: m[1] as string, panel: m[2], value: Number(m[3]) };
      });
      const plain = parsed.filter((p) => p.panel === undefined);
      const effects = plain.length ? Object.fromEntries(plain.map((p) => [p.source, p.value])) : null;
      const seed = o.seed === undefined ? undefined : Number(o.seed);
      if (seed !== undefined && !Number.isInteger(seed)) throw new UserError(`expected a whole number, got "${o.seed}"`, '--seed', 'e.g. --seed 7');
      await withStudy(dir, o, async (opened) => {
        if (opened.loaded.study.field) return simulateField(opened, o, parsed, seed, output, dir);
        if (o.seekers !== undefined || o.supporters !== undefined) throw new UserError('--seekers and --supporters are for field studies', o.seekers !== undefined ? '--seekers' : '--supporters', 'use --raters for a rating study');
        const declared = opened.loaded.study.sources.map((x) => x.id);
        for (const p of parsed)
          if (!declared.includes(p.source)) throw new UserError(`"${p.source}" is not a source of this study`, '--effect', `use one of ${declared.join(', ')}, e.g. --effect ${declared[0]}=0`);
        const manifestPanels = opened.loaded.study.recruitment.panels.map((p) => p.id);
        const panelIds = o.panels !== undefined ? o.panels.split(',').map((x) => x.trim()).filter(Boolean) : manifestPanels;
        for (const id of panelIds) if (!/^[a-z][a-z0-9_-]*$/.test(id)) throw new UserError(`"${id}" is not a panel id (lower-case letters, digits, "_" or "-")`, '--panels', 'e.g. --panels crowd,experts');
        if (manifestPanels.length) for (const id of panelIds) if (!manifestPanels.includes(id)) throw new UserError(`"${id}" is not a panel of this study`, '--panels', `use ${manifestPanels.join(', ')} (recruitment.panels)`);
        for (const p of parsed) if (p.panel !== undefined && !panelIds.includes(p.panel)) throw new UserError(`"${p.panel}" is not a simulated panel`, '--effect', panelIds.length ? `use one of ${panelIds.join(', ')}` : 'name the panels with --panels crowd,experts');
        const panels = panelIds.map((id) => ({ id, shifts: Object.fromEntries(parsed.filter((p) => p.panel === id).map((p) => [p.source, p.value])) }));
        const summary = await simulatePanelForStudy(storedStudy(opened), dir, { effects, ...(raters !== undefined ? { raters } : {}), ...(seed !== undefined ? { seed } : {}), ...(panels.length ? { panels } : {}) });
        if (!summary) throw new UserError('the study already has a simulated panel', dir, 'use a new study folder (or database) for another panel');
        if (o.json) return output.out(json(summary));
        output.out(describePanel(summary));
        output.out(table(['source', 'effect (scale points)'], Object.entries(summary.effects).map(([k, v]) => [k, Number(v.toFixed(3))])));
        for (const p of summary.panels ?? []) if (Object.keys(p.shifts).length) output.out(`panel ${p.id}: ${Object.entries(p.shifts).map(([k, v]) => `${k} ${v >= 0 ? '+' : ''}${v}`).join(', ')}`);
      }, { field: true });
    });
}

const count = (raw: string | undefined, fallback: number, flag: string, example: string): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`expected a whole number of at least 1, got "${raw}"`, flag, `e.g. ${flag} ${example}`);
  return n;
};

/** `simulate` on a field study: seekers, supporters and outcomes with the planted arm effects. */
async function simulateField(opened: OpenStudy, o: SimulateOptions, parsed: ReadonlyArray<{ source: string; panel: string | undefined; value: number }>, seed: number | undefined, output: Output, dir: string): Promise<void> {
  const study = opened.loaded.study;
  const f = study.field as NonNullable<typeof study.field>;
  if (o.raters !== undefined || o.panels !== undefined) throw new UserError('a field study has seekers and supporters, not raters or panels', o.raters !== undefined ? '--raters' : '--panels', 'use --seekers and --supporters');
  for (const p of parsed) {
    if (p.panel !== undefined || !(f.arms as readonly string[]).includes(p.source)) throw new UserError(`"${p.panel === undefined ? p.source : `${p.source}@${p.panel}`}" is not an arm of this study`, '--effect', `use one of ${f.arms.join(', ')}, e.g. --effect ${f.arms[1]}=5 (points on the 0-100 outcome)`);
  }
  const seekers = count(o.seekers, 300, '--seekers', '300');
  const supporters = count(o.supporters, 20, '--supporters', '20');
  const db = opened.store.db;
  if (await hasFieldPosts(db, opened.row.id)) throw new UserError('the study already has posts', dir, 'simulate into a new study folder (or database); never mix simulated and real seekers');
  const effects = Object.fromEntries(f.arms.map((a) => [a, parsed.find((p) => p.source === a)?.value ?? 0]));
  const { rows, record } = simulateFieldStudy(study, { seekers, supporters, effects, seed: seed ?? study.design.seed, start: new Date('2026-01-05T08:00:00Z') });
  await insertSimulatedField(db, opened.row.id, rows);
  await recordSimulatedPanel(db, opened.row.id, record, new Date().toISOString());
  const summary = { seekers, supporters, screenedOut: rows.posts.filter((p) => p.status === 'screened_out').length, flagged: rows.posts.filter((p) => p.status === 'flagged').length, replies: rows.replies.length, effects };
  if (o.json) return output.out(json(summary));
  output.out(`simulated a field study: ${seekers} seekers (${summary.screenedOut} screened out, ${summary.flagged} flagged), ${supporters} supporters, ${summary.replies} replies; every row has origin "simulated"`);
  output.out(table(['arm', 'planted effect (outcome points)'], Object.entries(effects).map(([k, v]) => [k, v])));
}
