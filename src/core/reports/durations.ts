import type { CsatStats, DurationStats } from '../views/live-queue.js';

/** Nearest-rank percentile of unsorted values; null for none. */
export function percentileOf(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? null;
}

/** The median as statisticians take it (the mean of the two middle values of an even count). */
export function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function durationStats(seconds: readonly number[]): DurationStats {
  return { count: seconds.length, medianSeconds: medianOf(seconds), p90Seconds: percentileOf(seconds, 90) };
}

export function csatStats(scores: readonly number[]): CsatStats {
  const distribution = [0, 0, 0, 0, 0];
  for (const s of scores) if (s >= 1 && s <= 5) distribution[s - 1] = (distribution[s - 1] ?? 0) + 1;
  return csatFromDistribution(distribution);
}

/** From how many ratings of 1..5 there were (index 0 = 1 star); the average to two decimals. */
export function csatFromDistribution(distribution: readonly number[]): CsatStats {
  const d = [0, 1, 2, 3, 4].map((i) => distribution[i] ?? 0);
  const count = d.reduce((a, b) => a + b, 0);
  const sum = d.reduce((a, n, i) => a + n * (i + 1), 0);
  return { count, average: count ? Math.round((sum / count) * 100) / 100 : null, distribution: d };
}
