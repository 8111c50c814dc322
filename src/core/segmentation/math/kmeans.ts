import { kmeans } from 'ml-kmeans';
import { nearestCentroid, squaredDistance } from './distance.js';

export interface KMeansFit {
  k: number;
  centroids: number[][];
  labels: number[];
  /** Sum of squared distances of the points to their centroid: lower is tighter. */
  inertia: number;
  iterations: number;
}

export interface KMeansOptions {
  /** Independent k-means++ starts; the one with the lowest inertia is kept. */
  restarts: number;
  seed: number;
  maxIterations?: number;
}

/**
 * k-means (ml-kmeans, k-means++ seeding) run `restarts` times from different seeds, keeping the
 * lowest inertia: a single start can settle in a poor local minimum.
 */
export function fitKMeans(rows: number[][], k: number, opts: KMeansOptions): KMeansFit {
  if (rows.length < k) throw new Error(`k-means needs at least k=${k} points, got ${rows.length}`);
  let best: KMeansFit | null = null;
  for (let r = 0; r < Math.max(1, opts.restarts); r++) {
    const result = kmeans(rows, k, {
      initialization: 'kmeans++',
      seed: opts.seed + r * 7919,
      maxIterations: opts.maxIterations ?? 100,
    });
    const centroids = result.centroids.map((c) => [...c]);
    const labels = [...result.clusters];
    const fit = {
      k,
      centroids,
      labels,
      inertia: inertiaOf(rows, labels, centroids),
      iterations: result.iterations,
    };
    if (!best || fit.inertia < best.inertia) best = fit;
  }
  if (!best) throw new Error('unreachable: no k-means start ran');
  return best;
}

export function inertiaOf(
  rows: readonly number[][],
  labels: readonly number[],
  centroids: number[][],
): number {
  let sum = 0;
  for (let i = 0; i < rows.length; i++) sum += squaredDistance(rows[i]!, centroids[labels[i]!]!);
  return sum;
}

export function assignAll(rows: readonly number[][], centroids: readonly (readonly number[])[]): number[] {
  return rows.map((row) => nearestCentroid(row, centroids));
}
