import { Type } from '@sinclair/typebox';
import { INTENTS } from '../../core/ports/classifier.js';
import { literalUnion } from './common.js';

/** Response shapes: fastify serialises through them (nothing else leaks) and they document the API. */
const Channel = literalUnion(['widget', 'api', 'slack', 'discord', 'email']);

export const ClassificationSchema = Type.Object({
  language: Type.String(),
  intent: literalUnion(INTENTS),
  confidence: Type.Number(),
  sentiment: Type.Number(),
  urgency: Type.Number(),
  kind: Type.String(),
  modelVersion: Type.String(),
});

export const MessageSchema = Type.Object({
  id: Type.String(),
  conversationId: Type.String(),
  customerId: Type.String(),
  ticketId: Type.Optional(Type.String()),
  channel: Channel,
  direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  author: Type.Object({ kind: Type.String(), id: Type.Optional(Type.String()) }),
  text: Type.String(),
  clientMessageId: Type.Optional(Type.String()),
  classification: Type.Optional(ClassificationSchema),
  processed: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const TicketSchema = Type.Object({
  id: Type.String(),
  number: Type.Integer(),
  kind: Type.Union([Type.Literal('consultation'), Type.Literal('complaint')]),
  status: Type.String(),
  priority: Type.String(),
  customerId: Type.String(),
  conversationId: Type.String(),
  channel: Channel,
  subject: Type.Optional(Type.String()),
  language: Type.Optional(Type.String()),
  intent: Type.Optional(Type.String()),
  assigneeId: Type.Optional(Type.String()),
  sla: Type.Object({
    firstResponseDueAt: Type.String(),
    firstRespondedAt: Type.Optional(Type.String()),
    breachedAt: Type.Optional(Type.String()),
  }),
  messageCount: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
