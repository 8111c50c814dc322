/**
 * Worker-thread entry: trains an intent model. Training on the full corpus takes seconds of CPU;
 * in the app's thread (the retraining job runs there when the app runs its own workers) it would
 * hold every socket and request for that long.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TextClassifierJson } from '../learner/text-classifier.js';
import { type LabelledText, type TrainOptions, trainTextClassifier } from '../learner/trainer.js';

export interface TrainingThreadInput {
  examples: readonly LabelledText[];
  options: TrainOptions;
}
export type TrainingThreadResult = { ok: true; model: TextClassifierJson } | { ok: false; message: string };

const port = parentPort;
if (port) {
  const { examples, options } = workerData as TrainingThreadInput;
  let result: TrainingThreadResult;
  try {
    result = { ok: true, model: trainTextClassifier(examples, options).toJSON() };
  } catch (err) {
    result = { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(result);
}
