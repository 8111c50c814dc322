import { type Static, Type } from '@sinclair/typebox';
import { FEATURES, type FeatureName } from '../segmentation/math/features.js';
import { IsoTime, literalUnion } from './schema-helpers.js';

/** A centroid in the features' own units (days, orders, money, tickets, ratio, −1..1, 1..5, channels). */
export const CentroidSchema = Type.Object(
  Object.fromEntries(
    FEATURES.map((f) => [f.name, Type.Number({ description: `${f.description} (${f.unit})` })]),
  ) as Record<FeatureName, ReturnType<typeof Type.Number>>,
  { title: 'Centroid' },
);
export type Centroid = Static<typeof CentroidSchema>;

export const SegmentSchema = Type.Object(
  {
    id: Type.String(),
    runId: Type.String(),
    index: Type.Integer({ description: 'the cluster number within its run' }),
    name: Type.String(),
    nameEdited: Type.Boolean({
      description: 'a supervisor named it (later runs keep the name for the same group)',
    }),
    size: Type.Integer({ description: 'customers in it' }),
    centroid: CentroidSchema,
  },
  { title: 'Segment' },
);
export type SegmentView = Static<typeof SegmentSchema>;

export const SEGMENTATION_RUN_STATUSES = ['running', 'done', 'failed'] as const;
export const SegmentationRunStatusSchema = literalUnion(SEGMENTATION_RUN_STATUSES);
export type SegmentationRunStatus = Static<typeof SegmentationRunStatusSchema>;

export const SegmentationRunSchema = Type.Object(
  {
    id: Type.String(),
    status: SegmentationRunStatusSchema,
    trigger: literalUnion(['schedule', 'api'] as const),
    requestedBy: Type.Optional(Type.String({ description: 'the staff member who asked for it' })),
    requestedK: Type.Optional(
      Type.Integer({ description: 'k set by a supervisor; otherwise chosen by silhouette' }),
    ),
    k: Type.Optional(Type.Integer()),
    features: Type.Array(Type.String()),
    silhouette: Type.Optional(Type.Number({ description: 'mean silhouette of the fit, −1..1' })),
    scores: Type.Array(Type.Object({ k: Type.Integer(), silhouette: Type.Number() }), {
      description: 'the silhouette of each k tried when k was chosen',
    }),
    sampleSize: Type.Integer({ description: 'customers the model was fitted on' }),
    customers: Type.Integer({ description: 'customers assigned a segment' }),
    sizes: Type.Array(Type.Integer()),
    progress: Type.Number({ minimum: 0, maximum: 100 }),
    stage: Type.String(),
    error: Type.Optional(Type.String()),
    current: Type.Boolean({ description: 'the latest finished run: its segments are the ones in use' }),
    startedAt: IsoTime,
    finishedAt: Type.Optional(IsoTime),
  },
  { title: 'SegmentationRun' },
);
export type SegmentationRunView = Static<typeof SegmentationRunSchema>;

export const ProjectionSchema = Type.Object(
  {
    runId: Type.String(),
    explained: Type.Array(Type.Number(), { description: 'share of the variance each axis shows' }),
    points: Type.Array(
      Type.Object({
        customerId: Type.String(),
        x: Type.Number(),
        y: Type.Number(),
        segmentId: Type.String(),
      }),
    ),
  },
  {
    title: 'SegmentProjection',
    description: 'customers on the two principal components, coloured by segment',
  },
);
export type ProjectionView = Static<typeof ProjectionSchema>;

export const CustomerSegmentSchema = Type.Object(
  {
    customerId: Type.String(),
    segment: Type.Union([SegmentSchema, Type.Null()], {
      description: 'null before the first run, or for a customer who arrived after the run in use',
    }),
  },
  { title: 'CustomerSegment' },
);
export type CustomerSegmentView = Static<typeof CustomerSegmentSchema>;
