import { type Static, Type } from '@sinclair/typebox';
import { ChannelSchema } from './channel.js';
import { IntentSchema, LanguageSchema } from './classification.js';
import { IsoTime, literalUnion } from './schema-helpers.js';

export const TICKET_KINDS = ['consultation', 'complaint'] as const;
export const TicketKindSchema = literalUnion(TICKET_KINDS);
export type TicketKind = Static<typeof TicketKindSchema>;

/**
 * open: waiting on us; pending: waiting on the customer; resolved: done, reopens when the customer
 * comes back within the reopen window; closed: final (after the window, by hand, or merged away).
 */
export const TICKET_STATUSES = ['open', 'pending', 'resolved', 'closed'] as const;
export const TicketStatusSchema = literalUnion(TICKET_STATUSES);
export type TicketStatus = Static<typeof TicketStatusSchema>;
/** Statuses in which a ticket holds its conversation (the customer's messages join it). */
export const LIVE_STATUSES: readonly TicketStatus[] = ['open', 'pending'];
export const isLive = (status: TicketStatus): boolean => LIVE_STATUSES.includes(status);

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TicketPrioritySchema = literalUnion(TICKET_PRIORITIES);
export type TicketPriority = Static<typeof TicketPrioritySchema>;

export const TicketSlaSchema = Type.Object({
  firstResponseDueAt: IsoTime,
  firstRespondedAt: Type.Optional(IsoTime),
  breachedAt: Type.Optional(IsoTime),
});

/** An internal note on a ticket: staff only, never sent to the customer. */
export const TicketNoteSchema = Type.Object(
  {
    id: Type.String(),
    authorId: Type.String(),
    text: Type.String(),
    at: IsoTime,
  },
  { title: 'TicketNote' },
);
export type TicketNote = Static<typeof TicketNoteSchema>;

/** The customer's rating after the ticket was resolved (one per ticket). */
export const CsatSchema = Type.Object(
  {
    score: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Type.Optional(Type.String()),
    at: IsoTime,
  },
  { title: 'Csat' },
);
export type CsatView = Static<typeof CsatSchema>;

export const TAG_PATTERN = '^[a-z0-9][a-z0-9 _.-]{0,39}$';
export const MAX_TAGS = 20;

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
    assignedAt: Type.Optional(IsoTime),
    /** Since when it waits in the queue for an assignee (set while live and unassigned). */
    queuedAt: Type.Optional(IsoTime),
    /** Staff who were assigned, replied or wrote a note: agents keep seeing these tickets. */
    participantIds: Type.Array(Type.String()),
    tags: Type.Array(Type.String()),
    notes: Type.Array(TicketNoteSchema),
    sla: TicketSlaSchema,
    messageCount: Type.Integer(),
    /** Outbound messages of this ticket that could not be delivered after every retry. */
    failedDeliveries: Type.Integer({ minimum: 0 }),
    resolvedAt: Type.Optional(IsoTime),
    closedAt: Type.Optional(IsoTime),
    reopenedAt: Type.Optional(IsoTime),
    reopenCount: Type.Integer({ minimum: 0 }),
    /** Set on a ticket merged into another (it is closed): where its thread went. */
    mergedInto: Type.Optional(Type.String()),
    /** Tickets merged into this one. */
    mergedFrom: Type.Array(Type.String()),
    /** Conversations whose transcript belongs to this ticket besides its own (merged tickets'). */
    extraConversationIds: Type.Array(Type.String()),
    csat: Type.Optional(CsatSchema),
    /** Whether the customer was asked to rate it. */
    csatRequested: Type.Boolean(),
    /**
     * Revision: grows by one with every change. Of two copies of a ticket, the higher rev is
     * newer (a console catching up keeps that one).
     */
    rev: Type.Integer({ minimum: 0 }),
    /** The ticket's post in the agents' Slack channel; its thread is where agents answer. */
    slackThread: Type.Optional(Type.Object({ channel: Type.String(), ts: Type.String() })),
    /** The customer message whose hand-off opened this ticket (a kind correction labels it). */
    openedByMessageId: Type.Optional(Type.String()),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { title: 'Ticket' },
);
export type TicketView = Static<typeof TicketSchema>;
