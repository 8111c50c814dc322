/**
 * Trains the shipped intent model from src/nlp/corpus/{en,zh}.jsonl into
 * src/nlp/model/default-model.json and prints held-out metrics.
 *
 * 1. A fixed-seed 20 % stratified (language x intent) hold-out of the corpus is scored by a
 *    model trained on the other 80 %.
 * 2. The shipped model is then trained on the whole corpus (en + zh), and each sentence
 *    encoder's intent head on its English lines (src/nlp/model/<encoder>/intent-head.json),
 *    scored on
 *    src/nlp/corpus/holdout.jsonl (written separately, never trained on) and, when the shared
 *    datasets are present, on complaint vs rest of real messages it never saw (all complaints-en
 *    tweets; 5,000 sampled reviews-zh, negative review as complaint): evaluation only, never
 *    used to train or tune this model (see scripts/nlp/corpus.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  accuracy,
  closeEncoders,
  DEFAULT_ENCODERS,
  type EmbeddingHead,
  headFile,
  loadDefaultEncoders,
  macroF1,
  perLabelScores,
  stratifiedSplit,
  trainHead,
  trainTextClassifier,
} from '../../src/nlp/index.js';
import { benchmarkOverlapChecker } from './benchmark-overlap.js';
import {
  DEFAULT_MODEL_OPTIONS,
  MODEL_DIR,
  DEFAULT_MODEL_PATH as OUT,
  printUnseenBothWays,
  readCorpus,
  readHoldout,
} from './corpus.js';

const SEED = 7;

const pct = (x: number) => `${(x * 100).toFixed(1)}`;

async function main(): Promise<void> {
  const corpus = readCorpus();
  // The shared benchmark sets are evaluation only: refuse to train on a line that could be a
  // copy or paraphrase of one of their messages (see benchmark-overlap.ts).
  const check = benchmarkOverlapChecker();
  const copies = check ? corpus.map((c) => check(c.text)).filter((h) => h !== null) : [];
  if (copies.length > 0) {
    for (const h of copies)
      console.error(`${h.score.toFixed(2)} ${h.text}\n     ~ ${h.closest.slice(0, 100)}`);
    throw new Error(`${copies.length} corpus lines are close to benchmark messages: remove them first`);
  }
  if (!check) console.log('benchmark sets not found: corpus not checked for copies');
  console.log(`corpus: ${corpus.length} messages (${corpus.filter((c) => c.lang === 'en').length} en)`);
  const { train, holdout } = stratifiedSplit(corpus, (c) => `${c.lang}/${c.label}`, 0.2, SEED);
  const probe = trainTextClassifier(train, DEFAULT_MODEL_OPTIONS);
  const metrics: Record<string, number> = {};
  for (const lang of ['en', 'zh', 'all'] as const) {
    const part = holdout.filter((c) => lang === 'all' || c.lang === lang);
    const gold = part.map((c) => c.label);
    const pred = part.map((c) => probe.predict(c.text).label);
    const binGold = gold.map((g) => (g === 'complaint' ? 1 : 0).toString());
    const binPred = pred.map((p) => (p === 'complaint' ? 1 : 0).toString());
    metrics[`${lang}_accuracy`] = accuracy(gold, pred);
    metrics[`${lang}_macro_f1`] = macroF1(gold, pred);
    metrics[`${lang}_complaint_macro_f1`] = macroF1(binGold, binPred);
    console.log(
      `held-out ${lang}: n=${part.length} accuracy ${pct(accuracy(gold, pred))} macro-F1 ${pct(macroF1(gold, pred))}` +
        ` complaint-vs-rest macro-F1 ${pct(macroF1(binGold, binPred))}`,
    );
    if (lang === 'all') {
      for (const [label, s] of perLabelScores(gold, pred)) {
        console.log(
          `  ${label.padEnd(14)} P ${pct(s.precision)} R ${pct(s.recall)} F1 ${pct(s.f1)} n=${s.support}`,
        );
      }
    }
  }

  const model = trainTextClassifier(corpus, {
    ...DEFAULT_MODEL_OPTIONS,
    meta: Object.fromEntries(
      Object.entries(metrics).map(([k, v]) => [`heldout_${k}`, Math.round(v * 1e4) / 1e4]),
    ),
  });
  const holdout2 = readHoldout();
  for (const lang of ['en', 'zh', 'all'] as const) {
    const part = holdout2.filter((r) => lang === 'all' || r.lang === lang);
    if (part.length === 0) continue;
    const gold = part.map((r) => r.label);
    const pred = part.map((r) => model.predict(r.text).label);
    console.log(
      `holdout.jsonl ${lang}: n=${part.length} accuracy ${pct(accuracy(gold, pred))} macro-F1 ${pct(macroF1(gold, pred))}`,
    );
    if (lang === 'all') {
      for (const [label, sc] of perLabelScores(gold, pred)) {
        console.log(
          `  ${label.padEnd(14)} P ${pct(sc.precision)} R ${pct(sc.recall)} F1 ${pct(sc.f1)} n=${sc.support}`,
        );
      }
    }
  }
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(model.toJSON())}\n`);
  console.log(`wrote ${OUT} (${model.version}, ${model.vocabulary.size} features)`);

  // Each encoder's head, on the corpus's English lines (the messages the encoders will see).
  const encoders = await loadDefaultEncoders();
  const heads: EmbeddingHead[] = [];
  for (const [i, encoder] of encoders.entries()) {
    const t0 = performance.now();
    const head = await trainHead(encoder, corpus, { corpus: 'src/nlp/corpus, English lines' });
    if (!head) throw new Error('the corpus has no English lines to train the encoder heads on');
    const out = join(MODEL_DIR, headFile(DEFAULT_ENCODERS[i]!));
    writeFileSync(out, `${JSON.stringify(head.toJSON())}\n`);
    console.log(
      `${encoder.name} head: ${head.meta.examples} English lines, embedded and trained in ${((performance.now() - t0) / 1000).toFixed(1)} s; wrote ${out}`,
    );
    heads.push(head);
  }

  console.log('shipped model, complaint vs rest, on messages it never saw (evaluation only):');
  await printUnseenBothWays(model, heads, encoders);
  await closeEncoders(encoders);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
