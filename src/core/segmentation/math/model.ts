import { chooseK, type KScore } from './choose-k.js';
import { nearestCentroid } from './distance.js';
import { FEATURE_COUNT } from './features.js';
import { fitKMeans } from './kmeans.js';
import { fitPca, type Pca, project } from './pca.js';
import { sampleIndices, seededRandom } from './random.js';
import { silhouetteScore } from './silhouette.js';
import { fitScaler, type Scaler, standardize } from './standardize.js';

/**
 * A fitted segmentation: how to standardise a customer's model features and the k centroids to
 * assign them to. Fitted on a sample; applying it to everyone is `assign`, one customer at a time,
 * so the population never has to be in memory at once.
 */
export interface SegmentationModel {
  k: number;
  scaler: Scaler;
  /** In standardised model space. */
  centroids: number[][];
  /** Mean silhouette of the final fit on a subsample (−1..1, higher = better separated). */
  silhouette: number;
  /** When k was chosen: the silhouette of each k tried. */
  scores: KScore[];
  pca: Pca;
  sampleSize: number;
}

export interface FitOptions {
  /** Fixed k (a supervisor's choice); otherwise chosen by silhouette in kMin..kMax. */
  k?: number;
  kMin: number;
  kMax: number;
  restarts: number;
  seed: number;
  /** Points used to choose k (each k is fitted `restarts` times on them). */
  selectionSample: number;
  /** Points the silhouette is measured on (quadratic cost). */
  silhouetteSample: number;
}

export const DEFAULT_FIT: FitOptions = {
  kMin: 2,
  kMax: 8,
  restarts: 4,
  seed: 20_24,
  selectionSample: 3000,
  silhouetteSample: 2000,
};

/** Fits on a sample of model-space rows (see modelFeatures). */
export function fitSegmentationModel(
  sample: readonly (readonly number[])[],
  opts: FitOptions,
): SegmentationModel {
  if (sample.length < 2) throw new Error('segmentation needs at least two customers');
  const scaler = fitScaler(sample);
  const z = sample.map((row) => standardize(scaler, row));
  const maxK = Math.max(1, Math.min(opts.kMax, distinctRows(z, opts.kMax + 1)));
  let k: number;
  let scores: KScore[] = [];
  if (opts.k !== undefined) {
    k = Math.min(opts.k, z.length);
  } else if (maxK < opts.kMin) {
    k = maxK;
  } else {
    const random = seededRandom(opts.seed);
    const selection = sampleIndices(random, z.length, opts.selectionSample).map((i) => z[i]!);
    const chosen = chooseK(selection, {
      kMin: opts.kMin,
      kMax: maxK,
      restarts: Math.max(1, Math.ceil(opts.restarts / 2)),
      seed: opts.seed,
      silhouetteSample: opts.silhouetteSample,
    });
    k = chosen.k;
    scores = chosen.scores;
  }
  const fit = fitKMeans(z, k, { restarts: opts.restarts, seed: opts.seed * 31 + k });
  const pick = sampleIndices(seededRandom(opts.seed ^ 0xabc), z.length, opts.silhouetteSample);
  const silhouette = silhouetteScore(
    pick.map((i) => z[i]!),
    pick.map((i) => fit.labels[i]!),
    k,
  );
  return { k, scaler, centroids: fit.centroids, silhouette, scores, pca: fitPca(z, 2), sampleSize: z.length };
}

/** How many distinct rows there are, counting up to `cap` (k cannot exceed it). */
function distinctRows(rows: readonly number[][], cap: number): number {
  const seen = new Set<string>();
  for (const r of rows) {
    seen.add(r.join(','));
    if (seen.size >= cap) break;
  }
  return seen.size;
}

/** The segment (0..k-1) of one customer's model-space row. `scratch` avoids an allocation per call. */
export function assign(
  model: SegmentationModel,
  modelRow: ArrayLike<number>,
  scratch: number[] = [],
): number {
  return nearestCentroid(standardize(model.scaler, modelRow, scratch), model.centroids);
}

/** The 2-D position of a model-space row in the run's picture. */
export function projectRow(model: SegmentationModel, modelRow: ArrayLike<number>): [number, number] {
  const [x = 0, y = 0] = project(model.pca, standardize(model.scaler, modelRow));
  return [x, y];
}

/**
 * Sizes and centroids in the features' own units, summed as customers are assigned: the stored
 * centroid of a segment is the mean customer of it (days, orders, money), not a standardised point.
 */
export class SegmentTally {
  readonly sizes: number[];
  private readonly sums: Float64Array;

  constructor(readonly k: number) {
    this.sizes = new Array<number>(k).fill(0);
    this.sums = new Float64Array(k * FEATURE_COUNT);
  }

  add(segment: number, raw: ArrayLike<number>): void {
    this.sizes[segment]!++;
    const base = segment * FEATURE_COUNT;
    for (let j = 0; j < FEATURE_COUNT; j++) this.sums[base + j]! += raw[j]!;
  }

  centroids(): number[][] {
    return this.sizes.map((n, s) =>
      Array.from({ length: FEATURE_COUNT }, (_, j) => (n > 0 ? this.sums[s * FEATURE_COUNT + j]! / n : 0)),
    );
  }
}
