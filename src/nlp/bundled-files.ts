import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A file shipped under src/nlp/model/ (trained models, the sentence encoder): looked up beside
 * this file, and from the compiled dist/ tree back in src/ (tsc copies no data files).
 */
export function bundledModelFile(relative: string): string | null {
  for (const url of [
    new URL(`./model/${relative}`, import.meta.url),
    new URL(`../../../src/nlp/model/${relative}`, import.meta.url),
  ]) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  return null;
}
