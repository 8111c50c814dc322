import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../app-context.js';
import { ClientMessageId, ErrorResponse, MessageText } from '../../schemas/common.js';
import { MessageSchema, TicketSchema } from '../../schemas/views.js';

function sameSecret(given: string | undefined, expected: string | undefined): boolean {
  if (!given || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Integrations post customer messages here (channel `api`); they go through the same pipeline
 * as the widget's. Answered after the message is stored and processed: 201 the first time, 200
 * with `duplicate: true` for a resend of the same clientMessageId.
 */
export const messageRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    '/messages',
    {
      schema: {
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
        response: {
          200: Type.Object({
            duplicate: Type.Boolean(),
            message: MessageSchema,
            ticket: Type.Union([TicketSchema, Type.Null()]),
            replies: Type.Array(MessageSchema),
          }),
          201: Type.Object({
            duplicate: Type.Boolean(),
            message: MessageSchema,
            ticket: Type.Union([TicketSchema, Type.Null()]),
            replies: Type.Array(MessageSchema),
          }),
          401: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      if (!sameSecret(request.headers['x-api-key'], ctx.config.auth.integrationApiKey)) {
        return reply.status(401).send({
          error: 'unauthorized',
          message: ctx.config.auth.integrationApiKey
            ? 'Missing or wrong x-api-key.'
            : 'Integrations are disabled: set INTEGRATION_API_KEY to enable this endpoint.',
        });
      }
      const body = request.body;
      const result = await ctx.pipeline.receiveAndProcess({
        channel: 'api',
        externalUserId: body.userId,
        clientMessageId: body.clientMessageId,
        text: body.text,
        displayName: body.name,
        email: body.email,
      });
      return reply.status(result.duplicate ? 200 : 201).send({
        duplicate: result.duplicate,
        message: result.message,
        ticket: result.ticket,
        replies: result.botReplies,
      });
    },
  );
};
