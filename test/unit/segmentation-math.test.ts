import { describe, expect, it } from 'vitest';
import {
  adjustedRandIndex,
  assign,
  DEFAULT_FIT,
  FEATURE_NAMES,
  fitPca,
  fitSegmentationModel,
  modelFeatures,
  nameSegments,
  project,
  Reservoir,
  rawFeatures,
  SegmentTally,
  seededRandom,
  silhouetteScore,
  symmetricEigen,
  unstandardize,
} from '../../src/core/segmentation/math/index.js';
import { ARCHETYPES, syntheticPopulation } from '../fixtures/synthetic-customers.js';

describe('segmentation math', () => {
  it('adjusted Rand index: 1 for the same partition under other labels, about 0 for random labels', () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2, 2], [5, 5, 3, 3, 9, 9])).toBeCloseTo(1);
    const r = seededRandom(1);
    const a = Array.from({ length: 5000 }, () => Math.floor(r() * 4));
    const b = Array.from({ length: 5000 }, () => Math.floor(r() * 4));
    expect(Math.abs(adjustedRandIndex(a, b))).toBeLessThan(0.02);
  });

  it('silhouette is high for separated blobs and near 0 for one blob cut in two', () => {
    const r = seededRandom(2);
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 400; i++) {
      const c = i % 2;
      rows.push([c * 10 + r(), c * 10 + r()]);
      labels.push(c);
    }
    expect(silhouetteScore(rows, labels, 2)).toBeGreaterThan(0.9);
    const blob = Array.from({ length: 400 }, () => [r(), r()]);
    const cut = blob.map((p) => (p[0]! < 0.5 ? 0 : 1));
    expect(silhouetteScore(blob, cut, 2)).toBeLessThan(0.5);
  });

  it('PCA finds the direction of largest variance; Jacobi diagonalises a symmetric matrix', () => {
    const r = seededRandom(3);
    const rows = Array.from({ length: 2000 }, () => {
      const t = (r() - 0.5) * 10;
      return [t, t, (r() - 0.5) * 0.1];
    });
    const pca = fitPca(rows, 2);
    const [c0] = pca.components;
    expect(Math.abs(c0![0]!)).toBeCloseTo(Math.SQRT1_2, 2);
    expect(Math.abs(c0![1]!)).toBeCloseTo(Math.SQRT1_2, 2);
    expect(pca.explained[0]).toBeGreaterThan(0.99);
    expect(project(pca, [1, 1, 0])).toHaveLength(2);
    const { values } = symmetricEigen([
      [2, 1],
      [1, 2],
    ]);
    expect(values.sort()).toEqual([expect.closeTo(1, 6), expect.closeTo(3, 6)]);
  });

  it('a reservoir keeps a uniform sample of a stream in fixed memory', () => {
    const reservoir = new Reservoir<number>(1000, seededRandom(4));
    for (let i = 0; i < 100_000; i++) reservoir.offer(i);
    expect(reservoir.count).toBe(100_000);
    const sample = reservoir.sample();
    expect(sample).toHaveLength(1000);
    const mean = sample.reduce((a, b) => a + b, 0) / sample.length;
    expect(mean).toBeGreaterThan(45_000);
    expect(mean).toBeLessThan(55_000);
  });

  it('recovers four known kinds of customer (ARI ≥ 0.9), chooses k = 4 by silhouette and names them sensibly', () => {
    const now = Date.UTC(2026, 10, 1);
    const population = [...syntheticPopulation(12_000, { seed: 11, nowMs: now })];
    const raws = population.map((c) => rawFeatures(c, now));
    const rows = raws.map((r) => modelFeatures(r));
    const reservoir = new Reservoir<number>(5000, seededRandom(5));
    for (let i = 0; i < rows.length; i++) reservoir.offer(i);
    const model = fitSegmentationModel(
      reservoir.sample().map((i) => rows[i]!),
      DEFAULT_FIT,
    );
    expect(model.k).toBe(4);
    expect(model.silhouette).toBeGreaterThan(0.3);
    const tally = new SegmentTally(model.k);
    const scratch: number[] = [];
    const predicted = rows.map((row, i) => {
      const s = assign(model, row, scratch);
      tally.add(s, raws[i]!);
      return s;
    });
    const truth = population.map((c) => ARCHETYPES.indexOf(c.archetype));
    expect(adjustedRandIndex(truth, predicted)).toBeGreaterThanOrEqual(0.9);

    const names = nameSegments(model.centroids, tally.centroids());
    // Each segment's name, by the kind most of its members are.
    const byKind = new Map<string, string>();
    for (let s = 0; s < model.k; s++) {
      const counts = new Map<string, number>();
      predicted.forEach((p, i) => {
        if (p === s) counts.set(population[i]!.archetype, (counts.get(population[i]!.archetype) ?? 0) + 1);
      });
      const top = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
      byKind.set(top, names[s]!);
    }
    expect(byKind.get('loyal')).toBe('loyal, high value');
    expect(byKind.get('complaining')).toMatch(/complaint|unhappy/);
    expect(byKind.get('new')).toBe('new customers');
    expect(byKind.get('lapsed')).toBe('lapsed buyers');
    // Centroids in the features' own units: the lapsed last ordered about a year ago.
    const lapsed = [...byKind].find(([k]) => k === 'lapsed')![1];
    const lapsedCentroid = tally.centroids()[names.indexOf(lapsed)]!;
    expect(lapsedCentroid[FEATURE_NAMES.indexOf('recencyDays')]).toBeGreaterThan(250);
    expect(unstandardize(model.scaler, model.centroids[0]!)).toHaveLength(FEATURE_NAMES.length);
  });

  it('a supervisor may fix k', () => {
    const now = Date.UTC(2026, 10, 1);
    const rows = [...syntheticPopulation(3000, { seed: 12, nowMs: now })].map((c) =>
      modelFeatures(rawFeatures(c, now)),
    );
    expect(fitSegmentationModel(rows, { ...DEFAULT_FIT, k: 6 }).k).toBe(6);
  });

  it('gives every segment a distinct name', () => {
    const z = [
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    ];
    expect(new Set(nameSegments(z, z)).size).toBe(2);
  });
});
