import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { FaqArticleInputSchema, FaqArticleSchema, FaqLanguageSchema } from '../../../core/views/faq.js';
import { actorOf, requireStaff } from '../../plugins/staff-auth.js';
import { IdParams, STAFF_AUTH } from '../../schemas/common.js';

/**
 * The knowledge base the bot answers from. Staff read it; supervisors and admins edit it.
 * Every change reaches the retrieval index of every process.
 */
export const faqRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireStaff(ctx.sessions));
  const faq = ctx.useCases.faq;

  app.get(
    '/faq',
    {
      schema: {
        tags: ['faq'],
        summary: 'List the articles',
        security: STAFF_AUTH,
        querystring: Type.Object(
          { language: Type.Optional(FaqLanguageSchema) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ articles: Type.Array(FaqArticleSchema) }) },
      },
    },
    async (request) => ({ articles: await faq.list({ language: request.query.language }) }),
  );

  app.post(
    '/faq',
    {
      schema: {
        tags: ['faq'],
        summary: 'Write an article (supervisors and admins)',
        security: STAFF_AUTH,
        body: FaqArticleInputSchema,
        response: { 201: FaqArticleSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await faq.create(actorOf(request), request.body)),
  );

  app.patch(
    '/faq/:id',
    {
      schema: {
        tags: ['faq'],
        summary: 'Edit an article (supervisors and admins)',
        security: STAFF_AUTH,
        params: IdParams,
        body: Type.Partial(FaqArticleInputSchema, { additionalProperties: false }),
        response: { 200: FaqArticleSchema },
      },
    },
    async (request) => faq.update(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/faq/:id',
    {
      schema: {
        tags: ['faq'],
        summary: 'Remove an article (supervisors and admins)',
        security: STAFF_AUTH,
        params: IdParams,
        response: { 204: Type.Null({ description: 'removed' }) },
      },
    },
    async (request, reply) => {
      await faq.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
