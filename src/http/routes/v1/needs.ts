import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import {
  NeedInputSchema,
  NeedPatchSchema,
  NeedSchema,
  NeedStatusSchema,
  NeedTransitionSchema,
} from '../../../core/views/need.js';
import { callerOf, requireCaller } from '../../plugins/caller-auth.js';
import { IdParams, MovedResponse, ObjectIdString, STAFF_OR_API_KEY } from '../../schemas/common.js';

/**
 * Needs: a customer's requirement tracked discovered → in progress → resolved (or dropped), each
 * step with who and when. Opened on a customer (customers.ts) or from a ticket (here).
 */
export const needRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireCaller(ctx));
  const needs = ctx.useCases.crm.needs;
  const tags = ['needs'];
  const security = STAFF_OR_API_KEY;

  app.get(
    '/needs',
    {
      schema: {
        tags,
        security,
        summary: 'Needs by status, owner or customer, most recently changed first',
        querystring: Type.Object(
          {
            status: Type.Optional(NeedStatusSchema),
            ownerId: Type.Optional(ObjectIdString),
            customerId: Type.Optional(ObjectIdString),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ needs: Type.Array(NeedSchema) }), 301: MovedResponse },
      },
    },
    async (request) => ({ needs: await needs.list(callerOf(request), request.query) }),
  );

  app.get(
    '/needs/:id',
    {
      schema: {
        tags,
        security,
        summary: 'One need with its history',
        params: IdParams,
        response: { 200: NeedSchema },
      },
    },
    async (request) => needs.get(callerOf(request), request.params.id),
  );

  app.patch(
    '/needs/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Edit title, description, priority or owner (null: no owner)',
        params: IdParams,
        body: NeedPatchSchema,
        response: { 200: NeedSchema },
      },
    },
    async (request) => needs.update(callerOf(request), request.params.id, request.body),
  );

  app.post(
    '/needs/:id/status',
    {
      schema: {
        tags,
        security,
        summary:
          'Move a need a step (discovered → in_progress → resolved, or dropped); 409 if it changed meanwhile',
        params: IdParams,
        body: NeedTransitionSchema,
        response: { 200: NeedSchema },
      },
    },
    async (request) => needs.move(callerOf(request), request.params.id, request.body),
  );

  app.post(
    '/tickets/:id/needs',
    {
      schema: {
        tags,
        security,
        summary: "Note a need that came up in a ticket (for the ticket's customer)",
        params: IdParams,
        body: NeedInputSchema,
        response: { 201: NeedSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await needs.openFromTicket(callerOf(request), request.params.id, request.body)),
  );
};
