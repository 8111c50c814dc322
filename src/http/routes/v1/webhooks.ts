import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import {
  WebhookDeliverySchema,
  WebhookInputSchema,
  WebhookPatchSchema,
  WebhookSchema,
} from '../../../core/views/integration.js';
import { callerOf, requireCaller } from '../../plugins/caller-auth.js';
import { IdParams, STAFF_OR_API_KEY } from '../../schemas/common.js';

/**
 * Outgoing webhooks (admins, or a token with webhooks:manage): ticket opened / updated /
 * resolved, customer updated, order updated. Each call is signed (`x-parley-signature:
 * t=…,v1=HMAC-SHA256`), carries the event's idempotency id (`x-parley-delivery-id`), and is
 * retried with backoff from the `webhooks` queue; every attempt is in the delivery log.
 */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireCaller(ctx));
  const webhooks = ctx.useCases.integrations.webhooks;
  const tags = ['integrations'];
  const security = STAFF_OR_API_KEY;

  app.post(
    '/webhooks',
    {
      schema: {
        tags,
        security,
        summary: 'Subscribe a URL to events; the signing secret is in this answer only',
        body: WebhookInputSchema,
        response: { 201: Type.Object({ webhook: WebhookSchema, secret: Type.String() }) },
      },
    },
    async (request, reply) => reply.status(201).send(await webhooks.create(callerOf(request), request.body)),
  );

  app.get(
    '/webhooks',
    {
      schema: {
        tags,
        security,
        summary: 'List the webhooks',
        response: { 200: Type.Object({ webhooks: Type.Array(WebhookSchema) }) },
      },
    },
    async (request) => ({ webhooks: await webhooks.list(callerOf(request)) }),
  );

  app.patch(
    '/webhooks/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Change a webhook (url, events, description, active)',
        params: IdParams,
        body: WebhookPatchSchema,
        response: { 200: WebhookSchema },
      },
    },
    async (request) => webhooks.update(callerOf(request), request.params.id, request.body),
  );

  app.delete(
    '/webhooks/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Remove a webhook',
        params: IdParams,
        response: { 204: Type.Null({ description: 'removed' }) },
      },
    },
    async (request, reply) => {
      await webhooks.remove(callerOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        security,
        summary: "A webhook's delivery log, newest first: each event with every attempt's answer",
        params: IdParams,
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ deliveries: Type.Array(WebhookDeliverySchema) }) },
      },
    },
    async (request) => ({
      deliveries: await webhooks.deliveries(callerOf(request), request.params.id, request.query.limit),
    }),
  );
};
