import { type Static, Type } from '@sinclair/typebox';
import { CsatStatsSchema, DurationStatsSchema } from './live-queue.js';
import { IsoTime, literalUnion } from './schema-helpers.js';

export const REPORT_GROUPS = ['day', 'agent', 'channel', 'intent', 'kind'] as const;
export const ReportGroupSchema = literalUnion(REPORT_GROUPS);
export type ReportGroup = Static<typeof ReportGroupSchema>;

export const ReportRowSchema = Type.Object(
  {
    /** The group's value: a day (YYYY-MM-DD), an agent id ('unassigned'), a channel, an intent, a kind. */
    key: Type.String(),
    /** What to show for it (the agent's name for an agent). */
    label: Type.String(),
    tickets: Type.Integer({ minimum: 0 }),
    resolved: Type.Integer({ minimum: 0 }),
    firstResponse: DurationStatsSchema,
    resolution: DurationStatsSchema,
    slaBreaches: Type.Integer({ minimum: 0 }),
    csat: CsatStatsSchema,
  },
  { title: 'ReportRow' },
);
export type ReportRow = Static<typeof ReportRowSchema>;

/** Tickets opened in [from, to), grouped; merged-away tickets are left out (their thread is counted where it went). */
export const TicketReportSchema = Type.Object(
  {
    from: IsoTime,
    to: IsoTime,
    groupBy: ReportGroupSchema,
    rows: Type.Array(ReportRowSchema),
    total: ReportRowSchema,
  },
  { title: 'TicketReport' },
);
export type TicketReportView = Static<typeof TicketReportSchema>;
