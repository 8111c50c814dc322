/**
 * npm run nlp:eval -- --format <complaints|banking77|clinc150> --train <file> --test <file> [--json]
 *
 * Trains the product's classifier on --train and evaluates it on --test (clinc150: train on
 * train+oos_train, evaluate on val+oos_val). With --json, stdout carries exactly one JSON object.
 */
import { parseArgs } from 'node:util';
import { trainTextClassifier } from '../../src/nlp/index.js';
import { type DatasetFormat, readForFormat } from './formats.js';
import { evaluate, round } from './measure.js';
import { trainOptionsFor } from './profiles.js';

const FORMATS: readonly DatasetFormat[] = ['complaints', 'banking77', 'clinc150'];

function main(): void {
  const { values } = parseArgs({
    options: {
      format: { type: 'string' },
      train: { type: 'string' },
      test: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const format = values.format as DatasetFormat | undefined;
  if (!format || !FORMATS.includes(format) || !values.train || !values.test) {
    process.stderr.write(
      'usage: nlp:eval -- --format <complaints|banking77|clinc150> --train <file> --test <file> [--json]\n',
    );
    process.exit(2);
  }
  const train = readForFormat(format, values.train, 'train');
  const test = readForFormat(format, values.test, 'eval');
  const t0 = performance.now();
  const model = trainTextClassifier(train, trainOptionsFor(format, train.length));
  const trainSeconds = (performance.now() - t0) / 1000;
  const r = evaluate(model, test);
  const out = {
    format,
    train_examples: train.length,
    test_examples: test.length,
    accuracy: r.accuracy,
    macro_f1: r.macro_f1,
    ...(format === 'clinc150'
      ? { oos_recall: r.oos_recall ?? 0, in_scope_accuracy: r.in_scope_accuracy ?? 0 }
      : {}),
    train_seconds: round(trainSeconds, 2),
    per_second: r.per_second,
    p50_ms: r.p50_ms,
    p99_ms: r.p99_ms,
    model_version: model.version,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else {
    for (const [k, v] of Object.entries(out)) process.stdout.write(`${k.padEnd(18)} ${String(v)}\n`);
  }
}

main();
