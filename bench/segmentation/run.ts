/**
 * Segmentation benchmark.
 *
 * In memory, for 100,000 and 1,000,000 synthetic customers (four known kinds): features → model →
 * assignments, as a run does it: a streaming pass into a uniform sample, k-means fitted on the
 * sample (k by silhouette over 2..8, restarts), a second streaming pass assigning everyone.
 * Customers are generated as a stream and never held all at once, so memory stays bounded.
 * Reports seconds per phase, peak RSS and heap, and the adjusted Rand index against the known kinds.
 *
 * End to end through the database at 100,000: the real run (cursor over the customers collection,
 * member records inserted in batches, run and segments stored), on MONGODB_URI.
 *
 *   npm run bench:segmentation
 * Env: BENCH_SIZES (100000,1000000), BENCH_DB_SIZE (100000; 0 = skip), MONGODB_URI / REDIS_URL.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Types } from 'mongoose';
import { buildCore } from '../../src/composition/core.js';
import { loadConfig } from '../../src/config/load-config.js';
import {
  adjustedRandIndex,
  assign,
  DEFAULT_FIT,
  fitSegmentationModel,
  modelFeatures,
  nameSegments,
  Reservoir,
  rawFeatures,
  SegmentTally,
  seededRandom,
} from '../../src/core/segmentation/math/index.js';
import { DEFAULT_SEGMENTATION } from '../../src/core/segmentation/run-segmentation.js';
import { createLogger } from '../../src/infra/logger.js';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { ARCHETYPES, syntheticPopulation } from '../../test/fixtures/synthetic-customers.js';
import { benchServers } from '../lib/servers.js';
import { printTable, round } from '../lib/stats.js';

const SIZES = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
const DB_SIZE = Number(process.env.BENCH_DB_SIZE ?? 100_000);
const NOW = Date.UTC(2026, 10, 1);
const MB = 1024 * 1024;

class PeakMemory {
  rss = 0;
  heap = 0;
  sample(): void {
    const m = process.memoryUsage();
    this.rss = Math.max(this.rss, m.rss);
    this.heap = Math.max(this.heap, m.heapUsed);
  }
}

const gc = (globalThis as { gc?: () => void }).gc;

function inMemory(n: number) {
  gc?.();
  const peak = new PeakMemory();
  const base = process.memoryUsage();
  const settings = DEFAULT_SEGMENTATION;
  const t0 = performance.now();
  // Pass 1: a uniform sample of the stream.
  const reservoir = new Reservoir<{ model: number[]; raw: number[] }>(settings.sampleSize, seededRandom(1));
  let i = 0;
  for (const c of syntheticPopulation(n, { seed: 42, nowMs: NOW })) {
    reservoir.offerLazily(() => {
      const raw = rawFeatures(c, NOW);
      return { raw, model: modelFeatures(raw) };
    });
    if (++i % 20_000 === 0) peak.sample();
  }
  const t1 = performance.now();
  const model = fitSegmentationModel(
    reservoir.sample().map((s) => s.model),
    settings.fit,
  );
  peak.sample();
  const t2 = performance.now();
  // Pass 2: everyone assigned, a segment number per customer kept (one byte each) to score it.
  const labels = new Uint8Array(n);
  const truth = new Uint8Array(n);
  const tally = new SegmentTally(model.k);
  const raw: number[] = [];
  const row: number[] = [];
  const scratch: number[] = [];
  i = 0;
  for (const c of syntheticPopulation(n, { seed: 42, nowMs: NOW })) {
    rawFeatures(c, NOW, raw);
    const label = assign(model, modelFeatures(raw, row), scratch);
    tally.add(label, raw);
    labels[i] = label;
    truth[i] = ARCHETYPES.indexOf(c.archetype);
    if (++i % 20_000 === 0) peak.sample();
  }
  const t3 = performance.now();
  const names = nameSegments(model.centroids, tally.centroids());
  return {
    customers: n,
    k: model.k,
    silhouette: round(model.silhouette, 3),
    ARI: round(adjustedRandIndex(truth, labels), 4),
    'sample s': round((t1 - t0) / 1000, 2),
    'fit s': round((t2 - t1) / 1000, 2),
    'assign s': round((t3 - t2) / 1000, 2),
    'total s': round((t3 - t0) / 1000, 2),
    'peak RSS MB': round(peak.rss / MB, 0),
    'peak heap MB': round(peak.heap / MB, 0),
    'heap growth MB': round((peak.heap - base.heapUsed) / MB, 0),
    names: names.join(' | '),
  };
}

async function throughDatabase(n: number) {
  const servers = await benchServers();
  const dbName = `bench_seg_${randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    MONGODB_DB: dbName,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    DATA_DIR: '.data/bench',
    SEGMENTATION_CRON: 'off',
  });
  const core = await buildCore({
    config,
    log: createLogger('warn'),
    mongoUri: servers.mongoUri,
    redisUrl: servers.redisUrl,
    redisPrefix: `${dbName}:`,
    classifier: new KeywordClassifier(),
  });
  try {
    const truth = new Map<string, number>();
    const insertStarted = performance.now();
    let batch: object[] = [];
    const flush = async () => {
      if (batch.length) await core.infra.models.Customer.collection.insertMany(batch, { ordered: false });
      batch = [];
    };
    for (const c of syntheticPopulation(n, { seed: 9, nowMs: Date.now() })) {
      const _id = new Types.ObjectId();
      truth.set(String(_id), ARCHETYPES.indexOf(c.archetype));
      batch.push({
        _id,
        firstSeenAt: new Date(c.firstSeenAt),
        features: {
          frequency: c.frequency,
          monetary: c.monetary,
          ...(c.lastOrderAt != null ? { lastOrderAt: new Date(c.lastOrderAt) } : {}),
          consultations: c.consultations,
          complaints: c.complaints,
          sentimentSum: c.sentimentSum,
          sentimentCount: c.sentimentCount,
          ...(c.lastCsat != null ? { lastCsat: c.lastCsat } : {}),
          channels: c.channelList,
        },
      });
      if (batch.length >= 2000) await flush();
    }
    await flush();
    const insertSeconds = (performance.now() - insertStarted) / 1000;

    gc?.();
    const peak = new PeakMemory();
    const timer = setInterval(() => peak.sample(), 100);
    const started = performance.now();
    const outcome = await core.useCases.segmentation.run({ trigger: 'api' });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(timer);
    peak.sample();
    if (outcome.status !== 'done') throw new Error(`run ${outcome.status}: ${JSON.stringify(outcome)}`);
    const members = await core.infra.models.SegmentMember.find(
      { runId: outcome.runId },
      { customerId: 1, segmentId: 1 },
    ).lean();
    const segmentIds = [...new Set(members.map((m) => String(m.segmentId)))];
    const ari = adjustedRandIndex(
      members.map((m) => truth.get(String(m.customerId)) ?? -1),
      members.map((m) => segmentIds.indexOf(String(m.segmentId))),
    );
    return {
      customers: n,
      k: outcome.k,
      assigned: members.length,
      ARI: round(ari, 4),
      'run s': round(seconds, 1),
      'peak RSS MB': round(peak.rss / MB, 0),
      'peak heap MB': round(peak.heap / MB, 0),
      '(setup: insert s)': round(insertSeconds, 1),
    };
  } finally {
    await core.infra.mongo.dropDatabase().catch(() => {});
    await core.close();
    await servers.stop();
  }
}

async function main() {
  if (!gc)
    console.log('(run with node --expose-gc for steadier memory figures: npm run bench:segmentation does)');
  const memoryRows = SIZES.map((n) => {
    const row = inMemory(n);
    console.log(`in memory, ${n} customers: ${row['total s']} s`);
    return row;
  });
  console.log('\nIn memory (features → model → assignments):');
  printTable(memoryRows.map(({ names: _, ...r }) => r));
  console.log(`segment names: ${memoryRows.at(-1)?.names}`);
  let dbRow: Record<string, number | string | undefined> | null = null;
  if (DB_SIZE > 0) {
    dbRow = await throughDatabase(DB_SIZE);
    console.log('\nEnd to end through the database:');
    printTable([dbRow as Record<string, string | number>]);
  }
  const out = path.resolve('bench/results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    path.join(out, 'segmentation.json'),
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        inMemory: memoryRows,
        database: dbRow,
        sampleSize: DEFAULT_FIT,
        // The table of `npm run bench`.
        table: [
          ...memoryRows.flatMap((r) => [
            {
              name: `Segmentation of ${r.customers} customers in memory`,
              value: r['total s'],
              unit: 's',
              ...(r.customers === 1_000_000 ? { target: '< 60', pass: r['total s'] < 60 } : { target: null }),
            },
            {
              name: `Segmentation of ${r.customers} customers in memory: peak RSS`,
              value: r['peak RSS MB'],
              unit: 'MB',
              target: null,
            },
          ]),
          ...(dbRow
            ? [
                {
                  name: `Segmentation of ${dbRow.customers} customers through the database`,
                  value: Number(dbRow['run s']),
                  unit: 's',
                  target: null,
                },
              ]
            : []),
        ],
      },
      null,
      2,
    )}\n`,
  );
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
