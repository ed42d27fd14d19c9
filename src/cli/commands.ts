/**
 * The commands, in the order `--help` lists them: each one's summary, and its module, loaded only
 * when the command runs, so `--version`, `--help` and a light command such as `fit` do not load
 * Vega, the model SDKs or the web server.
 */
import type { Command } from 'commander';
import type { Output } from './output.js';

export const SUMMARIES = {
  init: 'write a new study folder: study.yaml, a base prompt, empty corpus files',
  demo: 'the whole pipeline offline on the bundled demo study, ending in report.html (no network, no keys)',
  import: 'import posts, human replies or existing ratings (CSV or JSONL, long or wide)',
  lint: 'check the corpus: lengths, near duplicates, question-only posts, personal information',
  generate: 'replies from every model source and prompt condition (resumable)',
  variants: 'the replies of variant arms (style-controlled copies of a source, rated like any source), or unrated style variants',
  plan: 'the rating design: raters needed for the target, and the balance it reaches (and for the power asked, with analysis.power)',
  power: 'power by simulation (as simr): the power of every contrast for a grid of posts and raters, its type I error, a power curve',
  serve: 'the rating web app for participants (Prolific-ready) and the admin dashboard',
  simulate: 'a synthetic panel of raters for pilots and the demo (everything marked simulated)',
  status: 'show what a study holds: posts, responses, participants, ratings, hashes',
  features: 'style features of every reply, and how sources differ on each',
  classify: 'which model wrote this? a bag-of-words classifier of sources, and what predicts ratings',
  analyze: 'all statistics of a study as one JSON document (models, contrasts, means, reliability, language)',
  judge: 'automatic scores of every reply by LLM judges or the offline lexicon baseline, for calibration against people',
  report: 'the report: one self-contained HTML file (or Markdown) with figures, tables and a methods paragraph',
  compare: 'the same model across two studies (a study factor): do the samples agree?',
  export: 'tidy long CSV/JSONL of posts, responses, participants and ratings, and an R script that refits the models',
  fit: 'fit one linear mixed model to any CSV (lme4 formula), REML with Satterthwaite t tests',
  schema: 'print a JSON Schema: of study.yaml (for editor autocomplete) or of analysis.json',
  db: 'database maintenance',
} as const;

export type CommandName = keyof typeof SUMMARIES;

export const COMMANDS: ReadonlyArray<{ readonly name: CommandName; readonly load: () => Promise<(program: Command, output: Output) => void> }> = [
  { name: 'init', load: async () => (await import('./init.js')).registerInit },
  { name: 'demo', load: async () => (await import('./demo.js')).registerDemo },
  { name: 'import', load: async () => (await import('./import.js')).registerImport },
  { name: 'lint', load: async () => (await import('./lint.js')).registerLint },
  { name: 'generate', load: async () => (await import('./generate.js')).registerGenerate },
  { name: 'variants', load: async () => (await import('./variants.js')).registerVariants },
  { name: 'plan', load: async () => (await import('./plan.js')).registerPlan },
  { name: 'power', load: async () => (await import('./power.js')).registerPower },
  { name: 'serve', load: async () => (await import('./serve.js')).registerServe },
  { name: 'simulate', load: async () => (await import('./simulate.js')).registerSimulate },
  { name: 'status', load: async () => (await import('./status.js')).registerStatus },
  { name: 'features', load: async () => (await import('./features.js')).registerFeatures },
  { name: 'classify', load: async () => (await import('./classify.js')).registerClassify },
  { name: 'analyze', load: async () => (await import('./analyze.js')).registerAnalyze },
  { name: 'judge', load: async () => (await import('./judge.js')).registerJudge },
  { name: 'report', load: async () => (await import('./report.js')).registerReport },
  { name: 'compare', load: async () => (await import('./compare.js')).registerCompare },
  { name: 'export', load: async () => (await import('./export.js')).registerExport },
  { name: 'fit', load: async () => (await import('./fit.js')).registerFit },
  { name: 'schema', load: async () => (await import('./schema.js')).registerSchema },
  { name: 'db', load: async () => (await import('./db.js')).registerDb },
];
