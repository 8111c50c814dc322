import type { CustomerFeatureInput } from '../segmentation/math/features.js';
import type { ProjectionView, SegmentationRunView, SegmentView } from '../views/segmentation.js';

export interface CustomerFeatureRow {
  customerId: string;
  input: CustomerFeatureInput;
}

export interface NewSegment {
  index: number;
  name: string;
  nameEdited: boolean;
  /** The centroid in the model's (log) feature space, unstandardised: later runs match names by it. */
  modelCentroid: number[];
}

export interface RunResult {
  k: number;
  silhouette: number;
  scores: { k: number; silhouette: number }[];
  sampleSize: number;
  customers: number;
  sizes: number[];
  /** Per segment, in the features' own units (FEATURE_NAMES order). */
  centroids: number[][];
  projection: { explained: number[]; points: { customerId: string; x: number; y: number; index: number }[] };
}

/** Segmentation runs, segments and customers' assignments (src/db/repositories/segmentation-repository.ts). */
export interface SegmentationStore {
  /** Every customer's features, in _id order, a batch at a time from a cursor (bounded memory). */
  customerFeatures(batchSize: number): AsyncIterable<CustomerFeatureRow[]>;
  createRun(input: {
    trigger: 'schedule' | 'api';
    requestedBy?: string;
    requestedK?: number;
    jobId?: string;
    features: string[];
    startedAt: Date;
  }): Promise<SegmentationRunView>;
  setProgress(runId: string, progress: number, stage: string): Promise<void>;
  createSegments(runId: string, segments: NewSegment[]): Promise<SegmentView[]>;
  /** Puts each customer in a segment of the run (member records, inserted a batch at a time). */
  assign(runId: string, batch: { customerId: string; segmentId: string }[]): Promise<void>;
  finishRun(runId: string, result: RunResult, at: Date): Promise<SegmentationRunView>;
  failRun(runId: string, error: string, at: Date): Promise<void>;
  /** Runs left `running` by a process that died: marked failed (called while holding the run lock). */
  failUnfinished(exceptRunId: string, at: Date): Promise<number>;
  listRuns(limit: number): Promise<SegmentationRunView[]>;
  getRun(id: string): Promise<SegmentationRunView | null>;
  /** The latest finished run: its segments are the ones in use. */
  currentRun(): Promise<SegmentationRunView | null>;
  listSegments(runId: string): Promise<SegmentView[]>;
  getSegment(id: string): Promise<SegmentView | null>;
  /** Segments of a run a supervisor named, with their model centroids (for the next run to keep the names). */
  editedSegments(runId: string): Promise<(SegmentView & { modelCentroid: number[] })[]>;
  renameSegment(id: string, name: string): Promise<SegmentView | null>;
  /** The customer's segment in this run; null when they were not in it (new since). */
  customerSegmentId(customerId: string, runId: string): Promise<string | null>;
  projection(runId: string): Promise<ProjectionView | null>;
}

/** Asks the segmentation worker for a run (src/infra/queues.ts). */
export interface SegmentationRequests {
  /** Deduplicated: a request while a run waits or runs joins it. */
  request(input: { k?: number; requestedBy: string }): Promise<{ jobId: string | null }>;
}
