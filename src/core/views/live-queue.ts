import { type Static, Type } from '@sinclair/typebox';
import { IsoTime } from './schema-helpers.js';
import { AgentStatusSchema, RoleSchema } from './staff.js';
import { TicketSchema } from './ticket.js';

/** A ticket as a queue row: what a list shows, without notes and the like. */
export const TicketSummarySchema = Type.Pick(
  TicketSchema,
  [
    'id',
    'number',
    'kind',
    'status',
    'priority',
    'channel',
    'subject',
    'language',
    'intent',
    'customerId',
    'assigneeId',
    'queuedAt',
    'sla',
    'tags',
    'csat',
    'rev',
    'createdAt',
    'updatedAt',
  ],
  { title: 'TicketSummary' },
);
export type TicketSummaryView = Static<typeof TicketSummarySchema>;

/** Times in seconds over a set of tickets: how many, the median and the 90th percentile. */
export const DurationStatsSchema = Type.Object(
  {
    count: Type.Integer({ minimum: 0 }),
    medianSeconds: Type.Union([Type.Number(), Type.Null()]),
    p90Seconds: Type.Union([Type.Number(), Type.Null()]),
  },
  { title: 'DurationStats' },
);
export type DurationStats = Static<typeof DurationStatsSchema>;

export const CsatStatsSchema = Type.Object(
  {
    count: Type.Integer({ minimum: 0 }),
    average: Type.Union([Type.Number(), Type.Null()]),
    /** How many ratings of 1, 2, 3, 4 and 5 (index 0 = 1 star). */
    distribution: Type.Array(Type.Integer({ minimum: 0 }), { minItems: 5, maxItems: 5 }),
  },
  { title: 'CsatStats' },
);
export type CsatStats = Static<typeof CsatStatsSchema>;

export const LiveAgentSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    status: AgentStatusSchema,
    openTickets: Type.Integer(),
    capacity: Type.Integer(),
    languages: Type.Array(Type.String()),
    skills: Type.Array(Type.String()),
  },
  { title: 'LiveAgent' },
);

/** The supervisor's live queue: `GET /api/v1/queue/live` and the `/supervisors` socket's `queue:live`. */
export const LiveQueueSchema = Type.Object(
  {
    at: IsoTime,
    waiting: Type.Object({
      /** Live tickets nobody is assigned to. */
      count: Type.Integer({ minimum: 0 }),
      oldestQueuedAt: Type.Optional(IsoTime),
      oldestWaitSeconds: Type.Number({ minimum: 0 }),
      /** The first waiting tickets in the order they will be assigned (priority, then age); at most 50. */
      tickets: Type.Array(TicketSummarySchema),
    }),
    live: Type.Object({
      open: Type.Integer({ minimum: 0 }),
      pending: Type.Integer({ minimum: 0 }),
    }),
    sla: Type.Object({
      /** Not yet answered, due within QUEUE_AT_RISK_MINUTES. */
      atRisk: Type.Array(TicketSummarySchema),
      /** Not yet answered and past the first-response deadline. */
      breached: Type.Array(TicketSummarySchema),
      atRiskMinutes: Type.Number(),
    }),
    agents: Type.Array(LiveAgentSchema),
    today: Type.Object({
      dayKey: Type.String({ description: 'YYYY-MM-DD (UTC)' }),
      opened: Type.Integer({ minimum: 0 }),
      reopened: Type.Integer({ minimum: 0 }),
      resolved: Type.Integer({ minimum: 0 }),
      closed: Type.Integer({ minimum: 0 }),
      breached: Type.Integer({ minimum: 0 }),
      byChannel: Type.Record(Type.String(), Type.Integer()),
      byIntent: Type.Record(Type.String(), Type.Integer()),
      byKind: Type.Record(Type.String(), Type.Integer()),
      firstResponse: DurationStatsSchema,
      resolution: DurationStatsSchema,
      csat: CsatStatsSchema,
    }),
  },
  { title: 'LiveQueue' },
);
export type LiveQueueView = Static<typeof LiveQueueSchema>;
