import { TextClassifier } from '../learner/text-classifier.js';
import type { LabelledText, TrainOptions } from '../learner/trainer.js';
import { startModuleThread } from '../threads/module-thread.js';
import { TrainingInterrupted } from './judge-candidate.js';
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
    // The trainer's own errors are about the data; a thread that dies is not.
    worker.once('error', (err) => reject(new TrainingInterrupted(`training thread failed: ${err.message}`)));
    worker.once('exit', (code) => {
      if (!answered) reject(new TrainingInterrupted(`training thread exited (code ${code}) without a model`));
    });
  });
}
