import { FEATURE_NAMES, type FeatureName } from './features.js';

/**
 * Readable names for segments from their centroids: each centroid is read in standard deviations
 * from the average customer (z) and in its own units (raw). Known archetypes are matched first
 * (each used once, best match first); a segment matching none is described by what sets it apart.
 */
type Profile = Record<FeatureName, number>;

interface Archetype {
  name: (z: Profile, raw: Profile) => string;
  /** How well a centroid fits; null when it does not fit at all. */
  score: (z: Profile, raw: Profile) => number | null;
}

const pos = (x: number) => Math.max(0, x);

const ARCHETYPES: Archetype[] = [
  {
    name: () => 'loyal, high value',
    score: (z) => {
      const value = (z.frequency + z.monetary) / 2;
      if (value < 0.5 || z.recencyDays > 0.5 || z.complaintRatio > 0.75) return null;
      return value - pos(z.recencyDays) - pos(z.complaintRatio) * 0.5;
    },
  },
  {
    name: (z) => (z.recencyDays > 0.75 ? 'unhappy, drifting away' : 'at risk: recent complaints'),
    score: (z) => {
      const complaining = Math.max(z.complaints, z.complaintRatio);
      if (complaining < 0.5 && z.avgSentiment > -0.75 && z.lastCsat > -0.75) return null;
      return complaining + pos(-z.avgSentiment) * 0.5 + pos(-z.lastCsat) * 0.5;
    },
  },
  {
    name: (_z, raw) => (raw.frequency < 0.5 ? 'browsers, no orders yet' : 'lapsed buyers'),
    score: (z) =>
      z.recencyDays < 0.5 || z.tenureDays < -0.5 ? null : z.recencyDays - pos(z.complaints) * 0.5,
  },
  {
    name: () => 'new customers',
    score: (z) => (z.tenureDays > -0.5 ? null : -z.tenureDays - pos(z.complaints) * 0.5),
  },
  {
    name: () => 'frequent questions',
    score: (z) => (z.consultations < 0.5 || z.complaintRatio > 0.5 ? null : z.consultations),
  },
];

const DESCRIBE: Record<FeatureName, [high: string, low: string]> = {
  recencyDays: ['long since last order', 'ordered recently'],
  frequency: ['many orders', 'few orders'],
  monetary: ['high spend', 'low spend'],
  tenureDays: ['long-standing', 'recent arrivals'],
  consultations: ['many questions', 'few questions'],
  complaints: ['many complaints', 'few complaints'],
  complaintRatio: ['mostly complaints', 'rarely complain'],
  avgSentiment: ['positive tone', 'negative tone'],
  lastCsat: ['satisfied', 'dissatisfied'],
  channels: ['several channels', 'one channel'],
};

function profile(values: readonly number[]): Profile {
  const p = {} as Profile;
  FEATURE_NAMES.forEach((name, j) => {
    p[name] = values[j] ?? 0;
  });
  return p;
}

function describe(z: Profile): string {
  const standouts = FEATURE_NAMES.map((name) => ({ name, v: z[name] }))
    .filter((s) => Math.abs(s.v) >= 0.5)
    .sort((a, b) => Math.abs(b.v) - Math.abs(a.v))
    .slice(0, 2);
  if (standouts.length === 0) return 'regular customers';
  return standouts.map((s) => DESCRIBE[s.name][s.v > 0 ? 0 : 1]).join(', ');
}

/**
 * @param centroidsZ centroids in standard deviations from the mean, in FEATURE_NAMES order
 * @param centroidsRaw the same centroids in the features' own units
 */
export function nameSegments(centroidsZ: readonly number[][], centroidsRaw: readonly number[][]): string[] {
  const zs = centroidsZ.map(profile);
  const raws = centroidsRaw.map(profile);
  const candidates: { segment: number; archetype: number; score: number }[] = [];
  zs.forEach((z, segment) => {
    ARCHETYPES.forEach((a, archetype) => {
      const score = a.score(z, raws[segment]!);
      if (score !== null) candidates.push({ segment, archetype, score });
    });
  });
  candidates.sort((a, b) => b.score - a.score);
  const names: (string | undefined)[] = new Array(zs.length).fill(undefined);
  const usedArchetypes = new Set<number>();
  for (const c of candidates) {
    if (names[c.segment] !== undefined || usedArchetypes.has(c.archetype)) continue;
    names[c.segment] = ARCHETYPES[c.archetype]!.name(zs[c.segment]!, raws[c.segment]!);
    usedArchetypes.add(c.archetype);
  }
  const final = names.map((n, i) => n ?? describe(zs[i]!));
  return uniqueNames(final);
}

/** Two segments never share a name: later ones get " (2)", " (3)"… */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const count = (seen.get(n) ?? 0) + 1;
    seen.set(n, count);
    return count === 1 ? n : `${n} (${count})`;
  });
}
