import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { invalid } from '../../../core/errors.js';
import { MessageSchema } from '../../../core/views/message.js';
import { TicketSchema } from '../../../core/views/ticket.js';
import { callerOf, requireCaller } from '../../plugins/caller-auth.js';
import { API_KEY_AUTH, ClientMessageId, MessageText } from '../../schemas/common.js';

const Result = Type.Object({
  duplicate: Type.Boolean(),
  message: MessageSchema,
  ticket: Type.Union([TicketSchema, Type.Null()]),
  replies: Type.Array(MessageSchema, { description: "the bot's answers to this message" }),
});

/**
 * Integrations post customer messages here (channel `api`); they go through the same pipeline
 * as the widget's. Answered after the message is stored and processed: 201 the first time, 200
 * with `duplicate: true` for a resend of the same clientMessageId. What Parley says to the user
 * later (an agent's reply) reaches the integration's webhook (INTEGRATION_WEBHOOK_URL).
 * Needs an API token with messages:write (or the legacy INTEGRATION_API_KEY).
 */
export const messageRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    '/messages',
    {
      preHandler: requireCaller(ctx),
      schema: {
        tags: ['messages'],
        summary: "A customer's message from an integration",
        security: API_KEY_AUTH,
        headers: Type.Object({ 'x-api-key': Type.Optional(Type.String()) }),
        body: Type.Object(
          {
            userId: Type.String({
              minLength: 1,
              maxLength: 200,
              description: "The integration's id for the customer",
            }),
            clientMessageId: ClientMessageId,
            text: MessageText,
            name: Type.Optional(Type.String({ maxLength: 200 })),
            email: Type.Optional(Type.String({ maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+$' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Result, 201: Result },
      },
    },
    async (request, reply) => {
      const inbound = ctx.adapters.api.toInbound(request.body);
      if (!inbound) throw invalid('this message cannot be taken');
      const result = await ctx.useCases.integrations.postMessage(callerOf(request), inbound);
      return reply.status(result.duplicate ? 200 : 201).send({
        duplicate: result.duplicate,
        message: result.message,
        ticket: result.ticket,
        replies: result.botReplies,
      });
    },
  );
};
