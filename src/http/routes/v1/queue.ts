import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../composition/app-context.js';
import { reportCsv } from '../../../core/reports/report-csv.js';
import { LiveQueueSchema } from '../../../core/views/live-queue.js';
import { ReportGroupSchema, TicketReportSchema } from '../../../core/views/report.js';
import { actorOf, requireStaff } from '../../plugins/staff-auth.js';
import { STAFF_AUTH } from '../../schemas/common.js';

const DateOrTime = Type.String({
  maxLength: 40,
  pattern: '^\\d{4}-\\d{2}-\\d{2}',
  description: 'YYYY-MM-DD (UTC; as `to`, the whole day is included) or an ISO 8601 time',
});

/** The supervisor's live queue and the ticket reports (supervisors and admins). */
export const queueRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('preHandler', requireStaff(ctx.sessions));

  app.get(
    '/queue/live',
    {
      schema: {
        tags: ['queue'],
        summary:
          'The live queue: waiting tickets, SLA risk, agents, the day’s figures (supervisors and admins)',
        description:
          'The `/supervisors` Socket.IO namespace pushes the same shape as `queue:live`, at most once a second while something changes.',
        security: STAFF_AUTH,
        response: { 200: LiveQueueSchema },
      },
    },
    async (request) => ctx.useCases.queue.live(actorOf(request)),
  );

  app.get(
    '/reports/tickets',
    {
      schema: {
        tags: ['queue'],
        summary: 'Tickets opened in a period, grouped: volume, response and resolution times, SLA, CSAT',
        description:
          'Times in seconds (median, p90). Default period: the last 7 days; at most 366 days. `format=csv` answers text/csv (RFC 4180, CRLF line ends, the total on the last line).',
        security: STAFF_AUTH,
        querystring: Type.Object(
          {
            from: Type.Optional(DateOrTime),
            to: Type.Optional(DateOrTime),
            groupBy: Type.Optional(ReportGroupSchema),
            format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
          },
          { additionalProperties: false },
        ),
        response: {
          200: {
            description: 'the report',
            content: {
              'application/json': { schema: TicketReportSchema },
              'text/csv': { schema: Type.String() },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const report = await ctx.useCases.reports.tickets(actorOf(request), {
        from: q.from,
        to: q.to,
        groupBy: q.groupBy ?? 'day',
      });
      if (q.format === 'csv') {
        const name = `tickets-by-${report.groupBy}-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}.csv`;
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}"`)
          .send(reportCsv(report));
      }
      return reply.type('application/json').send(report);
    },
  );
};
