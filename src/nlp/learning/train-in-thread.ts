import { TextClassifier } from '../text-classifier.js';
import { startModuleThread } from '../threads/module-thread.js';
import type { LabelledText, TrainOptions } from '../trainer.js';
import type { TrainingThreadInput, TrainingThreadResult } from './training-thread.js';

/** trainTextClassifier in a worker thread of its own (training-thread.ts): same model, event loop free. */
export function trainInThread(
  examples: readonly LabelledText[],
  options: TrainOptions,
): Promise<TextClassifier> {
  const input: TrainingThreadInput = { examples, options };
  const worker = startModuleThread(import.meta.url, 'training-thread', input);
  return new Promise((resolve, reject) => {
    let answered = false;
    worker.once('message', (r: TrainingThreadResult) => {
      answered = true;
      if (r.ok) resolve(TextClassifier.fromJSON(r.model));
      else reject(new Error(r.message));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`training thread exited (code ${code}) without a model`));
    });
  });
}
