import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { CustomerAnalyticsSchema, TicketAnalyticsSchema } from '../../../core/views/analytics.js';
import { callerOf, requireCaller } from '../../plugins/caller-auth.js';
import { STAFF_AUTH } from '../../schemas/common.js';

const Day = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  maxLength: 10,
  description: 'YYYY-MM-DD (UTC)',
});

/** JSON for the console's charts (supervisors and admins). */
export const analyticsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireCaller(ctx));
  const analytics = ctx.useCases.crm.analytics;

  app.get(
    '/analytics/customers',
    {
      schema: {
        tags: ['analytics'],
        security: STAFF_AUTH,
        summary: 'Customers by channel and by segment (supervisors and admins)',
        response: { 200: CustomerAnalyticsSchema },
      },
    },
    async (request) => analytics.customers(callerOf(request)),
  );

  app.get(
    '/analytics/tickets',
    {
      schema: {
        tags: ['analytics'],
        security: STAFF_AUTH,
        summary:
          'Consultations and complaints per day, and the top complaint intents and tags (supervisors and admins)',
        description: 'Default range: the last 30 days. At most 366 days.',
        querystring: Type.Object(
          { from: Type.Optional(Day), to: Type.Optional(Day) },
          { additionalProperties: false },
        ),
        response: { 200: TicketAnalyticsSchema },
      },
    },
    async (request) => analytics.tickets(callerOf(request), request.query),
  );
};
