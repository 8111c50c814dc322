import {
  accuracy,
  accuracyExcluding,
  type LabelledText,
  macroF1,
  recallOf,
  type TextClassifier,
} from '../../src/nlp/index.js';
import { OOS_LABEL } from './formats.js';

export interface EvalResult {
  examples: number;
  accuracy: number;
  macro_f1: number;
  /** clinc150 only. */
  oos_recall?: number;
  in_scope_accuracy?: number;
  per_second: number;
  p50_ms: number;
  p99_ms: number;
}

/**
 * Scores a model on labelled messages and times it on one core: one warm-up pass (JIT), then
 * three timed passes of at least `minTimed` classifications each (repeating the set if small).
 * Throughput is the median pass, so one pass slowed by the other core's load or a GC does not
 * decide it; latency percentiles are over every timed classification.
 */
export function evaluate(
  model: TextClassifier,
  test: readonly LabelledText[],
  minTimed = 10_000,
): EvalResult {
  const gold = test.map((e) => e.label);
  const predicted = test.map((e) => model.predict(e.text).label);
  const hasOos = gold.includes(OOS_LABEL) && model.labels.includes(OOS_LABEL);
  const texts = test.map((e) => e.text);
  const rounds = Math.max(1, Math.ceil(minTimed / Math.max(1, texts.length)));
  const passes = 3;
  const lat = new Float64Array(passes * rounds * texts.length);
  const rates: number[] = [];
  let n = 0;
  // A full collection first (when node runs with --expose-gc, as `npm run bench:nlp` does), so
  // the garbage of training the model is not collected inside the timed passes.
  (globalThis as { gc?: () => void }).gc?.();
  for (let pass = 0; pass < passes; pass++) {
    const start = performance.now();
    for (let r = 0; r < rounds; r++) {
      for (const t of texts) {
        const t0 = performance.now();
        model.predict(t);
        lat[n++] = performance.now() - t0;
      }
    }
    // Wall time including the timer calls themselves: a slight underestimate of throughput.
    rates.push((rounds * texts.length) / ((performance.now() - start) / 1000));
  }
  rates.sort((a, b) => a - b);
  lat.sort();
  const q = (p: number) => lat[Math.min(n - 1, Math.floor(p * n))] ?? 0;
  return {
    examples: test.length,
    accuracy: round(accuracy(gold, predicted)),
    macro_f1: round(macroF1(gold, predicted)),
    ...(hasOos
      ? {
          oos_recall: round(recallOf(gold, predicted, OOS_LABEL)),
          in_scope_accuracy: round(accuracyExcluding(gold, predicted, OOS_LABEL)),
        }
      : {}),
    per_second: Math.round(rates[1]!),
    p50_ms: round(q(0.5)),
    p99_ms: round(q(0.99)),
  };
}

export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
