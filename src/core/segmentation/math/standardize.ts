/**
 * Z-scores per dimension: k-means measures plain Euclidean distance, so a feature in dollars
 * would otherwise drown one in days or a ratio.
 */
export interface Scaler {
  means: number[];
  stds: number[];
}

export function fitScaler(rows: readonly (readonly number[])[]): Scaler {
  const first = rows[0];
  if (!first) throw new Error('cannot standardise an empty sample');
  const d = first.length;
  const means = new Array<number>(d).fill(0);
  const squares = new Array<number>(d).fill(0);
  for (const row of rows) for (let j = 0; j < d; j++) means[j]! += row[j]!;
  for (let j = 0; j < d; j++) means[j]! /= rows.length;
  for (const row of rows) {
    for (let j = 0; j < d; j++) {
      const diff = row[j]! - means[j]!;
      squares[j]! += diff * diff;
    }
  }
  // A constant feature gets std 1, so it standardises to 0 instead of dividing by zero.
  const stds = squares.map((s) => {
    const std = Math.sqrt(s / rows.length);
    return std > 1e-12 ? std : 1;
  });
  return { means, stds };
}

export function standardize(scaler: Scaler, row: ArrayLike<number>, out: number[] = []): number[] {
  for (let j = 0; j < scaler.means.length; j++) out[j] = (row[j]! - scaler.means[j]!) / scaler.stds[j]!;
  return out;
}

export function unstandardize(scaler: Scaler, z: readonly number[]): number[] {
  return z.map((v, j) => v * scaler.stds[j]! + scaler.means[j]!);
}
