/**
 * Sentence-encoder batching benchmark: what encoding English messages in batches would buy, and
 * what it would cost the classifier.
 *
 * Each bundled encoder (int8 ONNX, one thread, as src/nlp/encoder/encoder-thread.ts runs it) embeds
 * the pipeline benchmark's English messages one at a time and in padded batches of 4 and 8 (CPU ms
 * per message), and each text's vector from a batch is compared with its vector alone. The models
 * quantise activations per tensor, with one scale for the whole batch, so a text's vector depends
 * on the texts beside it: the lowest cosine says how far.
 *
 *   npm run bench:encoders
 * Env: BENCH_ENCODER_TEXTS (64), BENCH_ENCODER_REPEATS (3).
 * Writes bench/results/encoders.json (its `table` joins the table of `npm run bench`).
 */
import { readFileSync } from 'node:fs';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { type EncoderSpec, encoderDir, MINILM, MPNET } from '../../src/nlp/encoder/sentence-encoder.js';
import { WordPieceTokenizer } from '../../src/nlp/encoder/wordpiece.js';
import { englishBenchMessage } from '../lib/messages.js';
import { type BenchRow, writeResult } from '../lib/results.js';
import { printTable, round } from '../lib/stats.js';

const TEXTS = Number(process.env.BENCH_ENCODER_TEXTS ?? 64);
const REPEATS = Number(process.env.BENCH_ENCODER_REPEATS ?? 3);
const BATCHES = [1, 4, 8];

const texts = Array.from({ length: TEXTS }, (_, n) => englishBenchMessage(n));

async function embedBatch(session: InferenceSession, batch: number[][]): Promise<Float32Array[]> {
  const width = Math.max(...batch.map((ids) => ids.length));
  const ids = new BigInt64Array(batch.length * width);
  const mask = new BigInt64Array(batch.length * width);
  batch.forEach((row, i) => {
    row.forEach((id, j) => {
      ids[i * width + j] = BigInt(id);
      mask[i * width + j] = 1n;
    });
  });
  const out = await session.run({
    input_ids: new Tensor('int64', ids, [batch.length, width]),
    attention_mask: new Tensor('int64', mask, [batch.length, width]),
  });
  const data = out.embedding?.data;
  if (!(data instanceof Float32Array)) throw new Error('the model returned no embedding');
  const dims = data.length / batch.length;
  return batch.map((_, i) => data.slice(i * dims, (i + 1) * dims));
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

async function measure(spec: EncoderSpec) {
  const dir = encoderDir(spec);
  const tokenizer = new WordPieceTokenizer(readFileSync(`${dir}vocab.txt`, 'utf8'), {
    specialTokens: spec.specialTokens,
  });
  const session = await InferenceSession.create(`${dir}model-int8.onnx`, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const encoded = texts.map((t) => tokenizer.encode(t).ids);
  const alone: Float32Array[] = [];
  for (const ids of encoded) alone.push(...(await embedBatch(session, [ids])));

  const msPerMessage: Record<number, number> = {};
  for (const size of BATCHES) {
    await embedBatch(session, encoded.slice(0, size)); // warm
    const cpu0 = process.cpuUsage();
    let n = 0;
    for (let r = 0; r < REPEATS; r++)
      for (let i = 0; i + size <= encoded.length; i += size) {
        await embedBatch(session, encoded.slice(i, i + size));
        n += size;
      }
    const cpu = process.cpuUsage(cpu0);
    msPerMessage[size] = round((cpu.user + cpu.system) / 1000 / n, 2);
  }

  // Each text batched with the seven after it (longer and shorter ones): its vector against its own.
  const size = Math.max(...BATCHES);
  const cosines: number[] = [];
  for (let i = 0; i + size <= encoded.length; i += size) {
    const vectors = await embedBatch(session, encoded.slice(i, i + size));
    vectors.forEach((v, k) => {
      cosines.push(cosine(v, alone[i + k] as Float32Array));
    });
  }
  await session.release();
  return {
    encoder: spec.name,
    tokensPerText: round(encoded.reduce((s, ids) => s + ids.length, 0) / encoded.length, 1),
    msPerMessage,
    batchedCosineMin: round(Math.min(...cosines), 3),
    batchedCosineMean: round(cosines.reduce((s, c) => s + c, 0) / cosines.length, 3),
  };
}

async function main() {
  const results: Awaited<ReturnType<typeof measure>>[] = [];
  for (const spec of [MINILM, MPNET]) results.push(await measure(spec));
  console.log(
    `\nSentence encoders, one thread, ${TEXTS} texts × ${REPEATS}: CPU ms per message by batch size`,
  );
  printTable(
    results.map((r) => ({
      encoder: r.encoder,
      tokens: r.tokensPerText,
      ...Object.fromEntries(BATCHES.map((b) => [`batch ${b}`, r.msPerMessage[b] ?? 0])),
      'cosine batched/alone min': r.batchedCosineMin,
      mean: r.batchedCosineMean,
    })),
  );
  const both = (size: number) =>
    round(
      results.reduce((s, r) => s + (r.msPerMessage[size] ?? 0), 0),
      2,
    );
  console.log(
    `\nBoth encoders: ${both(1)} ms per English message one at a time, ${both(8)} ms in batches of 8.`,
  );
  const table: BenchRow[] = [
    ...results.flatMap((r) => [
      {
        name: `Sentence encoder ${r.encoder}: CPU per message, one at a time`,
        value: r.msPerMessage[1] ?? 0,
        unit: 'ms',
        target: null,
      },
      {
        name: `Sentence encoder ${r.encoder}: CPU per message, in batches of 8`,
        value: r.msPerMessage[8] ?? 0,
        unit: 'ms',
        target: null,
      },
      {
        name: `Sentence encoder ${r.encoder}: a text's vector in a batch of 8 against its own, lowest cosine`,
        value: r.batchedCosineMin,
        unit: '',
        target: null,
      },
    ]),
  ];
  writeResult('encoders', { texts: TEXTS, repeats: REPEATS, results, table });
}

await main();
