import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { invalid } from '../../../core/errors.js';
import { MessageSchema } from '../../../core/views/message.js';
import type { TicketKind } from '../../../core/views/ticket.js';
import { TicketSchema } from '../../../core/views/ticket.js';
import { callerOf, requireCaller } from '../../plugins/caller-auth.js';
import { API_KEY_AUTH, ClientMessageId, MessageText } from '../../schemas/common.js';

const CaseBody = Type.Object(
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
);

const CaseResult = Type.Object({
  duplicate: Type.Boolean(),
  message: MessageSchema,
  ticket: Type.Union([TicketSchema, Type.Null()]),
  replies: Type.Array(MessageSchema, { description: 'what the customer was told (the hand-off notice)' }),
});

/**
 * Consultations and complaints from integrations (tickets:write): the customer's message goes
 * through the same pipeline as any chat message (validation, identity, classification, priority,
 * SLA, assignment) and always reaches a person, as the kind of ticket the path names.
 */
export const caseRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireCaller(ctx));
  const routes: [string, TicketKind, string][] = [
    ['/consult', 'consultation', 'Open (or add to) a consultation for a customer'],
    ['/complaint', 'complaint', 'Open (or add to) a complaint for a customer (raised when angry or urgent)'],
  ];
  for (const [path, kind, summary] of routes) {
    app.post(
      path,
      {
        schema: {
          tags: ['tickets'],
          security: API_KEY_AUTH,
          summary: `${summary}: 201, or 200 with duplicate for a resend`,
          body: CaseBody,
          response: { 200: CaseResult, 201: CaseResult },
        },
      },
      async (request, reply) => {
        const inbound = ctx.adapters.api.toInbound(request.body);
        if (!inbound) throw invalid('this message cannot be taken');
        const result = await ctx.useCases.crm.openCase(callerOf(request), inbound, kind);
        return reply.status(result.duplicate ? 200 : 201).send({
          duplicate: result.duplicate,
          message: result.message,
          ticket: result.ticket,
          replies: result.botReplies,
        });
      },
    );
  }
};
