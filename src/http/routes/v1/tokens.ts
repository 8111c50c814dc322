import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { ApiTokenInputSchema, ApiTokenSchema } from '../../../core/views/integration.js';
import { actorOf, requireStaff } from '../../plugins/staff-auth.js';
import { IdParams, STAFF_AUTH } from '../../schemas/common.js';

/**
 * API tokens for integrations (admins): each with scopes, shown once when created, stored as a
 * hash. They replace INTEGRATION_API_KEY, which still works as a legacy key with every scope.
 */
export const tokenRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireStaff(ctx.sessions));
  const tokens = ctx.useCases.integrations.tokens;
  const tags = ['integrations'];

  app.post(
    '/tokens',
    {
      schema: {
        tags,
        security: STAFF_AUTH,
        summary: 'Create an API token (admins); the token is in this answer only',
        body: ApiTokenInputSchema,
        response: {
          201: Type.Object({
            token: Type.String({ description: 'send as x-api-key; it cannot be shown again' }),
            apiToken: ApiTokenSchema,
          }),
        },
      },
    },
    async (request, reply) => reply.status(201).send(await tokens.create(actorOf(request), request.body)),
  );

  app.get(
    '/tokens',
    {
      schema: {
        tags,
        security: STAFF_AUTH,
        summary: 'List API tokens (admins), without the tokens themselves',
        response: { 200: Type.Object({ tokens: Type.Array(ApiTokenSchema) }) },
      },
    },
    async (request) => ({ tokens: await tokens.list(actorOf(request)) }),
  );

  app.delete(
    '/tokens/:id',
    {
      schema: {
        tags,
        security: STAFF_AUTH,
        summary: 'Revoke an API token (admins): it stops working at once',
        params: IdParams,
        response: { 200: ApiTokenSchema },
      },
    },
    async (request) => tokens.revoke(actorOf(request), request.params.id),
  );
};
