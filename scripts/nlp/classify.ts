/**
 * npm run nlp:classify: one message per stdin line -> one JSON line on stdout with the shipped
 * model's language, intent, confidence, sentiment, urgency and kind. Nothing else on stdout.
 */
import { createInterface } from 'node:readline';
import { loadConfig } from '../../src/config/load-config.js';
import {
  closeEnsemble,
  createIntentClassifier,
  loadDefaultEncoderEnsemble,
  loadDefaultModel,
} from '../../src/nlp/index.js';

async function main(): Promise<void> {
  // As the app runs it: with the sentence encoders unless NLP_SENTENCE_ENCODER=false.
  const ensemble = loadConfig().nlp.sentenceEncoder ? await loadDefaultEncoderEnsemble() : null;
  const classifier = createIntentClassifier(loadDefaultModel(), { ensemble });
  const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    const c = await classifier.classify(line);
    process.stdout.write(
      `${JSON.stringify({
        language: c.language,
        intent: c.intent,
        confidence: c.confidence,
        sentiment: c.sentiment,
        urgency: c.urgency,
        kind: c.kind,
      })}\n`,
    );
  }
  await closeEnsemble(ensemble);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
