import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { OrderSchema, OrderStatusSchema, ShopOrderSchema } from '../../../core/views/order.js';
import { callerOf, requireCaller } from '../../plugins/caller-auth.js';
import { IdParams, MovedResponse, ObjectIdString, STAFF_OR_API_KEY } from '../../schemas/common.js';

export const OrderReportSchema = Type.Object({
  order: OrderSchema,
  created: Type.Boolean(),
  changed: Type.Boolean({ description: 'false for a resend, or a step the order is past already' }),
});

/** Orders: staff and tokens with orders:read read them; the shop writes them (here with orders:write, or its signed webhook). */
export const orderRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireCaller(ctx));
  const orders = ctx.useCases.crm.orders;
  const tags = ['orders'];
  const security = STAFF_OR_API_KEY;

  app.get(
    '/orders',
    {
      schema: {
        tags,
        security,
        summary: 'Orders, newest first',
        querystring: Type.Object(
          {
            customerId: Type.Optional(ObjectIdString),
            status: Type.Optional(OrderStatusSchema),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ orders: Type.Array(OrderSchema) }), 301: MovedResponse },
      },
    },
    async (request) => ({ orders: await orders.list(callerOf(request), request.query) }),
  );

  app.get(
    '/orders/:id',
    {
      schema: {
        tags,
        security,
        summary: 'One order with its steps',
        params: IdParams,
        response: { 200: OrderSchema },
      },
    },
    async (request) => orders.get(callerOf(request), request.params.id),
  );

  app.post(
    '/orders',
    {
      schema: {
        tags,
        security,
        summary: "Report an order's current state (orders:write): 201 created, 200 updated or unchanged",
        description:
          "Idempotent on the shop's order id; an order only moves forward (created → paid → shipped → delivered, or " +
          'cancelled / refunded), so a late or repeated report changes nothing.',
        body: ShopOrderSchema,
        response: { 200: OrderReportSchema, 201: OrderReportSchema },
      },
    },
    async (request, reply) => {
      const result = await orders.record(callerOf(request), request.body);
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );
};
