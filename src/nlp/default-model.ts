import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TextClassifier, type TextClassifierJson } from './text-classifier.js';

/**
 * The shipped intent model (trained by scripts/nlp/train-default.ts). Looked up beside this
 * file, and from the compiled dist/ tree back in src/ (tsc does not copy the JSON).
 */
const CANDIDATES = [
  new URL('./model/default-model.json', import.meta.url),
  new URL('../../../src/nlp/model/default-model.json', import.meta.url),
];

export function defaultModelPath(): string {
  for (const url of CANDIDATES) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  throw new Error('default intent model not found: run scripts/nlp/train-default.ts');
}

export function loadModel(path: string): TextClassifier {
  return TextClassifier.fromJSON(JSON.parse(readFileSync(path, 'utf8')) as TextClassifierJson);
}

export function loadDefaultModel(): TextClassifier {
  return loadModel(defaultModelPath());
}
