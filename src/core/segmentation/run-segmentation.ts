import type { EventBus } from '../events/domain-events.js';
import type { Locks } from '../ports/locks.js';
import type { DomainLogger } from '../ports/logger.js';
import type { CustomerFeatureRow, NewSegment, SegmentationStore } from '../ports/segmentation.js';
import type { SegmentationRunView } from '../views/segmentation.js';
import {
  assign,
  DEFAULT_FIT,
  FEATURE_NAMES,
  type FitOptions,
  fitSegmentationModel,
  modelFeatures,
  nameSegments,
  nearestCentroid,
  projectRow,
  Reservoir,
  rawFeatures,
  type SegmentationModel,
  SegmentTally,
  seededRandom,
  squaredDistance,
  standardize,
  unstandardize,
} from './math/index.js';

export interface SegmentationSettings {
  /** Customers the model is fitted on (a uniform sample of everyone). */
  sampleSize: number;
  /** Customers read and written per batch while assigning. */
  batchSize: number;
  fit: Omit<FitOptions, 'k'>;
}

export const DEFAULT_SEGMENTATION: SegmentationSettings = {
  sampleSize: 20_000,
  batchSize: 1000,
  fit: DEFAULT_FIT,
};

export interface SegmentationDeps {
  segmentation: SegmentationStore;
  locks: Locks;
  events: EventBus;
  log: DomainLogger;
  settings: SegmentationSettings;
  now?: () => Date;
}

export interface SegmentationCommand {
  trigger: 'schedule' | 'api';
  k?: number;
  requestedBy?: string;
  jobId?: string;
}

export type SegmentationOutcome =
  | { status: 'done'; runId: string; k: number; customers: number; silhouette: number }
  | { status: 'failed'; runId: string; error: string }
  | { status: 'skipped'; reason: string };

/** One run at a time across every process; a run's lock lapses this long after its holder dies. */
const RUN_LOCK = 'segmentation-run';
const RUN_LOCK_TTL_MS = 30_000;
/** At most this many customers are drawn in the console's 2-D picture. */
const PROJECTION_POINTS = 2000;
/** A supervisor's name carries over to a new segment within this distance (in standard deviations). */
const KEEP_NAME_WITHIN = 1.0;
const MIN_CUSTOMERS = 10;

/**
 * A segmentation run: read every customer's features with a cursor into a uniform sample, fit
 * k-means on it (k by silhouette unless given), name the segments, then read everyone again and
 * assign each to a segment in batches. Memory holds the sample and one batch, never everyone.
 * Runs never overlap (a renewed Redis lease); a run left behind by a dead process is marked failed.
 */
export async function runSegmentation(
  deps: SegmentationDeps,
  cmd: SegmentationCommand,
  onProgress: (percent: number) => Promise<void> = async () => {},
): Promise<SegmentationOutcome> {
  const held = await deps.locks.tryWithLease(RUN_LOCK, RUN_LOCK_TTL_MS, async (lease) => {
    const now = deps.now ?? (() => new Date());
    const store = deps.segmentation;
    const startedAt = now();
    const run = await store.createRun({
      trigger: cmd.trigger,
      requestedBy: cmd.requestedBy,
      requestedK: cmd.k,
      jobId: cmd.jobId,
      features: FEATURE_NAMES,
      startedAt,
    });
    const interrupted = await store.failUnfinished(run.id, startedAt);
    if (interrupted > 0)
      deps.log.warn({ interrupted }, 'segmentation runs left by a stopped worker marked failed');

    let lastReport = 0;
    const report = async (progress: number, stage: string, force = false) => {
      if (lease.lost)
        throw new Error('the segmentation lock was lost (the worker stalled); another run took over');
      const t = Date.now();
      if (!force && t - lastReport < 1000) return;
      lastReport = t;
      const rounded = Math.round(progress * 10) / 10;
      await store.setProgress(run.id, rounded, stage);
      await onProgress(rounded);
      await deps.events.publish('segmentation.progress', {
        run: { ...run, progress: rounded, stage },
      });
    };

    try {
      const result = await segmentEveryone(deps, run, cmd.k, startedAt.getTime(), report);
      const finished = await store.finishRun(run.id, result, now());
      await onProgress(100);
      await deps.events.publish('segmentation.progress', { run: finished });
      deps.log.info(
        { runId: run.id, k: result.k, customers: result.customers, silhouette: result.silhouette },
        'segmentation run finished',
      );
      return {
        status: 'done',
        runId: run.id,
        k: result.k,
        customers: result.customers,
        silhouette: result.silhouette,
      } as const;
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      await store.failRun(run.id, error, now());
      const failed = await store.getRun(run.id);
      if (failed) await deps.events.publish('segmentation.progress', { run: failed });
      deps.log.error({ err, runId: run.id }, 'segmentation run failed');
      return { status: 'failed', runId: run.id, error } as const;
    }
  });
  if (!held.acquired) return { status: 'skipped', reason: 'another segmentation run is in progress' };
  return held.value;
}

interface Sampled {
  customerId: string;
  model: number[];
  raw: number[];
}

async function segmentEveryone(
  deps: SegmentationDeps,
  run: SegmentationRunView,
  k: number | undefined,
  nowMs: number,
  report: (progress: number, stage: string, force?: boolean) => Promise<void>,
) {
  const store = deps.segmentation;
  const { settings } = deps;
  // Pass 1: a uniform sample of everyone (and how many there are).
  await report(0, 'sampling', true);
  const reservoir = new Reservoir<Sampled>(settings.sampleSize, seededRandom(settings.fit.seed));
  for await (const batch of store.customerFeatures(settings.batchSize)) {
    for (const row of batch) {
      reservoir.offerLazily(() => {
        const raw = rawFeatures(row.input, nowMs);
        return { customerId: row.customerId, raw, model: modelFeatures(raw) };
      });
    }
    await report(Math.min(20, reservoir.count / 10_000), 'sampling');
  }
  const total = reservoir.count;
  if (total < MIN_CUSTOMERS) {
    throw new Error(`segmentation needs at least ${MIN_CUSTOMERS} customers; there are ${total}`);
  }
  if (k !== undefined && k > total) throw new Error(`k=${k} is more than the ${total} customers`);

  // The model, on the sample.
  await report(20, 'fitting', true);
  const sample = reservoir.sample();
  const model = fitSegmentationModel(
    sample.map((s) => s.model),
    { ...settings.fit, ...(k !== undefined ? { k } : {}) },
  );
  const sampleTally = new SegmentTally(model.k);
  const scratch: number[] = [];
  const sampleLabels = sample.map((s) => {
    const label = assign(model, s.model, scratch);
    sampleTally.add(label, s.raw);
    return label;
  });
  const names = nameSegments(model.centroids, sampleTally.centroids());
  const current = await store.currentRun();
  const kept = current ? await keepEditedNames(store, current.id, model) : new Map<number, string>();
  const segments = await store.createSegments(
    run.id,
    names.map<NewSegment>((name, index) => ({
      index,
      name: kept.get(index) ?? name,
      nameEdited: kept.has(index),
      modelCentroid: unstandardize(model.scaler, model.centroids[index]!),
    })),
  );
  const segmentIds = segments.sort((a, b) => a.index - b.index).map((s) => s.id);

  // Pass 2: everyone, assigned in batches.
  await report(40, 'assigning', true);
  const tally = new SegmentTally(model.k);
  let assigned = 0;
  for await (const batch of store.customerFeatures(settings.batchSize)) {
    const writes = batch.map((row: CustomerFeatureRow) => {
      const raw = rawFeatures(row.input, nowMs);
      const label = assign(model, modelFeatures(raw), scratch);
      tally.add(label, raw);
      return { customerId: row.customerId, segmentId: segmentIds[label]! };
    });
    await store.assign(run.id, writes);
    assigned += batch.length;
    await report(40 + (59 * Math.min(assigned, total)) / total, 'assigning');
  }

  const step = Math.max(1, Math.floor(sample.length / PROJECTION_POINTS));
  const points: { customerId: string; x: number; y: number; index: number }[] = [];
  for (let i = 0; i < sample.length && points.length < PROJECTION_POINTS; i += step) {
    const [x, y] = projectRow(model, sample[i]!.model);
    points.push({ customerId: sample[i]!.customerId, x, y, index: sampleLabels[i]! });
  }
  return {
    k: model.k,
    silhouette: model.silhouette,
    scores: model.scores.map((s) => ({ k: s.k, silhouette: s.silhouette })),
    sampleSize: model.sampleSize,
    customers: assigned,
    sizes: tally.sizes,
    centroids: tally.centroids(),
    projection: { explained: model.pca.explained, points },
  };
}

/**
 * Names a supervisor gave in the run in use carry over to this run's segment nearest to theirs
 * (each way: mutual nearest), when it is close: a nightly run does not undo their naming.
 */
async function keepEditedNames(
  store: SegmentationStore,
  previousRunId: string,
  model: SegmentationModel,
): Promise<Map<number, string>> {
  const edited = await store.editedSegments(previousRunId);
  const kept = new Map<number, string>();
  if (edited.length === 0) return kept;
  const previous = edited.map((s) => standardize(model.scaler, s.modelCentroid));
  previous.forEach((z, i) => {
    const nearest = nearestCentroid(z, model.centroids);
    const back = nearestCentroid(model.centroids[nearest]!, previous);
    if (back === i && Math.sqrt(squaredDistance(z, model.centroids[nearest]!)) <= KEEP_NAME_WITHIN) {
      kept.set(nearest, edited[i]!.name);
    }
  });
  return kept;
}
