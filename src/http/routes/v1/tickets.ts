import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { notFound } from '../../../core/errors.js';
import { MessageSchema } from '../../../core/views/message.js';
import { TicketKindSchema, TicketSchema, TicketStatusSchema } from '../../../core/views/ticket.js';
import { actorOf, requireStaff, staffOf } from '../../plugins/staff-auth.js';
import { ClientMessageId, IdParams, MessageText, STAFF_AUTH } from '../../schemas/common.js';

const ReplyResult = Type.Object({ duplicate: Type.Boolean(), message: MessageSchema, ticket: TicketSchema });

export const ticketRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireStaff(ctx.sessions));

  app.get(
    '/tickets',
    {
      schema: {
        tags: ['tickets'],
        summary: 'List tickets, oldest first',
        security: STAFF_AUTH,
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Array(TicketStatusSchema, { maxItems: 4 })),
            kind: Type.Optional(TicketKindSchema),
            mine: Type.Optional(Type.Boolean()),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ tickets: Type.Array(TicketSchema) }) },
      },
    },
    async (request) => {
      const q = request.query;
      const tickets = await ctx.stores.tickets.list({
        status: q.status ?? ['open', 'pending'],
        kind: q.kind,
        assigneeId: q.mine ? staffOf(request).agentId : undefined,
        limit: q.limit,
      });
      return { tickets };
    },
  );

  app.get(
    '/tickets/:id',
    {
      schema: {
        tags: ['tickets'],
        summary: 'One ticket with its conversation (each outbound message with its delivery state)',
        security: STAFF_AUTH,
        params: IdParams,
        response: { 200: Type.Object({ ticket: TicketSchema, messages: Type.Array(MessageSchema) }) },
      },
    },
    async (request) => {
      const ticket = await ctx.stores.tickets.get(request.params.id);
      if (!ticket) throw notFound('ticket');
      const messages = await ctx.stores.messages.listForConversation(ticket.conversationId, { limit: 500 });
      return { ticket, messages };
    },
  );

  app.post(
    '/tickets/:id/replies',
    {
      schema: {
        tags: ['tickets'],
        summary:
          'Reply to the customer on their own channel (201; 200 for a resend of the same clientMessageId)',
        security: STAFF_AUTH,
        params: IdParams,
        body: Type.Object(
          { text: MessageText, clientMessageId: ClientMessageId },
          { additionalProperties: false },
        ),
        response: { 200: ReplyResult, 201: ReplyResult },
      },
    },
    async (request, reply) => {
      const result = await ctx.useCases.replyToTicket({
        staff: actorOf(request),
        ticketId: request.params.id,
        text: request.body.text,
        clientMessageId: request.body.clientMessageId,
      });
      return reply.status(result.duplicate ? 200 : 201).send(result);
    },
  );
};
