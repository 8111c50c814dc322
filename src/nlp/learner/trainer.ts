import { DEFAULT_FEATURES, type FeatureConfig, FeatureHasher, WORD_SEED } from '../features/features.js';
import { type SparseVector, Vocabulary } from '../features/vocabulary.js';
import { ZhDictionary } from '../text/zh-dictionary.js';
import { fitTemperature } from './calibration.js';
import { stratifiedSplit } from './split.js';
import { type CsrMatrix, trainOneVsRest } from './svm.js';
import { type RejectRule, TextClassifier } from './text-classifier.js';
import { sparsify } from './weights.js';

export interface LabelledText {
  text: string;
  label: string;
}

export interface TrainOptions {
  /** Model name, the prefix of its version id. */
  name?: string;
  features?: Partial<FeatureConfig>;
  /** Drop features seen in fewer training messages than this. */
  minDf?: number;
  C?: number;
  /** Multiplier of C for a label's positive examples; 'balanced' = n / (classes * count). */
  classWeights?: Record<string, number> | 'balanced';
  maxEpochs?: number;
  eps?: number;
  /** Share of the training data held out (stratified) to fit the temperature; 0 = no calibration. */
  calibrationFraction?: number;
  seed?: number;
  /** Share of feature weights kept (largest magnitude); the rest are pruned for speed and size. */
  keepWeights?: number;
  reject?: RejectRule | null;
  /** Extra metadata stored in the model (corpus name, dates...). */
  meta?: Record<string, string | number | boolean>;
}

export const DEFAULT_TRAIN_OPTIONS = {
  minDf: 1,
  C: 1,
  maxEpochs: 60,
  eps: 0.1,
  calibrationFraction: 0.15,
  keepWeights: 0.15,
  seed: 20240601,
} as const;

const BIAS = 1;

/**
 * Trains a classifier for any label set. With calibration on, it first trains on a stratified
 * share of the data and fits the softmax temperature on the rest, then retrains on everything
 * and keeps that temperature (scores of the full model are on the same scale).
 */
export function trainTextClassifier(
  examples: readonly LabelledText[],
  options: TrainOptions = {},
): TextClassifier {
  if (examples.length === 0) throw new Error('no training examples');
  const features: FeatureConfig = { ...DEFAULT_FEATURES, ...options.features };
  const minDf = options.minDf ?? DEFAULT_TRAIN_OPTIONS.minDf;
  const seed = options.seed ?? DEFAULT_TRAIN_OPTIONS.seed;
  const calibrationFraction = options.calibrationFraction ?? DEFAULT_TRAIN_OPTIONS.calibrationFraction;
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  if (labels.length < 2) throw new Error('need at least two labels');
  const labelIndex = new Map(labels.map((l, i) => [l, i]));

  const zhDictionary = features.zhWords
    ? ZhDictionary.fromTexts(
        examples.map((e) => e.text),
        WORD_SEED,
      )
    : null;
  const hasher = new FeatureHasher(features, zhDictionary);
  const hashed = examples.map((e) => hasher.hash(e.text).slice());
  const vocab = Vocabulary.fit(hashed, minDf);
  const vectors = hashed.map((h) => vocab.vectorize(h, features.blockWeights));
  const y = Int32Array.from(examples, (e) => labelIndex.get(e.label)!);

  const classWeights = resolveClassWeights(options.classWeights, labels, y);
  const svmOpts = {
    C: options.C ?? DEFAULT_TRAIN_OPTIONS.C,
    classWeights,
    bias: BIAS,
    eps: options.eps ?? DEFAULT_TRAIN_OPTIONS.eps,
    maxEpochs: options.maxEpochs ?? DEFAULT_TRAIN_OPTIONS.maxEpochs,
    seed,
  };
  const keep = options.keepWeights ?? DEFAULT_TRAIN_OPTIONS.keepWeights;
  const trainWeights = (rows: readonly SparseVector[], labelsOf: Int32Array) =>
    sparsify(
      trainOneVsRest(toCsr(rows, vocab.size), labelsOf, labels.length, svmOpts),
      vocab.size,
      labels.length,
      keep,
    );
  const meta: Record<string, string | number | boolean> = {
    name: options.name ?? 'model',
    examples: examples.length,
    features: vocab.size,
    ...options.meta,
  };

  let temperature = 1;
  if (calibrationFraction > 0) {
    const ids = examples.map((_, i) => i);
    const { train, holdout } = stratifiedSplit(ids, (i) => examples[i]!.label, calibrationFraction, seed);
    if (holdout.length > 0) {
      const w = trainWeights(
        train.map((i) => vectors[i]!),
        pick(y, train),
      );
      const probe = new TextClassifier(
        labels,
        features,
        vocab,
        w,
        BIAS,
        1,
        null,
        {},
        undefined,
        zhDictionary,
      );
      const scores = holdout.map((i) => probe.scores(examples[i]!.text));
      temperature = fitTemperature(scores, pick(y, holdout));
      let ok = 0;
      holdout.forEach((i, n) => {
        const s = scores[n]!;
        let best = 0;
        for (let c = 1; c < s.length; c++) if (s[c]! > s[best]!) best = c;
        if (best === y[i]) ok++;
      });
      meta.calibrationAccuracy = Math.round((ok / holdout.length) * 10_000) / 10_000;
      meta.calibrationSize = holdout.length;
    }
  }
  const weights = trainWeights(vectors, y);
  meta.temperature = Math.round(temperature * 10_000) / 10_000;
  return new TextClassifier(
    labels,
    features,
    vocab,
    weights,
    BIAS,
    temperature,
    options.reject ?? null,
    meta,
    undefined,
    zhDictionary,
  );
}

function pick(y: Int32Array, ids: readonly number[]): Int32Array {
  return Int32Array.from(ids, (i) => y[i]!);
}

function resolveClassWeights(
  spec: TrainOptions['classWeights'],
  labels: readonly string[],
  y: Int32Array,
): Float64Array | undefined {
  if (!spec) return undefined;
  const w = new Float64Array(labels.length).fill(1);
  if (spec === 'balanced') {
    const counts = new Float64Array(labels.length);
    for (const c of y) counts[c] = counts[c]! + 1;
    for (let c = 0; c < labels.length; c++) w[c] = y.length / (labels.length * Math.max(1, counts[c]!));
  } else {
    labels.forEach((l, c) => {
      w[c] = spec[l] ?? 1;
    });
  }
  return w;
}

export function toCsr(rows: readonly SparseVector[], cols: number): CsrMatrix {
  let nnz = 0;
  for (const r of rows) nnz += r.indices.length;
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let p = 0;
  rows.forEach((r, i) => {
    indices.set(r.indices, p);
    values.set(r.values, p);
    p += r.indices.length;
    indptr[i + 1] = p;
  });
  return { rows: rows.length, cols, indptr, indices, values };
}
