import { base64ToFloat32, float32ToBase64 } from '../learner/base64.js';
import { softmaxInto } from '../learner/calibration.js';
import { mulberry32, shuffleInPlace } from '../learner/random.js';

/**
 * Multinomial logistic regression over sentence-encoder vectors: the intent "head" that turns
 * an embedding into per-intent probabilities. Small (labels x 384 weights) and trained in a few
 * seconds, so it is retrained with the corpus; the encoder under it stays fixed.
 */
export const EMBEDDING_HEAD_FORMAT = 'parley-embedding-head/1';

/** Mini-batches between two hand-backs of the event loop in trainYielding. */
const YIELD_EVERY_BATCHES = 8;

export interface EmbeddingHeadJson {
  format: typeof EMBEDDING_HEAD_FORMAT;
  /** The encoder whose vectors it was trained on (SentenceEncoder.name). */
  encoder: string;
  labels: string[];
  dimensions: number;
  /** Float32 weights, labels x dimensions, row-major, base64. */
  weights: string;
  bias: number[];
  meta: Record<string, string | number | boolean>;
}

export interface EmbeddedExample {
  vector: Float32Array;
  label: string;
}

export interface EmbeddingHeadOptions {
  /** L2 penalty on the weights, per example (sklearn's 1 / (C * n)). */
  l2?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  meta?: Record<string, string | number | boolean>;
}

export class EmbeddingHead {
  constructor(
    readonly encoder: string,
    readonly labels: readonly string[],
    readonly dimensions: number,
    private readonly weights: Float32Array,
    private readonly bias: Float64Array,
    readonly meta: Record<string, string | number | boolean> = {},
  ) {
    if (weights.length !== labels.length * dimensions || bias.length !== labels.length)
      throw new Error('embedding head weights do not match its labels and dimensions');
  }

  probabilities(vector: Float32Array): Float64Array {
    if (vector.length !== this.dimensions)
      throw new Error(`embedding has ${vector.length} dimensions, the head expects ${this.dimensions}`);
    const k = this.labels.length;
    const d = this.dimensions;
    const z = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let s = this.bias[c]!;
      const row = c * d;
      for (let j = 0; j < d; j++) s += this.weights[row + j]! * vector[j]!;
      z[c] = s;
    }
    return softmaxInto(z, 1, z);
  }

  /**
   * Minibatch Adam on the class-balanced cross-entropy plus an L2 penalty. Deterministic for a
   * seed. Classes are weighted n / (k * count) so a small intent counts as much as a large one.
   */
  static train(
    examples: readonly EmbeddedExample[],
    encoder: string,
    options: EmbeddingHeadOptions = {},
  ): EmbeddingHead {
    const run = EmbeddingHead.steps(examples, encoder, options);
    for (let step = run.next(); ; step = run.next()) if (step.done) return step.value;
  }

  /**
   * The same training, handing the event loop back every 8 mini-batches (256 examples, a few ms:
   * a full-corpus epoch over mpnet's 768-d vectors held it for ~0.5 s): the retraining job may run
   * inside the app process, which must keep serving.
   */
  static async trainYielding(
    examples: readonly EmbeddedExample[],
    encoder: string,
    options: EmbeddingHeadOptions = {},
  ): Promise<EmbeddingHead> {
    const run = EmbeddingHead.steps(examples, encoder, options);
    for (let step = run.next(); ; step = run.next()) {
      if (step.done) return step.value;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private static *steps(
    examples: readonly EmbeddedExample[],
    encoder: string,
    options: EmbeddingHeadOptions,
  ): Generator<number, EmbeddingHead, void> {
    if (examples.length === 0) throw new Error('no examples to train the embedding head on');
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    const k = labels.length;
    const d = examples[0]!.vector.length;
    const index = new Map(labels.map((l, i) => [l, i]));
    const y = examples.map((e) => index.get(e.label)!);
    const counts = new Float64Array(k);
    for (const c of y) counts[c]!++;
    const classWeight = Array.from(counts, (n) => examples.length / (k * n));
    const l2 = options.l2 ?? 1e-5;
    const epochs = options.epochs ?? 60;
    const batch = options.batchSize ?? 32;
    const lr = options.learningRate ?? 0.01;
    const rand = mulberry32(options.seed ?? 13);

    const size = k * d + k;
    const theta = new Float64Array(size); // weights then bias
    const m = new Float64Array(size);
    const v = new Float64Array(size);
    const grad = new Float64Array(size);
    const z = new Float64Array(k);
    const order = examples.map((_, i) => i);
    let t = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffleInPlace(order, rand);
      // Linear decay to a tenth: large steps find the region, small ones settle in it.
      const rate = lr * (1 - (0.9 * epoch) / epochs);
      for (let start = 0; start < order.length; start += batch) {
        const end = Math.min(order.length, start + batch);
        grad.fill(0);
        for (let b = start; b < end; b++) {
          const i = order[b]!;
          const x = examples[i]!.vector;
          for (let c = 0; c < k; c++) {
            let s = theta[k * d + c]!;
            const row = c * d;
            for (let j = 0; j < d; j++) s += theta[row + j]! * x[j]!;
            z[c] = s;
          }
          softmaxInto(z, 1, z);
          const w = classWeight[y[i]!]! / (end - start);
          for (let c = 0; c < k; c++) {
            const g = w * (z[c]! - (c === y[i] ? 1 : 0));
            if (g === 0) continue;
            const row = c * d;
            for (let j = 0; j < d; j++) grad[row + j] = grad[row + j]! + g * x[j]!;
            grad[k * d + c] = grad[k * d + c]! + g;
          }
        }
        for (let j = 0; j < k * d; j++) grad[j] = grad[j]! + l2 * theta[j]!;
        t++;
        const c1 = 1 - 0.9 ** t;
        const c2 = 1 - 0.999 ** t;
        for (let j = 0; j < size; j++) {
          const g = grad[j]!;
          m[j] = 0.9 * m[j]! + 0.1 * g;
          v[j] = 0.999 * v[j]! + 0.001 * g * g;
          theta[j] = theta[j]! - (rate * (m[j]! / c1)) / (Math.sqrt(v[j]! / c2) + 1e-8);
        }
        if (t % YIELD_EVERY_BATCHES === 0) yield t;
      }
    }
    return new EmbeddingHead(
      encoder,
      labels,
      d,
      Float32Array.from(theta.subarray(0, k * d)),
      Float64Array.from(theta.subarray(k * d)),
      { ...options.meta, examples: examples.length },
    );
  }

  toJSON(): EmbeddingHeadJson {
    return {
      format: EMBEDDING_HEAD_FORMAT,
      encoder: this.encoder,
      labels: [...this.labels],
      dimensions: this.dimensions,
      weights: float32ToBase64(this.weights),
      bias: Array.from(this.bias),
      meta: this.meta,
    };
  }

  static fromJSON(json: EmbeddingHeadJson): EmbeddingHead {
    if (json.format !== EMBEDDING_HEAD_FORMAT)
      throw new Error(`not an embedding head: format ${String(json.format)}`);
    return new EmbeddingHead(
      json.encoder,
      json.labels,
      json.dimensions,
      base64ToFloat32(json.weights),
      Float64Array.from(json.bias),
      json.meta,
    );
  }
}
