import { type Static, Type } from '@sinclair/typebox';
import { ChannelSchema } from './channel.js';
import { IsoTime, literalUnion } from './schema-helpers.js';

/** What staff log by hand; chat messages are interactions too, read from the conversations. */
export const INTERACTION_KINDS = ['call', 'visit', 'email', 'note'] as const;
export const InteractionKindSchema = literalUnion(INTERACTION_KINDS);
export type InteractionKind = Static<typeof InteractionKindSchema>;

export const InteractionSchema = Type.Object(
  {
    id: Type.String(),
    customerId: Type.String(),
    kind: InteractionKindSchema,
    direction: Type.Optional(
      literalUnion(['in', 'out'] as const, { description: 'who reached out: in = the customer' }),
    ),
    summary: Type.String(),
    occurredAt: IsoTime,
    durationMinutes: Type.Optional(Type.Number({ minimum: 0 })),
    /** Who logged it. */
    agentId: Type.Optional(Type.String()),
    ticketId: Type.Optional(Type.String()),
    createdAt: IsoTime,
  },
  { title: 'Interaction' },
);
export type InteractionView = Static<typeof InteractionSchema>;

export const InteractionInputSchema = Type.Object(
  {
    kind: InteractionKindSchema,
    direction: Type.Optional(literalUnion(['in', 'out'] as const)),
    summary: Type.String({ minLength: 1, maxLength: 5000 }),
    occurredAt: Type.Optional(
      Type.String({ format: 'date-time', maxLength: 40, description: 'default: now' }),
    ),
    durationMinutes: Type.Optional(Type.Number({ minimum: 0, maximum: 24 * 60 })),
    ticketId: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{24}$' })),
  },
  { additionalProperties: false },
);
export type InteractionInput = Static<typeof InteractionInputSchema>;

/**
 * One line of a customer's timeline: every message, logged interaction, ticket, order step and
 * need step, newest first. `ref` is the id of the record it comes from.
 */
export const TIMELINE_KINDS = ['message', 'interaction', 'ticket', 'order', 'need'] as const;
export const TimelineEntrySchema = Type.Object(
  {
    kind: literalUnion(TIMELINE_KINDS),
    at: IsoTime,
    ref: Type.String(),
    /** A short line to show: the message text, the interaction's summary, "Order 10023 shipped"… */
    title: Type.String(),
    /** The sub-kind: call / visit / email / note; in / out for messages; the order or need status. */
    detail: Type.Optional(Type.String()),
    channel: Type.Optional(ChannelSchema),
    actor: Type.Optional(Type.String({ description: 'customer, bot, agent:<id>, system' })),
  },
  { title: 'TimelineEntry' },
);
export type TimelineEntry = Static<typeof TimelineEntrySchema>;

export const TimelinePageSchema = Type.Object({
  entries: Type.Array(TimelineEntrySchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  counts: Type.Object({
    messages: Type.Integer({ minimum: 0 }),
    interactions: Type.Integer({ minimum: 0 }),
    tickets: Type.Integer({ minimum: 0 }),
    orders: Type.Integer({ minimum: 0 }),
    needs: Type.Integer({ minimum: 0 }),
  }),
});
export type TimelinePage = Static<typeof TimelinePageSchema>;
