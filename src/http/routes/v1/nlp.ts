import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { IntentSchema } from '../../../core/views/classification.js';
import { actorOf, requireStaff } from '../../plugins/staff-auth.js';
import { IdParams, STAFF_AUTH } from '../../schemas/common.js';

const Correction = Type.Object({
  messageId: Type.String(),
  text: Type.String(),
  intent: IntentSchema,
  previousIntent: Type.Union([IntentSchema, Type.Null()]),
  agentId: Type.String(),
  at: Type.String({ format: 'date-time' }),
});

const ModelVersion = Type.Object({
  version: Type.String(),
  status: Type.String(),
  trainedOn: Type.Object({ corpus: Type.Integer(), corrections: Type.Integer() }),
  metrics: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String({ format: 'date-time' }),
});

/**
 * The learning loop's edge: staff correct a message's intent; supervisors and admins look at
 * the corrections and model versions and start a retraining (the worker trains, evaluates and
 * promotes only a model that is not worse).
 */
export const nlpRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireStaff(ctx.sessions));
  const learning = ctx.useCases.learning;

  app.post(
    '/messages/:id/intent',
    {
      schema: {
        tags: ['nlp'],
        summary: "Correct what the bot understood of a customer's message",
        security: STAFF_AUTH,
        params: IdParams,
        body: Type.Object({ intent: IntentSchema }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            messageId: Type.String(),
            intent: IntentSchema,
            previousIntent: Type.Optional(IntentSchema),
          }),
        },
      },
    },
    async (request) => learning.correctIntent(actorOf(request), request.params.id, request.body.intent),
  );

  app.get(
    '/nlp/corrections',
    {
      schema: {
        tags: ['nlp'],
        summary: 'The latest intent corrections (supervisors and admins)',
        security: STAFF_AUTH,
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ corrections: Type.Array(Correction) }) },
      },
    },
    async (request) => ({
      corrections: await learning.listCorrections(actorOf(request), request.query.limit),
    }),
  );

  app.post(
    '/nlp/retrain',
    {
      schema: {
        tags: ['nlp'],
        summary: 'Retrain the intent model from the corpus and the corrections (supervisors and admins)',
        description: 'Runs on the classifier-retraining worker; a request while one waits or runs joins it.',
        security: STAFF_AUTH,
        response: { 202: Type.Object({ jobId: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request, reply) => reply.status(202).send(await learning.requestRetraining(actorOf(request))),
  );

  app.get(
    '/nlp/models',
    {
      schema: {
        tags: ['nlp'],
        summary: 'The model in use and every trained version (supervisors and admins)',
        security: STAFF_AUTH,
        response: {
          200: Type.Object({
            active: Type.String({ description: 'the version this process classifies with' }),
            promoted: Type.Union([Type.String(), Type.Null()], {
              description: 'the version the database says is promoted',
            }),
            versions: Type.Array(ModelVersion),
          }),
        },
      },
    },
    async (request) => learning.listModels(actorOf(request)),
  );
};
