import { type Static, Type } from '@sinclair/typebox';
import { ChannelSchema } from './channel.js';
import { IntentSchema, LanguageSchema } from './classification.js';
import { IsoTime, literalUnion } from './schema-helpers.js';

export const TICKET_KINDS = ['consultation', 'complaint'] as const;
export const TicketKindSchema = literalUnion(TICKET_KINDS);
export type TicketKind = Static<typeof TicketKindSchema>;

/** open: waiting on us; pending: waiting on the customer; resolved; closed. */
export const TICKET_STATUSES = ['open', 'pending', 'resolved', 'closed'] as const;
export const TicketStatusSchema = literalUnion(TICKET_STATUSES);
export type TicketStatus = Static<typeof TicketStatusSchema>;

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TicketPrioritySchema = literalUnion(TICKET_PRIORITIES);
export type TicketPriority = Static<typeof TicketPrioritySchema>;

export const TicketSlaSchema = Type.Object({
  firstResponseDueAt: IsoTime,
  firstRespondedAt: Type.Optional(IsoTime),
  breachedAt: Type.Optional(IsoTime),
});

export const TicketSchema = Type.Object(
  {
    id: Type.String(),
    number: Type.Integer(),
    kind: TicketKindSchema,
    status: TicketStatusSchema,
    priority: TicketPrioritySchema,
    customerId: Type.String(),
    conversationId: Type.String(),
    channel: ChannelSchema,
    subject: Type.Optional(Type.String()),
    language: Type.Optional(LanguageSchema),
    intent: Type.Optional(IntentSchema),
    assigneeId: Type.Optional(Type.String()),
    sla: TicketSlaSchema,
    messageCount: Type.Integer(),
    /** Outbound messages of this ticket that could not be delivered after every retry. */
    failedDeliveries: Type.Integer({ minimum: 0 }),
    /** The ticket's post in the agents' Slack channel; its thread is where agents answer. */
    slackThread: Type.Optional(Type.Object({ channel: Type.String(), ts: Type.String() })),
    /** The customer message whose hand-off opened this ticket. */
    openedByMessageId: Type.Optional(Type.String()),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { title: 'Ticket' },
);
export type TicketView = Static<typeof TicketSchema>;
