import { mulberry32 } from './random.js';
import type { CsrMatrix } from './svm.js';

export interface SoftmaxOptions {
  /** L2 penalty per example (lambda in lambda/2 ||W||^2 averaged over examples). */
  l2: number;
  epochs: number;
  /** Initial learning rate; decays as lr0 / (1 + t / n). */
  lr: number;
  /** Value of the constant bias feature. */
  bias: number;
  seed: number;
  classWeights?: Float64Array;
}

/**
 * Multinomial logistic regression (softmax) trained by SGD with lazy L2 scaling, on the same
 * TF-IDF rows as the SVM. Its weights are averaged into the SVM's (both are linear in the same
 * features, so the ensemble costs nothing at classify time): the SVM gives the margins, the
 * softmax head smoother scores for classes that the one-vs-rest problems separate poorly.
 *
 * Returns weights feature-major, (cols + 1) x classes with the bias row last.
 */
export function trainSoftmax(
  x: CsrMatrix,
  labels: Int32Array,
  classes: number,
  opts: SoftmaxOptions,
): Float32Array {
  const k = classes;
  const cols = x.cols;
  const w = new Float64Array((cols + 1) * k);
  const biasRow = cols * k;
  const s = new Float64Array(k);
  const order = Int32Array.from({ length: x.rows }, (_, i) => i);
  const rand = mulberry32(opts.seed);
  const { indptr, indices, values } = x;
  let scale = 1;
  let t = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const tmp = order[i]!;
      order[i] = order[j]!;
      order[j] = tmp;
    }
    for (let n = 0; n < order.length; n++) {
      const i = order[n]!;
      const lr = opts.lr / (1 + t / x.rows);
      t++;
      const start = indptr[i]!;
      const end = indptr[i + 1]!;
      for (let c = 0; c < k; c++) s[c] = w[biasRow + c]! * opts.bias;
      for (let p = start; p < end; p++) {
        const v = values[p]! * scale;
        const row = indices[p]! * k;
        for (let c = 0; c < k; c++) s[c] = s[c]! + v * w[row + c]!;
      }
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) if (s[c]! > max) max = s[c]!;
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(s[c]! - max);
        s[c] = e;
        sum += e;
      }
      const yi = labels[i]!;
      const cw = opts.classWeights?.[yi] ?? 1;
      // Gradient of the loss: p - y (scaled by the class weight). Bias is not regularised.
      scale *= 1 - lr * opts.l2;
      const step = (lr * cw) / scale;
      for (let c = 0; c < k; c++) {
        const g = s[c]! / sum - (c === yi ? 1 : 0);
        s[c] = g;
        w[biasRow + c] = w[biasRow + c]! - lr * cw * g * opts.bias;
      }
      for (let p = start; p < end; p++) {
        const v = values[p]! * step;
        const row = indices[p]! * k;
        for (let c = 0; c < k; c++) w[row + c] = w[row + c]! - v * s[c]!;
      }
      if (scale < 1e-6) {
        for (let j = 0; j < biasRow; j++) w[j] = w[j]! * scale;
        scale = 1;
      }
    }
  }
  const out = new Float32Array(w.length);
  for (let j = 0; j < biasRow; j++) out[j] = w[j]! * scale;
  for (let c = 0; c < k; c++) out[biasRow + c] = w[biasRow + c]!;
  return out;
}
