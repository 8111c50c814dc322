/** Classification metrics over parallel arrays of gold and predicted labels. */
export interface LabelScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export function accuracy(gold: readonly string[], predicted: readonly string[]): number {
  if (gold.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === predicted[i]) ok++;
  return ok / gold.length;
}

export function perLabelScores(
  gold: readonly string[],
  predicted: readonly string[],
): Map<string, LabelScores> {
  const labels = new Set([...gold, ...predicted]);
  const out = new Map<string, LabelScores>();
  for (const label of [...labels].sort()) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < gold.length; i++) {
      const g = gold[i] === label;
      const p = predicted[i] === label;
      if (g && p) tp++;
      else if (p) fp++;
      else if (g) fn++;
    }
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    out.set(label, { precision, recall, f1, support: tp + fn });
  }
  return out;
}

/** Unweighted mean F1 over the labels present in the gold data. */
export function macroF1(gold: readonly string[], predicted: readonly string[]): number {
  const present = new Set(gold);
  const scores = perLabelScores(gold, predicted);
  let sum = 0;
  for (const label of present) sum += scores.get(label)!.f1;
  return present.size === 0 ? 0 : sum / present.size;
}

/** Recall of one label (clinc's out-of-scope recall). */
export function recallOf(gold: readonly string[], predicted: readonly string[], label: string): number {
  let n = 0;
  let hit = 0;
  for (let i = 0; i < gold.length; i++) {
    if (gold[i] !== label) continue;
    n++;
    if (predicted[i] === label) hit++;
  }
  return n === 0 ? 0 : hit / n;
}

/** Accuracy over examples whose gold label is not `excluded` (clinc's in-scope accuracy). */
export function accuracyExcluding(
  gold: readonly string[],
  predicted: readonly string[],
  excluded: string,
): number {
  let n = 0;
  let ok = 0;
  for (let i = 0; i < gold.length; i++) {
    if (gold[i] === excluded) continue;
    n++;
    if (predicted[i] === gold[i]) ok++;
  }
  return n === 0 ? 0 : ok / n;
}
