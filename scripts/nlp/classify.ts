/**
 * npm run nlp:classify: one message per stdin line -> one JSON line on stdout with the shipped
 * model's language, intent, confidence, sentiment, urgency and kind. Nothing else on stdout.
 */
import { createInterface } from 'node:readline';
import { loadDefaultModel } from '../../src/nlp/default-model.js';
import { createIntentClassifier } from '../../src/nlp/intent-classifier.js';

async function main(): Promise<void> {
  const classifier = createIntentClassifier(loadDefaultModel());
  const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    const c = classifier.classify(line);
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
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
