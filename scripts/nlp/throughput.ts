/**
 * Developer tool: classify throughput of a clinc150-trained model (151 classes, the slowest
 * case), as the median of several rounds over the val messages, one core. The machine may be
 * shared, so the median, not one round, is the number to read.
 *   npx tsx scripts/nlp/throughput.ts [rounds]
 */
import { join } from 'node:path';
import { trainTextClassifier } from '../../src/nlp/index.js';
import { readClinc } from './formats.js';
import { datasetsDir } from './paths.js';
import { trainOptionsFor } from './profiles.js';

const rounds = Number(process.argv[2] ?? 7);
const file = join(datasetsDir(), 'clinc150/train_val.json');
const model = trainTextClassifier(readClinc(file, 'train'), trainOptionsFor('clinc150'));
const texts = readClinc(file, 'val').map((e) => e.text);
for (const t of texts) model.predict(t);
const rates: number[] = [];
const p99s: number[] = [];
for (let r = 0; r < rounds; r++) {
  const lat = new Float64Array(texts.length * 4);
  let n = 0;
  const start = performance.now();
  for (let k = 0; k < 4; k++) {
    for (const t of texts) {
      const t0 = performance.now();
      model.predict(t);
      lat[n++] = performance.now() - t0;
    }
  }
  rates.push(n / ((performance.now() - start) / 1000));
  lat.sort();
  p99s.push(lat[Math.floor(n * 0.99)]!);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `clinc150 model: median ${Math.round(median(rates))} msg/s over ${rounds} rounds (min ${Math.round(Math.min(...rates))}, max ${Math.round(Math.max(...rates))}), median p99 ${median(p99s).toFixed(3)} ms`,
);
