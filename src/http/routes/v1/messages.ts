import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { DomainError, invalid, unauthorized } from '../../../core/errors.js';
import { MessageSchema } from '../../../core/views/message.js';
import { TicketSchema } from '../../../core/views/ticket.js';
import { API_KEY_AUTH, ClientMessageId, MessageText } from '../../schemas/common.js';

function sameSecret(given: string | undefined, expected: string | undefined): boolean {
  if (!given || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A key's counters are named by a hash of it, so Redis never holds the key itself. */
const keyId = (key: string | undefined) =>
  createHash('sha256')
    .update(key ?? '')
    .digest('base64url')
    .slice(0, 16);

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
 */
export const messageRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    '/messages',
    {
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
      const key = request.headers['x-api-key'];
      // Per key when one is given (a wrong key is counted by address, which slows guessing).
      const who = sameSecret(key, ctx.config.auth.integrationApiKey)
        ? `key:${keyId(key)}`
        : `ip:${request.ip}`;
      const wait = await ctx.limits.hit('api', who, ctx.config.rateLimits.apiPerMinute, 60);
      if (wait > 0) throw new DomainError('rate_limited', `Too many requests; try again in ${wait} s.`, wait);
      if (!sameSecret(key, ctx.config.auth.integrationApiKey)) {
        throw unauthorized(
          ctx.config.auth.integrationApiKey
            ? 'Missing or wrong x-api-key.'
            : 'Integrations are disabled: set INTEGRATION_API_KEY to enable this endpoint.',
        );
      }
      const inbound = ctx.adapters.api.toInbound(request.body);
      if (!inbound) throw invalid('this message cannot be taken');
      const result = await ctx.pipeline.receiveAndProcess(inbound);
      return reply.status(result.duplicate ? 200 : 201).send({
        duplicate: result.duplicate,
        message: result.message,
        ticket: result.ticket,
        replies: result.botReplies,
      });
    },
  );
};
