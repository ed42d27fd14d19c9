import { SUMMARIES } from './commands.js';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { buildVocabulary, vectorize } from '../language/bag-of-words.js';
import { classify, type ClassifierReport } from '../stats/classification.js';
import { ratingRegression, type RatingRegression } from '../stats/regression.js';
import { json, table, type Output } from './output.js';
import { addReplyInputOptions, loadReplies, type ReplyInputOptions } from './replies-input.js';

interface ClassifyOptions extends ReplyInputOptions {
  words: string;
  emojis: string;
  folds: string;
  seed: string;
  lambda?: string;
  ridgeLambda?: string;
  top: string;
  json?: boolean;
}

const int = (v: string, flag: string, min = 1) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UserError(`expected a whole number of at least ${min}, got "${v}"`, flag, `e.g. ${flag} 5`);
  return n;
};

function printClassifier(r: ClassifierReport, terms: number, output: Output): void {
  output.out(`Which source wrote this? Multinomial logistic regression (L2) on ${terms} bag-of-words terms`);
  output.out(`test set (stratified 10%, n = ${r.testSize}; trained on ${r.trainSize}); ${r.crossValidation.folds}-fold cross-validation F1 alongside\n`);
  output.out(
    table(
      ['source', 'precision', 'recall', 'F1', 'support', 'CV F1'],
      r.test.perClass.map((m) => [m.label, m.precision.toFixed(3), m.recall.toFixed(3), m.f1.toFixed(3), m.support, r.crossValidation.meanF1[m.label].toFixed(3)]),
    ),
  );
  output.out(`accuracy ${r.test.accuracy.toFixed(3)} (cross-validated ${r.crossValidation.meanAccuracy.toFixed(3)})\n\nconfusion (rows actual, columns predicted):`);
  output.out(table(['', ...r.classes], r.test.confusion.map((row, i) => [r.classes[i], ...row])));
  output.out('\ntop terms per source (largest weights):');
  for (const c of r.classes) output.out(`  ${c}: ${(r.topFeatures[c] ?? []).map((t) => `${t.term} (${t.weight.toFixed(2)})`).join(', ')}`);
}

function printRegression(scale: string, r: RatingRegression, output: Output): void {
  output.out(`\nWhat predicts ${scale} ratings? ${r.n} replies, ${r.p} terms, ${r.folds}-fold cross-validation`);
  output.out(`  baseline (the training mean): MAE ${r.baseline.mae.toFixed(3)}, R^2 ${r.baseline.r2.toFixed(3)}`);
  output.out(`  ridge (lambda ${r.ridge.lambda}, ${r.ridge.lambdaChosenBy === 'given' ? 'given' : 'chosen by cross-validation within each training part'}): MAE ${r.ridge.cv.mae.toFixed(3)}, R^2 ${r.ridge.cv.r2.toFixed(3)}`);
  if (r.ols) output.out(`  OLS: MAE ${r.ols.cv.mae.toFixed(3)}, R^2 ${r.ols.cv.r2.toFixed(3)}`);
  else output.out(`  OLS: left out (${r.olsOmitted})`);
  if (r.constantInFolds > 0) output.out(`  ${r.constantInFolds} term-fold pairs left out of OLS: the term was constant in that fold's training part`);
  if (r.ridge.cv.r2 <= 0) output.out(`  the words predict the ratings no better than the mean rating does (cross-validated R^2 ${r.ridge.cv.r2.toFixed(3)})`);
  output.out(`  largest ridge weights: ${r.ridge.weights.slice(0, 10).map((w) => `${w.name} (${w.weight.toFixed(3)})`).join(', ')}`);
}

export function registerClassify(program: Command, output: Output): void {
  addReplyInputOptions(program.command('classify'))
    .summary(SUMMARIES.classify)
    .description(
      'As the reference study did: the N most frequent unigrams and bigrams (stopwords and punctuation removed) plus the\n' +
        'K most frequent emojis, standardised; a multinomial logistic regression with an L2 penalty on a seeded, stratified\n' +
        '90:10 split and seeded stratified k-fold cross-validation: per-source precision, recall and F1, the confusion matrix\n' +
        'and the top terms per source. When ratings exist (a study\'s, or --rating), a ridge and an OLS regression of each\n' +
        'reply\'s mean rating on the same terms, with cross-validated MAE and R^2.',
    )
    .option('--rating <column>', 'with --data: a numeric rating column to predict')
    .option('--words <n>', 'unigrams and bigrams kept', '200')
    .option('--emojis <n>', 'emojis kept', '20')
    .option('--folds <k>', 'cross-validation folds', '5')
    .option('--seed <n>', 'seed for the split and folds', '1')
    .option('--lambda <x>', 'the classifier\'s L2 penalty (glmnet scale; default 1/N, i.e. C = 1)')
    .option('--ridge-lambda <x>', 'the rating regression\'s ridge penalty (default: chosen by cross-validation within each training part)')
    .option('--top <n>', 'top terms shown per source', '10')
    .option('--json', 'print the results as JSON')
    .addHelpText('after', '\nExamples:\n  $ empathy-lab classify my-study\n  $ empathy-lab classify --data replies.csv --text reply --group model --rating empathy --json')
    .action(async (dir: string, o: ClassifyOptions) => {
      const { replies, ratings } = await loadReplies(dir, o);
      if (new Set(replies.map((r) => r.group)).size < 2) throw new UserError('the classifier needs replies from at least two sources', o.data ?? dir, 'import or generate replies from another source first');
      const vocabulary = buildVocabulary(replies.map((r) => r.text), { words: int(o.words, '--words', 0), emojis: int(o.emojis, '--emojis', 0) });
      const x = vectorize(replies.map((r) => r.text), vocabulary);
      const p = vocabulary.terms.length;
      const lambda = o.lambda === undefined ? undefined : Number(o.lambda);
      if (lambda !== undefined && !(lambda > 0)) throw new UserError(`expected a positive number, got "${o.lambda}"`, '--lambda', 'e.g. --lambda 0.01');
      const report = classify(x, p, replies.map((r) => r.group), vocabulary.terms, {
        seed: int(o.seed, '--seed', 0),
        folds: int(o.folds, '--folds', 2),
        top: int(o.top, '--top'),
        ...(lambda !== undefined ? { lambda } : {}),
      });
      const ridgeLambda = o.ridgeLambda === undefined ? undefined : Number(o.ridgeLambda);
      if (ridgeLambda !== undefined && !(ridgeLambda > 0)) throw new UserError(`expected a positive number, got "${o.ridgeLambda}"`, '--ridge-lambda', 'e.g. --ridge-lambda 10');
      const regressions: Record<string, RatingRegression> = {};
      for (const [scale, byId] of ratings) {
        const rows = replies.map((r, i) => ({ i, y: byId.get(r.id) })).filter((r): r is { i: number; y: number } => r.y !== undefined);
        if (rows.length < 10) continue;
        const xs = new Float64Array(rows.length * p);
        rows.forEach((r, k) => xs.set(x.subarray(r.i * p, (r.i + 1) * p), k * p));
        regressions[scale] = ratingRegression(rows.map((r) => r.y), xs, vocabulary.terms, { folds: int(o.folds, '--folds', 2), seed: int(o.seed, '--seed', 0), ...(ridgeLambda !== undefined ? { lambda: ridgeLambda } : {}) });
      }
      if (o.json) {
        const { model: _model, ...rest } = report;
        return output.out(json({ terms: vocabulary.terms, classifier: rest, regressions: Object.fromEntries(Object.entries(regressions).map(([k, r]) => [k, { ...r, ols: r.ols ? { cv: r.ols.cv, coefficients: r.ols.fit.names.map((name, j) => ({ name, b: r.ols?.fit.coef[j], se: r.ols?.fit.se[j], t: r.ols?.fit.t[j], p: r.ols?.fit.p[j] })) } : null }])) }));
      }
      printClassifier(report, p, output);
      for (const [scale, r] of Object.entries(regressions)) printRegression(scale, r, output);
    });
}
