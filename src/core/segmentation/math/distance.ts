export function squaredDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) {
    const d = a[j]! - b[j]!;
    sum += d * d;
  }
  return sum;
}

/** The index of the centroid nearest to `row` (ties go to the lower index). */
export function nearestCentroid(row: ArrayLike<number>, centroids: readonly (readonly number[])[]): number {
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let c = 0; c < centroids.length; c++) {
    const d = squaredDistance(row, centroids[c]!);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}
