import { ratingDesign } from '../study/schema.js';
import { SUMMARIES } from './commands.js';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { ratersNeeded, simulateBalance } from '../server/assignment.js';
import { loadContent } from '../server/content.js';
import { sessionLength, WORDS_PER_MINUTE } from '../server/duration.js';
import { json, table, type Output } from './output.js';
import { withStudy, type StudyOptions } from './study-context.js';
import { describePowerSearch, powerSearch } from './power-search.js';
import { parseCount } from './power-options.js';

interface PlanOptions extends StudyOptions {
  raters?: string;
  json?: boolean;
  power?: boolean;
  workers?: string;
}

export function registerPlan(program: Command, output: Output): void {
  program
    .command('plan')
    .summary(SUMMARIES.plan)
    .description(
      'Shows the manifest\'s design on the replies the study holds: within-post (each rater rates every reply to\n' +
        'posts_per_rater posts) or one-per-post (one reply per post, sources balanced within each rater). Prints how many\n' +
        'raters reach target_ratings_per_response, and the balance the live assignment reaches with that many (or --raters)\n' +
        'arrivals: ratings per response, per source and per domain.',
    )
    .argument('[dir]', 'study folder', '.')
    .option('--study <file>', 'study manifest (instead of the folder)')
    .option('--db <url>', 'database: a SQLite file or postgres:// URL')
    .option('--raters <n>', 'arrivals to simulate (default: the raters needed)')
    .option('--json', 'print the plan as JSON')
    .option('--no-power', 'skip the power search that analysis.power asks for')
    .option('--workers <n>', 'worker threads for the power search (default: every core)')
    .addHelpText('after', '\nExamples:\n  $ empathy-lab plan my-study\n  $ empathy-lab plan my-study --raters 200 --json\n\nWith analysis.power in the manifest (smallest_effect, target), plan also searches by simulation for the raters\nthat reach the target power for that difference between two sources (see empathy-lab power).')
    .action(async (dir: string, o: PlanOptions) => {
      await withStudy(dir, o, async (opened) => {
        const { loaded, store, row } = opened;
        const d = loaded.study.design;
        const content = await loadContent(store.db, row.id);
        if (content.responses.size === 0) throw new UserError('the study has no replies to rate', dir, 'import or generate replies first');
        const needed = ratersNeeded(ratingDesign(d.type), content.plan, d.posts_per_rater, d.target_ratings_per_response);
        const raters = o.raters === undefined ? needed : Number(o.raters);
        if (!Number.isInteger(raters) || raters < 1) throw new UserError(`expected a whole number of raters, got "${o.raters}"`, '--raters', 'e.g. --raters 200');
        const balance = simulateBalance(ratingDesign(d.type), content.plan, d.posts_per_rater, raters, d.seed);
        const session = sessionLength(loaded.study, content);
        const panels = loaded.study.recruitment.panels.map((p) => {
          const target = p.target_ratings_per_response ?? d.target_ratings_per_response;
          return { panel: p.id, entry: p.entry, target, ratersNeeded: ratersNeeded(ratingDesign(d.type), content.plan, d.posts_per_rater, target) };
        });
        const posts = content.plan.filter((p) => p.responses.length > 0).length;
        const wanted = loaded.study.analysis.power && o.power !== false ? loaded.study.analysis.power : null;
        const power = wanted ? await powerSearch({ opened, dir, content, posts, needed, output, quiet: o.json === true, ...(o.workers !== undefined ? { workers: parseCount(o.workers, '--workers') } : {}) }) : null;
        const plan = { design: d.type, postsPerRater: d.posts_per_rater, target: d.target_ratings_per_response, posts, responses: content.responses.size, ratersNeeded: needed, session, balance, ...(panels.length ? { panels } : {}), ...(power ? { power } : {}) };
        if (o.json) return output.out(json(plan));
        output.out(`${d.type}: ${d.posts_per_rater} posts per rater${d.type === 'within-post' ? ', every reply to each' : ', one reply to each'}; target ${d.target_ratings_per_response} raters per reply`);
        output.out(`${plan.posts} posts, ${plan.responses} replies: ${needed} raters reach the target`);
        // Panels fill every reply to their own targets, each with its own raters.
        for (const p of panels) output.out(`  panel ${p.panel} (${p.entry === 'prolific' ? 'Prolific' : 'private link'}): target ${p.target} raters per reply, ${p.ratersNeeded} raters`);
        output.out(
          `median session: about ${session.minutes} minutes (${session.fastMinutes} at ${WORDS_PER_MINUTE.fast} words per minute, ${session.slowMinutes} at ${WORDS_PER_MINUTE.slow}): ${session.wordsToRead} words to read, ${session.repliesToRate} replies to rate on ${loaded.study.instrument.scales.length} scales; give this as the study's duration on Prolific`,
        );
        output.out(`\nwith ${raters} raters: ${balance.perResponse.min} to ${balance.perResponse.max} raters per reply (mean ${balance.perResponse.mean.toFixed(2)})`);
        output.out(table(['source', 'replies', 'ratings per scale', 'per reply'], balance.perSource.map((s) => [s.source, s.responses, s.ratings, Number((s.ratings / s.responses).toFixed(2))])));
        output.out('');
        output.out(table(['domain', 'posts', 'ratings per scale'], balance.perDomain.map((x) => [x.domain, x.posts, x.ratings])));
        if (power) output.out(`\n${describePowerSearch(power)}`);
      });
    });
}
