/**
 * Principal components of a small dimension (the segmentation's ~10 features), for the console's
 * 2-D picture of customers: covariance matrix, then Jacobi eigenvalue rotations.
 */
export interface Pca {
  mean: number[];
  /** Unit vectors, largest variance first. */
  components: number[][];
  /** Share of the total variance each component explains. */
  explained: number[];
}

export function fitPca(rows: readonly (readonly number[])[], dims = 2): Pca {
  const first = rows[0];
  if (!first) throw new Error('cannot project an empty sample');
  const d = first.length;
  const mean = new Array<number>(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j]! += r[j]!;
  for (let j = 0; j < d; j++) mean[j]! /= rows.length;
  const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (const r of rows) {
    for (let a = 0; a < d; a++) {
      const da = r[a]! - mean[a]!;
      for (let b = a; b < d; b++) cov[a]![b]! += da * (r[b]! - mean[b]!);
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      cov[a]![b]! /= Math.max(1, rows.length - 1);
      cov[b]![a] = cov[a]![b]!;
    }
  }
  const { values, vectors } = symmetricEigen(cov);
  const order = values.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]);
  const total = values.reduce((s, v) => s + Math.max(0, v), 0) || 1;
  const chosen = order.slice(0, Math.min(dims, d));
  return {
    mean,
    components: chosen.map(([, i]) => vectors.map((row) => row[i]!)),
    explained: chosen.map(([v]) => Math.max(0, v) / total),
  };
}

export function project(pca: Pca, row: ArrayLike<number>): number[] {
  return pca.components.map((c) => {
    let s = 0;
    for (let j = 0; j < c.length; j++) s += (row[j]! - pca.mean[j]!) * c[j]!;
    return s;
  });
}

/** Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations; columns of `vectors` are eigenvectors. */
export function symmetricEigen(matrix: number[][]): { values: number[]; vectors: number[][] } {
  const n = matrix.length;
  const a = matrix.map((r) => [...r]);
  const v: number[][] = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)),
  );
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2;
    if (off < 1e-20) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: a.map((r, i) => r[i]!), vectors: v };
}
