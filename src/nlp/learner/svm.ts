import { mulberry32 } from './random.js';

/** Training matrix in CSR form: rows are messages, columns vocabulary features. */
export interface CsrMatrix {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

export interface SvmOptions {
  /** Inverse regularisation strength. */
  C: number;
  /** Per-class multiplier of C for that class's positive examples (class imbalance, oos weight). */
  classWeights?: Float64Array;
  /** Value of the constant bias feature (liblinear's -B). */
  bias: number;
  /** Stopping tolerance on the projected gradient (liblinear's default is 0.1). */
  eps: number;
  maxEpochs: number;
  seed: number;
}

/**
 * One-vs-rest linear SVM, L2-regularised squared hinge loss, solved in the dual by coordinate
 * descent with shrinking (Hsieh et al. 2008, liblinear's default solver). Chosen over SGD
 * softmax because it needs no learning-rate schedule and converges in a few passes on sparse
 * TF-IDF; per-class scores are turned into probabilities by temperature scaling later.
 *
 * Returns weights feature-major, (cols + 1) x classes with the bias row last, so scoring a
 * message reads one contiguous row per feature.
 */
export function trainOneVsRest(
  x: CsrMatrix,
  labels: Int32Array,
  classes: number,
  opts: SvmOptions,
): Float32Array {
  const cols = x.cols;
  const out = new Float32Array((cols + 1) * classes);
  const sqNorm = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let s = opts.bias * opts.bias;
    for (let p = x.indptr[i]!; p < x.indptr[i + 1]!; p++) s += x.values[p]! * x.values[p]!;
    sqNorm[i] = s;
  }
  const w = new Float64Array(cols + 1);
  const alpha = new Float64Array(x.rows);
  const order = new Int32Array(x.rows);
  const rand = mulberry32(opts.seed);
  for (let k = 0; k < classes; k++) {
    w.fill(0);
    alpha.fill(0);
    const cPos = opts.C * (opts.classWeights?.[k] ?? 1);
    solveClass(x, labels, k, w, alpha, order, sqNorm, 0.5 / cPos, 0.5 / opts.C, opts, rand);
    for (let j = 0; j <= cols; j++) out[j * classes + k] = w[j]!;
  }
  return out;
}

function solveClass(
  x: CsrMatrix,
  labels: Int32Array,
  k: number,
  w: Float64Array,
  alpha: Float64Array,
  order: Int32Array,
  sqNorm: Float64Array,
  diagPos: number,
  diagNeg: number,
  opts: SvmOptions,
  rand: () => number,
): void {
  const { indptr, indices, values } = x;
  const biasCol = x.cols;
  const B = opts.bias;
  const l = x.rows;
  for (let i = 0; i < l; i++) order[i] = i;
  let active = l;
  let pgMaxOld = Number.POSITIVE_INFINITY;
  for (let epoch = 0; epoch < opts.maxEpochs; epoch++) {
    for (let s = 0; s < active; s++) {
      const j = s + Math.floor(rand() * (active - s));
      const t = order[s]!;
      order[s] = order[j]!;
      order[j] = t;
    }
    let pgMaxNew = Number.NEGATIVE_INFINITY;
    let pgMinNew = Number.POSITIVE_INFINITY;
    for (let s = 0; s < active; s++) {
      const i = order[s]!;
      const yi = labels[i] === k ? 1 : -1;
      const diag = yi > 0 ? diagPos : diagNeg;
      const start = indptr[i]!;
      const end = indptr[i + 1]!;
      let dot = w[biasCol]! * B;
      for (let p = start; p < end; p++) dot += w[indices[p]!]! * values[p]!;
      const a = alpha[i]!;
      const g = yi * dot - 1 + a * diag;
      let pg = 0;
      if (a === 0) {
        if (g > pgMaxOld) {
          // Shrinking: a satisfied, far-from-margin example is dropped from later passes.
          active--;
          order[s] = order[active]!;
          order[active] = i;
          s--;
          continue;
        }
        if (g < 0) pg = g;
      } else {
        pg = g;
      }
      if (pg > pgMaxNew) pgMaxNew = pg;
      if (pg < pgMinNew) pgMinNew = pg;
      if (Math.abs(pg) > 1e-12) {
        const na = Math.max(a - g / (sqNorm[i]! + diag), 0);
        alpha[i] = na;
        const d = (na - a) * yi;
        for (let p = start; p < end; p++) w[indices[p]!]! += d * values[p]!;
        w[biasCol]! += d * B;
      }
    }
    if (pgMaxNew - pgMinNew <= opts.eps) {
      if (active === l) break;
      // Converged on the active set: re-check everything once before stopping.
      active = l;
      pgMaxOld = Number.POSITIVE_INFINITY;
      continue;
    }
    pgMaxOld = pgMaxNew <= 0 ? Number.POSITIVE_INFINITY : pgMaxNew;
  }
}
