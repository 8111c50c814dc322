import { fitKMeans, type KMeansFit } from './kmeans.js';
import { sampleIndices, seededRandom } from './random.js';
import { silhouetteScore } from './silhouette.js';

export interface KScore {
  k: number;
  silhouette: number;
  inertia: number;
}

/**
 * Picks k by the silhouette of the best-inertia fit for each k in [kMin, kMax], measured on a
 * subsample (silhouette is quadratic). Ties and near-ties (within 0.01) go to the smaller k:
 * fewer segments are easier to act on.
 */
export function chooseK(
  rows: number[][],
  opts: { kMin: number; kMax: number; restarts: number; seed: number; silhouetteSample: number },
): { k: number; scores: KScore[]; fits: Map<number, KMeansFit> } {
  const scores: KScore[] = [];
  const fits = new Map<number, KMeansFit>();
  const pick = sampleIndices(seededRandom(opts.seed ^ 0x51), rows.length, opts.silhouetteSample);
  const subRows = pick.map((i) => rows[i]!);
  const kMax = Math.min(opts.kMax, rows.length - 1);
  for (let k = opts.kMin; k <= kMax; k++) {
    const fit = fitKMeans(rows, k, { restarts: opts.restarts, seed: opts.seed + k });
    fits.set(k, fit);
    const subLabels = pick.map((i) => fit.labels[i]!);
    scores.push({ k, silhouette: silhouetteScore(subRows, subLabels, k), inertia: fit.inertia });
  }
  let best = scores[0];
  if (!best) throw new Error(`no k in ${opts.kMin}..${kMax} to choose from`);
  for (const s of scores) if (s.silhouette > best.silhouette + 0.01) best = s;
  return { k: best.k, scores, fits };
}
