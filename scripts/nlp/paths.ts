import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, from this file's location (scripts/nlp/), so cwd does not matter. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Shared datasets: $PARLEY_DATASETS (relative to the repo root) or ../shared/datasets. */
export function datasetsDir(): string {
  const p = process.env.PARLEY_DATASETS ?? '../shared/datasets';
  return isAbsolute(p) ? p : resolve(REPO_ROOT, p);
}
