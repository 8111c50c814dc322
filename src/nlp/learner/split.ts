import { mulberry32, shuffleInPlace } from './random.js';

/**
 * Stratified split with a fixed seed: each label keeps its share in both parts, so small
 * classes (clinc's 100 oos examples) still appear in the validation part.
 */
export function stratifiedSplit<T>(
  items: readonly T[],
  labelOf: (item: T) => string,
  holdoutFraction: number,
  seed: number,
): { train: T[]; holdout: T[] } {
  const byLabel = new Map<string, T[]>();
  for (const item of items) {
    const label = labelOf(item);
    let bucket = byLabel.get(label);
    if (!bucket) {
      bucket = [];
      byLabel.set(label, bucket);
    }
    bucket.push(item);
  }
  const rand = mulberry32(seed);
  const train: T[] = [];
  const holdout: T[] = [];
  // Sorted labels: the split must not depend on the order the file lists them in.
  for (const label of [...byLabel.keys()].sort()) {
    const bucket = shuffleInPlace([...byLabel.get(label)!], rand);
    const n = bucket.length < 2 ? 0 : Math.max(1, Math.round(bucket.length * holdoutFraction));
    holdout.push(...bucket.slice(0, n));
    train.push(...bucket.slice(n));
  }
  return { train: shuffleInPlace(train, rand), holdout: shuffleInPlace(holdout, rand) };
}
