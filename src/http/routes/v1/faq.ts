import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../app-context.js';
import { notFound } from '../../../core/errors.js';
import { type LeanFaq, toFaqView } from '../../../db/repositories/faq-repository.js';
import { requireStaff, staffOf } from '../../plugins/staff-auth.js';
import { ErrorResponse, literalUnion, ObjectIdString } from '../../schemas/common.js';

const Variant = Type.String({ minLength: 1, maxLength: 500 });
const ArticleBody = Type.Object(
  {
    language: literalUnion(['en', 'zh']),
    title: Type.String({ minLength: 1, maxLength: 300 }),
    variants: Type.Array(Variant, { maxItems: 100, description: 'Ways customers ask it' }),
    answer: Type.String({ minLength: 1, maxLength: 10000 }),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 20 })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const Article = Type.Object({
  id: Type.String(),
  language: Type.String(),
  title: Type.String(),
  variants: Type.Array(Type.String()),
  answer: Type.String(),
  tags: Type.Array(Type.String()),
  active: Type.Boolean(),
  stats: Type.Object({ shown: Type.Integer(), helped: Type.Integer() }),
  updatedAt: Type.String(),
});
const Params = Type.Object({ id: ObjectIdString });

/**
 * The knowledge base the bot answers from. Staff read it; supervisors and admins edit it.
 * Every change reaches the retrieval index of every process through `faq.changed`.
 */
export const faqRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { FaqArticle, AuditLog } = ctx.models;
  const editors = requireStaff(ctx.sessions, ['supervisor', 'admin']);
  const changed = async (articleId: string, action: string, actor: { agentId: string; role: string }) => {
    await AuditLog.create({
      actorId: actor.agentId,
      actorRole: actor.role,
      action,
      target: { kind: 'faq', id: articleId },
    });
    // This process sees the change before answering; the others through the event.
    ctx.faq.invalidate();
    await ctx.events.publish('faq.changed', { articleId });
  };

  app.get(
    '/faq',
    {
      preHandler: requireStaff(ctx.sessions),
      schema: {
        querystring: Type.Object({ language: Type.Optional(literalUnion(['en', 'zh'])) }),
        response: { 200: Type.Object({ articles: Type.Array(Article) }) },
      },
    },
    async (request) => {
      const docs = await FaqArticle.find(request.query.language ? { language: request.query.language } : {})
        .sort({ updatedAt: -1 })
        .limit(1000)
        .lean();
      return { articles: docs.map((d) => toFaqView(d as LeanFaq)) };
    },
  );

  app.post(
    '/faq',
    { preHandler: editors, schema: { body: ArticleBody, response: { 201: Article, 400: ErrorResponse } } },
    async (request, reply) => {
      const doc = await FaqArticle.create(request.body);
      await changed(String(doc._id), 'faq.create', staffOf(request));
      return reply.status(201).send(toFaqView(doc.toObject() as LeanFaq));
    },
  );

  app.patch(
    '/faq/:id',
    {
      preHandler: editors,
      schema: {
        params: Params,
        body: Type.Partial(ArticleBody),
        response: { 200: Article, 404: ErrorResponse },
      },
    },
    async (request) => {
      const doc = await FaqArticle.findOneAndUpdate(
        { _id: request.params.id },
        { $set: request.body },
        { new: true, lean: true },
      );
      if (!doc) throw notFound('article');
      await changed(request.params.id, 'faq.update', staffOf(request));
      return toFaqView(doc as LeanFaq);
    },
  );

  app.delete(
    '/faq/:id',
    { preHandler: editors, schema: { params: Params, response: { 204: Type.Null(), 404: ErrorResponse } } },
    async (request, reply) => {
      const result = await FaqArticle.deleteOne({ _id: request.params.id });
      if (result.deletedCount === 0) throw notFound('article');
      await changed(request.params.id, 'faq.delete', staffOf(request));
      return reply.status(204).send(null);
    },
  );
};
