import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../app-context.js';
import { invalid, notFound } from '../../../core/errors.js';
import { INTENTS } from '../../../core/ports/classifier.js';
import { requireStaff, staffOf } from '../../plugins/staff-auth.js';
import { ErrorResponse, literalUnion, ObjectIdString } from '../../schemas/common.js';

/**
 * The learning loop's edge: staff correct a message's intent; supervisors and admins look at
 * the corrections and model versions and start a retraining (the worker trains, evaluates and
 * promotes only a model that is not worse).
 */
export const nlpRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { Message, IntentCorrection, ModelVersion, AuditLog } = ctx.models;
  const leads = requireStaff(ctx.sessions, ['supervisor', 'admin']);

  app.post(
    '/messages/:id/intent',
    {
      preHandler: requireStaff(ctx.sessions),
      schema: {
        params: Type.Object({ id: ObjectIdString }),
        body: Type.Object({ intent: literalUnion(INTENTS) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            messageId: Type.String(),
            intent: Type.String(),
            previousIntent: Type.Optional(Type.String()),
          }),
          400: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) => {
      const staff = staffOf(request);
      const message = await Message.findById(request.params.id).lean();
      if (!message) throw notFound('message');
      if (message.direction !== 'in' || message.author?.kind !== 'customer') {
        throw invalid('only customer messages have an intent to correct');
      }
      const previousIntent = message.classification?.intent ?? undefined;
      // One correction per message: correcting again replaces it.
      await IntentCorrection.updateOne(
        { messageId: message._id },
        {
          $set: { intent: request.body.intent, agentId: staff.agentId, text: message.text },
          $setOnInsert: { language: message.classification?.language, previousIntent },
        },
        { upsert: true },
      );
      await Message.updateOne(
        { _id: message._id },
        { $set: { 'classification.correctedIntent': request.body.intent } },
      );
      await AuditLog.create({
        actorId: staff.agentId,
        actorRole: staff.role,
        action: 'nlp.correct_intent',
        target: { kind: 'message', id: String(message._id) },
        details: { from: previousIntent, to: request.body.intent },
      });
      return {
        messageId: String(message._id),
        intent: request.body.intent,
        ...(previousIntent ? { previousIntent } : {}),
      };
    },
  );

  app.get(
    '/nlp/corrections',
    {
      preHandler: leads,
      schema: {
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) }),
      },
    },
    async (request) => {
      const docs = await IntentCorrection.find().sort({ updatedAt: -1 }).limit(request.query.limit).lean();
      return {
        corrections: docs.map((d) => ({
          messageId: String(d.messageId),
          text: d.text,
          intent: d.intent,
          previousIntent: d.previousIntent ?? null,
          agentId: String(d.agentId),
          at: (d.updatedAt ?? d.createdAt).toISOString(),
        })),
      };
    },
  );

  app.post('/nlp/retrain', { preHandler: leads }, async (request, reply) => {
    // Deduplicated: a second click while a retraining waits or runs joins it.
    const job = await ctx.retrainQueue.add(
      'retrain',
      {},
      { deduplication: { id: 'retrain' }, removeOnComplete: 50, removeOnFail: 50, attempts: 1 },
    );
    const staff = staffOf(request);
    await AuditLog.create({
      actorId: staff.agentId,
      actorRole: staff.role,
      action: 'nlp.retrain',
      details: { jobId: job.id },
    });
    return reply.status(202).send({ jobId: job.id ?? null });
  });

  app.get('/nlp/models', { preHandler: leads }, async () => {
    const docs = await ModelVersion.find({}, { model: 0, head: 0 }).sort({ createdAt: -1 }).limit(100).lean();
    return {
      // The model this process classifies with, and the one the database says is promoted (they
      // differ for a moment while a promotion reaches every process, or when none was promoted).
      active: ctx.classifier.current().version,
      promoted: await ctx.modelRegistry.activeVersion(),
      versions: docs.map((d) => ({
        version: d.version,
        status: d.status,
        trainedOn: d.trainedOn,
        metrics: d.metrics,
        createdAt: d.createdAt.toISOString(),
      })),
    };
  });
};
