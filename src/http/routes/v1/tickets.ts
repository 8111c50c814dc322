import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../app-context.js';
import { notFound } from '../../../core/errors.js';
import { replyToTicket } from '../../../core/tickets/reply-to-ticket.js';
import { requireStaff, staffOf } from '../../plugins/staff-auth.js';
import {
  ClientMessageId,
  ErrorResponse,
  literalUnion,
  MessageText,
  ObjectIdString,
} from '../../schemas/common.js';
import { MessageSchema, TicketSchema } from '../../schemas/views.js';

const TicketParams = Type.Object({ id: ObjectIdString });

export const ticketRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireStaff(ctx.sessions));

  app.get(
    '/tickets',
    {
      schema: {
        querystring: Type.Object({
          status: Type.Optional(Type.Array(literalUnion(['open', 'pending', 'resolved', 'closed']))),
          kind: Type.Optional(Type.Union([Type.Literal('consultation'), Type.Literal('complaint')])),
          mine: Type.Optional(Type.Boolean()),
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
        }),
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
        params: TicketParams,
        response: {
          200: Type.Object({ ticket: TicketSchema, messages: Type.Array(MessageSchema) }),
          404: ErrorResponse,
        },
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
        params: TicketParams,
        body: Type.Object(
          { text: MessageText, clientMessageId: ClientMessageId },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ duplicate: Type.Boolean(), message: MessageSchema, ticket: TicketSchema }),
          201: Type.Object({ duplicate: Type.Boolean(), message: MessageSchema, ticket: TicketSchema }),
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      const result = await replyToTicket(ctx, {
        staff: { id: staff.agentId, role: staff.role },
        ticketId: request.params.id,
        text: request.body.text,
        clientMessageId: request.body.clientMessageId,
      });
      return reply.status(result.duplicate ? 200 : 201).send(result);
    },
  );
};
