import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { MAX_K, MIN_K } from '../../../core/segmentation/segments.js';
import {
  CustomerSegmentSchema,
  ProjectionSchema,
  SegmentationRunSchema,
  SegmentSchema,
} from '../../../core/views/segmentation.js';
import { actorOf, requireStaff } from '../../plugins/staff-auth.js';
import { IdParams, ObjectIdString, STAFF_AUTH } from '../../schemas/common.js';

/**
 * Customer segments (k-means over behaviour; src/core/segmentation). Every staff member reads the
 * segments in use and a customer's segment; supervisors and admins rename segments, read runs
 * (with the data the console draws: sizes, centroids, a 2-D projection) and start a run.
 */
export const segmentRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireStaff(ctx.sessions));
  const seg = ctx.useCases.segmentation;

  app.get(
    '/segments',
    {
      schema: {
        tags: ['segments'],
        summary: 'The segments in use (those of the latest finished run), with sizes and centroids',
        security: STAFF_AUTH,
        response: {
          200: Type.Object({
            run: Type.Union([SegmentationRunSchema, Type.Null()]),
            segments: Type.Array(SegmentSchema),
          }),
        },
      },
    },
    async (request) => seg.listCurrent(actorOf(request)),
  );

  app.get(
    '/segments/customer/:customerId',
    {
      schema: {
        tags: ['segments'],
        summary: "A customer's segment (the console's sidebar)",
        security: STAFF_AUTH,
        params: Type.Object({ customerId: ObjectIdString }, { additionalProperties: false }),
        response: { 200: CustomerSegmentSchema },
      },
    },
    async (request) => seg.customerSegment(actorOf(request), request.params.customerId),
  );

  app.patch(
    '/segments/:id',
    {
      schema: {
        tags: ['segments'],
        summary: 'Rename a segment (supervisors and admins); later runs keep the name for the same group',
        security: STAFF_AUTH,
        params: IdParams,
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: { 200: SegmentSchema },
      },
    },
    async (request) => seg.rename(actorOf(request), request.params.id, request.body.name),
  );

  app.post(
    '/segmentation/runs',
    {
      schema: {
        tags: ['segments'],
        summary: 'Start a segmentation run (supervisors and admins)',
        description:
          'Runs on the segmentation worker; k is chosen by silhouette over 2..8 unless given. A request while a run waits or runs joins it; follow it in GET /segmentation/runs.',
        security: STAFF_AUTH,
        body: Type.Optional(
          Type.Object(
            { k: Type.Optional(Type.Integer({ minimum: MIN_K, maximum: MAX_K })) },
            { additionalProperties: false },
          ),
        ),
        response: { 202: Type.Object({ jobId: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await seg.requestRun(actorOf(request), { k: request.body?.k })),
  );

  app.get(
    '/segmentation/runs',
    {
      schema: {
        tags: ['segments'],
        summary: 'Segmentation runs, newest first, with progress (supervisors and admins)',
        security: STAFF_AUTH,
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ runs: Type.Array(SegmentationRunSchema) }) },
      },
    },
    async (request) => ({ runs: await seg.listRuns(actorOf(request), request.query.limit) }),
  );

  app.get(
    '/segmentation/runs/:id',
    {
      schema: {
        tags: ['segments'],
        summary: 'One run with its segments (sizes, centroids in the features’ own units)',
        security: STAFF_AUTH,
        params: IdParams,
        response: { 200: Type.Object({ run: SegmentationRunSchema, segments: Type.Array(SegmentSchema) }) },
      },
    },
    async (request) => seg.getRun(actorOf(request), request.params.id),
  );

  app.get(
    '/segmentation/runs/:id/projection',
    {
      schema: {
        tags: ['segments'],
        summary: 'A 2-D picture of customers coloured by segment (PCA of up to 2,000 of them)',
        security: STAFF_AUTH,
        params: IdParams,
        response: { 200: ProjectionSchema },
      },
    },
    async (request) => seg.projection(actorOf(request), request.params.id),
  );
};
