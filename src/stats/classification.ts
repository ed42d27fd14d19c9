/**
 * Evaluating a classifier as the reference study did: a seeded, stratified 90:10 train/test split
 * and seeded stratified k-fold cross-validation, features standardised with the training part's
 * means and SDs, per-class precision, recall and F1, the confusion matrix, and each class's most
 * positive weights.
 */
import { StatsInputError } from './errors.js';
import { fitMultinomial, predictClasses, type MultinomialFit } from './logistic.js';
import { seededRng, shuffled } from './random.js';

export interface ClassMetrics {
  readonly label: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface Evaluation {
  readonly perClass: ClassMetrics[];
  readonly accuracy: number;
  /** confusion[actual][predicted] */
  readonly confusion: number[][];
}

export function evaluate(actual: Int32Array, predicted: Int32Array, classes: readonly string[]): Evaluation {
  const k = classes.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  actual.forEach((a, i) => confusion[a][predicted[i]]++);
  let correct = 0;
  const perClass = classes.map((label, c) => {
    const tp = confusion[c][c];
    correct += tp;
    const predictedC = confusion.reduce((s, row) => s + row[c], 0);
    const support = confusion[c].reduce((s, v) => s + v, 0);
    const precision = predictedC === 0 ? 0 : tp / predictedC;
    const recall = support === 0 ? 0 : tp / support;
    return { label, precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall), support };
  });
  return { perClass, accuracy: actual.length === 0 ? NaN : correct / actual.length, confusion };
}

/** Stratified folds: each class's items shuffled (seeded) and dealt round-robin into k folds. */
export function stratifiedFolds(labels: Int32Array, k: number, seed: number): number[][] {
  const rng = seededRng(seed);
  const folds: number[][] = Array.from({ length: k }, () => []);
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  let next = 0;
  for (const c of classes) {
    const members = shuffled(Array.from(labels.keys()).filter((i) => labels[i] === c), rng);
    for (const i of members) folds[next++ % k].push(i);
  }
  return folds.map((f) => f.sort((a, b) => a - b));
}

/** Seeded stratified split: about `testShare` of each class held out. */
export function stratifiedSplit(labels: Int32Array, testShare: number, seed: number): { train: number[]; test: number[] } {
  const rng = seededRng(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const c of [...new Set(labels)].sort((a, b) => a - b)) {
    const members = shuffled(Array.from(labels.keys()).filter((i) => labels[i] === c), rng);
    const nTest = Math.max(1, Math.round(members.length * testShare));
    test.push(...members.slice(0, nTest));
    train.push(...members.slice(nTest));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/** Rows of x (n x p); columns standardised with `from`'s means and SDs (SD 0: centred only). */
export function standardize(x: Float64Array, p: number, rows: readonly number[], from: readonly number[]): Float64Array {
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  for (const i of from) for (let j = 0; j < p; j++) mean[j] += x[i * p + j] / from.length;
  for (const i of from) for (let j = 0; j < p; j++) sd[j] += (x[i * p + j] - mean[j]) ** 2 / Math.max(1, from.length - 1);
  for (let j = 0; j < p; j++) sd[j] = Math.sqrt(sd[j]) || 1;
  const out = new Float64Array(rows.length * p);
  rows.forEach((i, r) => {
    for (let j = 0; j < p; j++) out[r * p + j] = (x[i * p + j] - mean[j]) / sd[j];
  });
  return out;
}

export interface ClassifierReport {
  readonly classes: readonly string[];
  readonly test: Evaluation;
  readonly crossValidation: { readonly folds: number; readonly meanF1: Record<string, number>; readonly meanAccuracy: number };
  /** Per class, the terms with the largest positive weights (trained on the 90% split). */
  readonly topFeatures: Record<string, Array<{ term: string; weight: number }>>;
  readonly model: MultinomialFit;
  readonly trainSize: number;
  readonly testSize: number;
}

export function classify(
  x: Float64Array,
  p: number,
  labels: readonly string[],
  terms: readonly string[],
  options: { seed?: number; folds?: number; testShare?: number; lambda?: number; top?: number } = {},
): ClassifierReport {
  const classes = [...new Set(labels)].sort();
  if (classes.length < 2) throw new StatsInputError('a classifier needs replies from at least two sources', 'labels', 'import or generate replies from several sources');
  const y = Int32Array.from(labels, (l) => classes.indexOf(l));
  const seed = options.seed ?? 1;
  const n = y.length;
  const lambda = options.lambda ?? 1 / n;
  const trainAndTest = (train: number[], test: number[], start?: MultinomialFit) => {
    const fit = fitMultinomial(standardize(x, p, train, train), Int32Array.from(train, (i) => y[i]), classes, p, lambda, start ? { start } : {});
    const predicted = predictClasses(fit, standardize(x, p, test, train));
    return { fit, evaluation: evaluate(Int32Array.from(test, (i) => y[i]), predicted, classes) };
  };
  const split = stratifiedSplit(y, options.testShare ?? 0.1, seed);
  const main = trainAndTest(split.train, split.test);
  const k = Math.min(options.folds ?? 5, Math.min(...classes.map((_, c) => y.filter((v) => v === c).length)));
  const folds = stratifiedFolds(y, Math.max(2, k), seed);
  const f1 = new Map<string, number>(classes.map((c) => [c, 0]));
  let accuracy = 0;
  for (const fold of folds) {
    const inFold = new Set(fold);
    // Each fold starts from the fit on the 90% split: its optimum is near, so far fewer iterations.
    const r = trainAndTest(Array.from(y.keys()).filter((i) => !inFold.has(i)), fold, main.fit);
    for (const m of r.evaluation.perClass) f1.set(m.label, (f1.get(m.label) ?? 0) + m.f1 / folds.length);
    accuracy += r.evaluation.accuracy / folds.length;
  }
  const top = options.top ?? 10;
  const topFeatures = Object.fromEntries(
    classes.map((c, ci) => [
      c,
      terms
        .map((term, j) => ({ term, weight: main.fit.weights[ci * p + j] }))
        .sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1))
        .slice(0, top),
    ]),
  );
  return {
    classes,
    test: main.evaluation,
    crossValidation: { folds: folds.length, meanF1: Object.fromEntries(f1), meanAccuracy: accuracy },
    topFeatures,
    model: main.fit,
    trainSize: split.train.length,
    testSize: split.test.length,
  };
}
