import { type Static, Type } from '@sinclair/typebox';
import { IdentityKindSchema } from './customer.js';
import { TicketSummarySchema } from './live-queue.js';
import { OrderSchema } from './order.js';
import { IsoTime } from './schema-helpers.js';

/**
 * What the console's customer sidebar shows beside a ticket: who the customer is on which
 * channels, how to reach them, their past tickets, orders, open needs and staff notes.
 */
export const CustomerContextSchema = Type.Object(
  {
    customer: Type.Object({
      id: Type.String(),
      name: Type.Optional(Type.String()),
      email: Type.Optional(Type.String()),
      phone: Type.Optional(Type.String()),
      language: Type.Optional(Type.String()),
      tags: Type.Array(Type.String()),
      firstSeenAt: Type.Optional(IsoTime),
      lastSeenAt: Type.Optional(IsoTime),
      stats: Type.Object({
        conversations: Type.Integer(),
        tickets: Type.Integer(),
        orders: Type.Integer(),
        totalSpent: Type.Number(),
      }),
    }),
    identities: Type.Array(
      Type.Object({
        /** A channel's user, or `site_user`: a user of the company's site (a verified widget visitor). */
        channel: IdentityKindSchema,
        externalId: Type.String(),
        displayName: Type.Optional(Type.String()),
        /** Proven (the site's signed token, the platform), not only claimed. */
        verified: Type.Optional(Type.Boolean()),
      }),
    ),
    /** The customer's other tickets, newest first (at most 10). */
    pastTickets: Type.Array(TicketSummarySchema),
    /** Newest first (at most 5). */
    orders: Type.Array(OrderSchema),
    /** Needs still open: discovered or in progress (at most 10). */
    needs: Type.Array(
      Type.Object({
        id: Type.String(),
        title: Type.String(),
        status: Type.String(),
        priority: Type.String(),
        createdAt: IsoTime,
      }),
    ),
    /** Logged interactions and notes about the customer, newest first (at most 10). */
    notes: Type.Array(
      Type.Object({
        id: Type.String(),
        kind: Type.String(),
        summary: Type.String(),
        agentId: Type.Optional(Type.String()),
        at: IsoTime,
      }),
    ),
  },
  { title: 'CustomerContext' },
);
export type CustomerContextView = Static<typeof CustomerContextSchema>;
