import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { MessageSchema } from '../../../core/views/message.js';
import { actorOf, requireStaff } from '../../plugins/staff-auth.js';
import { IdParams, STAFF_AUTH } from '../../schemas/common.js';

/** Customer messages that failed processing repeatedly, for supervisors and admins to retry. */
export const parkedMessageRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireStaff(ctx.sessions, ['supervisor', 'admin']));

  app.get(
    '/messages/parked',
    {
      schema: {
        tags: ['messages'],
        summary: 'Customer messages parked after failing processing several times (supervisors and admins)',
        security: STAFF_AUTH,
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ messages: Type.Array(MessageSchema) }) },
      },
    },
    async (request) => ({ messages: await ctx.useCases.parked.list(actorOf(request), request.query.limit) }),
  );

  app.post(
    '/messages/:id/retry',
    {
      schema: {
        tags: ['messages'],
        summary: 'Process a parked message again (supervisors and admins)',
        security: STAFF_AUTH,
        params: IdParams,
        response: { 200: Type.Object({ message: MessageSchema }) },
      },
    },
    async (request) => ({ message: await ctx.useCases.parked.retry(actorOf(request), request.params.id) }),
  );
};
