/**
 * A small seeded generator (mulberry32): runs are reproducible from their seed, and a sample
 * drawn for one run does not depend on Math.random's state.
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/** A standard normal deviate (Box–Muller), for synthetic data. */
export function gaussian(random: Random): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** `m` distinct indices out of `n` (m ≤ n), in random order. */
export function sampleIndices(random: Random, n: number, m: number): number[] {
  if (m >= n) return Array.from({ length: n }, (_, i) => i);
  const chosen = new Set<number>();
  while (chosen.size < m) chosen.add(randomInt(random, n));
  return [...chosen];
}
