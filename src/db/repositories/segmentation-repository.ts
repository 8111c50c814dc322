import { Types } from 'mongoose';
import type { CustomerFeatureRow, SegmentationStore } from '../../core/ports/segmentation.js';
import { FEATURE_NAMES } from '../../core/segmentation/math/features.js';
import type { Centroid, SegmentationRunView, SegmentView } from '../../core/views/segmentation.js';
import { isDuplicateKey } from '../duplicate-key.js';
import type { Models } from '../models.js';
import { inBatches } from './in-batches.js';
import { isObjectId } from './object-id.js';

const allDuplicates = (err: unknown) => {
  const writeErrors = (err as { writeErrors?: unknown }).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  return list.length > 0 && list.every((w) => isDuplicateKey(w));
};

interface LeanRun {
  _id: Types.ObjectId;
  status: string;
  trigger: string;
  requestedBy?: string | null;
  requestedK?: number | null;
  k?: number | null;
  features?: string[] | null;
  silhouette?: number | null;
  scores?: { k?: number | null; silhouette?: number | null }[] | null;
  sampleSize?: number | null;
  customers?: number | null;
  sizes?: number[] | null;
  progress?: number | null;
  stage?: string | null;
  error?: string | null;
  startedAt: Date;
  finishedAt?: Date | null;
}

interface LeanSegment {
  _id: Types.ObjectId;
  runId: Types.ObjectId;
  index: number;
  name: string;
  nameEdited?: boolean | null;
  centroid?: number[] | null;
  modelCentroid?: number[] | null;
  size?: number | null;
}

interface LeanCustomerFeatures {
  _id: Types.ObjectId;
  firstSeenAt?: Date | null;
  createdAt?: Date | null;
  features?: {
    frequency?: number | null;
    monetary?: number | null;
    lastOrderAt?: Date | null;
    consultations?: number | null;
    complaints?: number | null;
    sentimentSum?: number | null;
    sentimentCount?: number | null;
    lastCsat?: number | null;
    channels?: string[] | null;
  } | null;
}

function toCentroid(values: readonly number[] | null | undefined): Centroid {
  const c = {} as Centroid;
  FEATURE_NAMES.forEach((name, j) => {
    c[name] = values?.[j] ?? 0;
  });
  return c;
}

function toSegmentView(d: LeanSegment): SegmentView {
  return {
    id: String(d._id),
    runId: String(d.runId),
    index: d.index,
    name: d.name,
    nameEdited: d.nameEdited === true,
    size: d.size ?? 0,
    centroid: toCentroid(d.centroid),
  };
}

function toRunView(d: LeanRun, currentId: string | null): SegmentationRunView {
  return {
    id: String(d._id),
    status: d.status as SegmentationRunView['status'],
    trigger: d.trigger as SegmentationRunView['trigger'],
    ...(d.requestedBy ? { requestedBy: d.requestedBy } : {}),
    ...(d.requestedK != null ? { requestedK: d.requestedK } : {}),
    ...(d.k != null ? { k: d.k } : {}),
    features: d.features ?? [],
    ...(d.silhouette != null ? { silhouette: d.silhouette } : {}),
    scores: (d.scores ?? []).map((s) => ({ k: s.k ?? 0, silhouette: s.silhouette ?? 0 })),
    sampleSize: d.sampleSize ?? 0,
    customers: d.customers ?? 0,
    sizes: d.sizes ?? [],
    progress: d.progress ?? 0,
    stage: d.stage ?? '',
    ...(d.error ? { error: d.error } : {}),
    current: currentId === String(d._id),
    startedAt: d.startedAt.toISOString(),
    ...(d.finishedAt ? { finishedAt: d.finishedAt.toISOString() } : {}),
  };
}

function toFeatureRow(d: LeanCustomerFeatures): CustomerFeatureRow {
  const f = d.features ?? {};
  return {
    customerId: String(d._id),
    input: {
      firstSeenAt: d.firstSeenAt ?? d.createdAt ?? d._id.getTimestamp(),
      frequency: f.frequency ?? 0,
      monetary: f.monetary ?? 0,
      lastOrderAt: f.lastOrderAt ?? null,
      consultations: f.consultations ?? 0,
      complaints: f.complaints ?? 0,
      sentimentSum: f.sentimentSum ?? 0,
      sentimentCount: f.sentimentCount ?? 0,
      lastCsat: f.lastCsat ?? null,
      channelCount: f.channels?.length ?? 0,
    },
  };
}

/** Member records are kept for this many finished runs (the one in use and a couple before it). */
const KEEP_RUNS = 3;

export function createSegmentationRepository(m: Models): SegmentationStore {
  const currentId = async (): Promise<string | null> => {
    const doc = await m.SegmentationRun.findOne({ status: 'done' }, { _id: 1 })
      .sort({ finishedAt: -1 })
      .lean();
    return doc ? String(doc._id) : null;
  };
  const runView = async (d: unknown) => toRunView(d as LeanRun, await currentId());

  return {
    async *customerFeatures(batchSize) {
      // One cursor sorted by _id (stable while customers change meanwhile), a batch at a time:
      // memory holds one batch.
      const cursor = m.Customer.find({}, { _id: 1, firstSeenAt: 1, createdAt: 1, features: 1 })
        .sort({ _id: 1 })
        .lean()
        .cursor({ batchSize });
      yield* inBatches(cursor, batchSize, (doc) => toFeatureRow(doc as unknown as LeanCustomerFeatures));
    },

    async createRun(input) {
      const doc = await m.SegmentationRun.create({
        status: 'running',
        trigger: input.trigger,
        requestedBy: input.requestedBy,
        requestedK: input.requestedK,
        jobId: input.jobId,
        features: input.features,
        startedAt: input.startedAt,
        stage: 'starting',
      });
      return runView(doc.toObject());
    },

    async setProgress(runId, progress, stage) {
      await m.SegmentationRun.updateOne({ _id: runId, status: 'running' }, { $set: { progress, stage } });
    },

    async createSegments(runId, segments) {
      const docs = await m.Segment.insertMany(
        segments.map((s) => ({
          runId,
          index: s.index,
          name: s.name,
          nameEdited: s.nameEdited,
          modelCentroid: s.modelCentroid,
          features: FEATURE_NAMES,
        })),
      );
      return docs.map((d) => toSegmentView(d.toObject() as unknown as LeanSegment));
    },

    async assign(runId, batch) {
      if (batch.length === 0) return;
      const run = new Types.ObjectId(runId);
      try {
        await m.SegmentMember.collection.insertMany(
          batch.map((b) => ({
            runId: run,
            customerId: new Types.ObjectId(b.customerId),
            segmentId: new Types.ObjectId(b.segmentId),
          })),
          { ordered: false },
        );
      } catch (err) {
        // A customer met twice in one run (it cannot be, with one sorted cursor) keeps the first.
        if (!isDuplicateKey(err) && !allDuplicates(err)) throw err;
      }
    },

    async finishRun(runId, result, at) {
      for (let index = 0; index < result.k; index++) {
        await m.Segment.updateOne(
          { runId, index },
          { $set: { size: result.sizes[index] ?? 0, centroid: result.centroids[index] ?? [] } },
        );
      }
      await m.SegmentProjection.updateOne(
        { runId },
        {
          $set: {
            explained: result.projection.explained,
            points: result.projection.points.map((p) => ({
              customerId: new Types.ObjectId(p.customerId),
              x: p.x,
              y: p.y,
              index: p.index,
            })),
          },
        },
        { upsert: true },
      );
      await m.SegmentationRun.updateOne(
        { _id: runId },
        {
          $set: {
            status: 'done',
            k: result.k,
            silhouette: result.silhouette,
            scores: result.scores,
            sampleSize: result.sampleSize,
            customers: result.customers,
            sizes: result.sizes,
            progress: 100,
            stage: 'done',
            finishedAt: at,
          },
        },
      );
      const doc = await m.SegmentationRun.findById(runId).lean();
      if (!doc) throw new Error(`segmentation run ${runId} vanished`);
      // Older runs' member records go (failed runs' too): the segments and runs themselves stay.
      const keep = await m.SegmentationRun.find({ status: 'done' }, { _id: 1 })
        .sort({ finishedAt: -1 })
        .limit(KEEP_RUNS)
        .lean();
      await m.SegmentMember.deleteMany({ runId: { $nin: keep.map((r) => r._id) } });
      return runView(doc);
    },

    async failRun(runId, error, at) {
      await m.SegmentationRun.updateOne(
        { _id: runId, status: 'running' },
        { $set: { status: 'failed', error: error.slice(0, 2000), stage: 'failed', finishedAt: at } },
      );
    },

    async failUnfinished(exceptRunId, at) {
      const result = await m.SegmentationRun.updateMany(
        { status: 'running', _id: { $ne: new Types.ObjectId(exceptRunId) } },
        {
          $set: {
            status: 'failed',
            error: 'interrupted: the worker running it stopped',
            stage: 'failed',
            finishedAt: at,
          },
        },
      );
      return result.modifiedCount;
    },

    async listRuns(limit) {
      const docs = await m.SegmentationRun.find().sort({ startedAt: -1 }).limit(limit).lean();
      const current = await currentId();
      return docs.map((d) => toRunView(d as unknown as LeanRun, current));
    },

    async getRun(id) {
      if (!isObjectId(id)) return null;
      const doc = await m.SegmentationRun.findById(id).lean();
      return doc ? runView(doc) : null;
    },

    async currentRun() {
      const doc = await m.SegmentationRun.findOne({ status: 'done' }).sort({ finishedAt: -1 }).lean();
      return doc ? toRunView(doc as unknown as LeanRun, String(doc._id)) : null;
    },

    async listSegments(runId) {
      if (!isObjectId(runId)) return [];
      const docs = await m.Segment.find({ runId }).sort({ index: 1 }).lean();
      return docs.map((d) => toSegmentView(d as unknown as LeanSegment));
    },

    async getSegment(id) {
      if (!isObjectId(id)) return null;
      const doc = await m.Segment.findById(id).lean();
      return doc ? toSegmentView(doc as unknown as LeanSegment) : null;
    },

    async editedSegments(runId) {
      const docs = await m.Segment.find({ runId, nameEdited: true }).lean();
      return docs.map((d) => ({
        ...toSegmentView(d as unknown as LeanSegment),
        modelCentroid: (d as unknown as LeanSegment).modelCentroid ?? [],
      }));
    },

    async renameSegment(id, name) {
      if (!isObjectId(id)) return null;
      const doc = await m.Segment.findOneAndUpdate(
        { _id: id },
        { $set: { name, nameEdited: true } },
        { new: true, lean: true },
      );
      return doc ? toSegmentView(doc as unknown as LeanSegment) : null;
    },

    async customerSegmentId(customerId, runId) {
      if (!isObjectId(customerId) || !isObjectId(runId)) return null;
      const doc = await m.SegmentMember.findOne({ runId, customerId }, { segmentId: 1 }).lean();
      return doc ? String(doc.segmentId) : null;
    },

    async projection(runId) {
      if (!isObjectId(runId)) return null;
      const doc = await m.SegmentProjection.findOne({ runId }).lean();
      if (!doc) return null;
      const segments = await m.Segment.find({ runId }, { _id: 1, index: 1 }).lean();
      const idOf = new Map(segments.map((s) => [s.index, String(s._id)]));
      return {
        runId,
        explained: doc.explained ?? [],
        points: (doc.points ?? []).map((p) => ({
          customerId: String(p.customerId),
          x: p.x ?? 0,
          y: p.y ?? 0,
          segmentId: idOf.get(p.index ?? -1) ?? '',
        })),
      };
    },
  };
}
