import { squaredDistance } from './distance.js';

/**
 * The mean silhouette coefficient (−1..1): for each point, how much nearer it is to its own
 * cluster than to the next nearest one. O(n²), so callers pass a sample of a few thousand.
 */
export function silhouetteScore(
  rows: readonly (readonly number[])[],
  labels: readonly number[],
  k: number,
): number {
  const n = rows.length;
  if (n < 2 || k < 2) return 0;
  const sizes = new Array<number>(k).fill(0);
  for (const l of labels) sizes[l]!++;
  const sums = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    const row = rows[i]!;
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      sums[labels[j]!]! += Math.sqrt(squaredDistance(row, rows[j]!));
    }
    const own = labels[i]!;
    // A point alone in its cluster scores 0 (the usual convention).
    if (sizes[own]! <= 1) continue;
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      if (c === own || sizes[c] === 0) continue;
      b = Math.min(b, sums[c]! / sizes[c]!);
    }
    if (!Number.isFinite(b)) continue;
    const denominator = Math.max(a, b);
    total += denominator > 0 ? (b - a) / denominator : 0;
  }
  return total / n;
}
