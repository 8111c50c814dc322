/**
 * Developer experiments (not part of the product or the benchmark): trains with options given as
 * JSON on the command line and prints validation metrics. Example:
 *   npx tsx scripts/nlp/experiment.ts clinc '{"C":1}'
 */
import { join } from 'node:path';
import { stratifiedSplit, type TrainOptions, trainTextClassifier } from '../../src/nlp/index.js';
import { readBanking77, readClinc, readComplaints } from './formats.js';
import { evaluate } from './measure.js';
import { datasetsDir } from './paths.js';
import { trainOptionsFor } from './profiles.js';

const [which = 'clinc', extra = '{}', mode = 'both'] = process.argv.slice(2);
const opts = JSON.parse(extra) as TrainOptions;
const dir = datasetsDir();

function go(
  name: string,
  train: ReturnType<typeof readClinc>,
  test: ReturnType<typeof readClinc>,
  base: TrainOptions,
): void {
  const t0 = performance.now();
  const m = trainTextClassifier(train, { ...base, ...opts });
  const s = (performance.now() - t0) / 1000;
  const r = evaluate(m, test, 10_000);
  console.log(
    `${name.padEnd(22)} acc ${(r.accuracy * 100).toFixed(2)} mF1 ${(r.macro_f1 * 100).toFixed(2)} in ${((r.in_scope_accuracy ?? 0) * 100).toFixed(2)} oos ${((r.oos_recall ?? 0) * 100).toFixed(1)} train ${s.toFixed(1)}s ${r.per_second}/s p99 ${r.p99_ms} T ${m.temperature.toFixed(3)}`,
  );
}

if (which === 'clinc') {
  const f = join(dir, 'clinc150/train_val.json');
  const all = readClinc(f, 'train');
  if (mode !== 'val') {
    const { train, holdout } = stratifiedSplit(all, (e) => e.label, 0.2, 42);
    go('clinc 80/20', train, holdout, trainOptionsFor('clinc150'));
  }
  if (mode !== 'cv') go('clinc val', all, readClinc(f, 'val'), trainOptionsFor('clinc150'));
} else if (which === 'banking') {
  const all = readBanking77(join(dir, 'banking77/train.csv'));
  const { train, holdout } = stratifiedSplit(all, (e) => e.label, 0.2, 42);
  go('banking 80/20', train, holdout, trainOptionsFor('banking77'));
} else if (which === 'complaints') {
  const all = readComplaints(join(dir, 'complaints-en/train.csv'));
  const { train, holdout } = stratifiedSplit(all, (e) => e.label, 0.2, 42);
  go('complaints 80/20', train, holdout, trainOptionsFor('complaints', train.length));
}
