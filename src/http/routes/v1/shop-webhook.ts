import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../composition/app-context.js';
import { SHOP_WEBHOOK } from '../../../core/crm/orders.js';
import { ShopOrderSchema } from '../../../core/views/order.js';
import { verifySignature } from '../../../infra/signed-webhook.js';
import { OrderReportSchema } from './orders.js';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

/**
 * The shop's order webhook: the body is signed like Parley's own webhooks (header
 * `x-parley-signature: t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with SHOP_WEBHOOK_SECRET,
 * five minutes' tolerance). The signature is checked on the raw bytes before anything else;
 * then the same use case as POST /orders records the order, idempotent on the shop's order id.
 */
export const shopWebhookRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  // In this plugin only: keep the raw body for the signature (parsed with fastify's safe parser).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    parseJson(request, body as string, done);
  });
  app.addHook('preValidation', async (request: FastifyRequest, reply) => {
    const secret = ctx.config.shop.webhookSecret;
    if (!secret) {
      return reply.status(503).send({
        error: 'unavailable',
        message: 'The shop webhook is off: set SHOP_WEBHOOK_SECRET to enable it.',
      });
    }
    const header = request.headers['x-parley-signature'];
    if (
      typeof header !== 'string' ||
      request.rawBody === undefined ||
      !verifySignature(secret, request.rawBody, header)
    ) {
      return reply.status(401).send({
        error: 'unauthorized',
        message:
          'Missing or wrong x-parley-signature (t=<unix seconds>,v1=<HMAC-SHA256 of "t.body">, within 5 minutes).',
      });
    }
  });

  app.post(
    '/webhooks/shop/orders',
    {
      schema: {
        tags: ['orders'],
        security: [{ shopSignature: [] }],
        summary: "The shop's signed order webhook: 201 created, 200 updated or unchanged",
        description:
          'Header `x-parley-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with SHOP_WEBHOOK_SECRET. ' +
          "The body is the order's current state; idempotent on its `id`.",
        body: ShopOrderSchema,
        response: { 200: OrderReportSchema, 201: OrderReportSchema },
      },
    },
    async (request, reply) => {
      const result = await ctx.useCases.crm.orders.record(SHOP_WEBHOOK, request.body);
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );
};
