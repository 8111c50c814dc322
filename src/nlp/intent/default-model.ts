import { readFileSync } from 'node:fs';
import { bundledModelFile } from '../bundled-files.js';
import { TextClassifier, type TextClassifierJson } from '../learner/text-classifier.js';

/** The shipped intent model (trained by scripts/nlp/train-default.ts). */
export function defaultModelPath(): string {
  const path = bundledModelFile('default-model.json');
  if (!path) throw new Error('default intent model not found: run scripts/nlp/train-default.ts');
  return path;
}

export function loadModel(path: string): TextClassifier {
  return TextClassifier.fromJSON(JSON.parse(readFileSync(path, 'utf8')) as TextClassifierJson);
}

export function loadDefaultModel(): TextClassifier {
  return loadModel(defaultModelPath());
}
