import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveQueueView, ReportRow, TicketReportView, TicketView } from '../../src/core/views/index.js';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { addStaff, call, clockAt, customerSays, type StaffHandle, shiftClock } from '../helpers/console.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * A known set of tickets over two days, with every time set by the clock, and the figures the
 * report must give for it (worked out by hand in the comments).
 */
describe('reports and the live queue against a known set of tickets', () => {
  let t: TestApp;
  let ann: StaffHandle;
  let bo: StaffHandle;
  let sup: StaffHandle;
  const ids: Record<string, string> = {};

  const at = (iso: string) => clockAt(t, iso);
  const reply = async (who: StaffHandle, key: string, when: string) => {
    at(when);
    await t.app.core.useCases.tickets.reply({
      staff: { id: who.id, role: 'agent' },
      ticketId: ids[key] as string,
      text: 'on it',
      clientMessageId: `${key}-reply`,
    });
  };
  const resolve = async (who: StaffHandle, key: string, when: string) => {
    at(when);
    await t.app.core.useCases.tickets.resolve({ id: who.id, role: 'agent' }, ids[key] as string);
  };
  const rate = async (key: string, score: number) => {
    const doc = await t.app.core.infra.models.Ticket.findById(ids[key]).lean();
    await t.app.core.useCases.csat.submit({ token: doc?.csat?.token as string }, { score });
  };
  const open = async (key: string, when: string, text: string, visitor = key, thread?: string) => {
    at(when);
    const r = await customerSays(t, `rep-${visitor}`, text, thread ? { thread } : {});
    ids[key] = (r.ticket as TicketView).id;
  };

  beforeAll(async () => {
    t = await startTestApp('reports', {
      classifier: new KeywordClassifier(),
      env: { NLP_SENTENCE_ENCODER: 'false' },
    });
    // A name with a comma and quotes: the CSV must carry it whole.
    ann = await addStaff(t, 'Ann "The Fixer", Jr.', 'agent');
    bo = await addStaff(t, 'Bo', 'agent');
    sup = await addStaff(t, 'Sue', 'supervisor');

    // Day 1, 2026-03-02 (UTC). Consultations are due in 60 min, complaints in 30.
    await open('T1', '2026-03-02T09:00:00Z', 'I want a human');
    await reply(ann, 'T1', '2026-03-02T09:02:00Z'); // first response 120 s
    await resolve(ann, 'T1', '2026-03-02T10:00:00Z'); // resolution 3600 s
    await rate('T1', 5);
    await open('T2', '2026-03-02T09:30:00Z', 'My blender arrived broken, I want a refund');
    await reply(ann, 'T2', '2026-03-02T10:30:00Z'); // 3600 s, past the 30 min: a breach
    await resolve(ann, 'T2', '2026-03-02T11:30:00Z'); // 7200 s
    await rate('T2', 2);
    await open('T3', '2026-03-02T12:00:00Z', 'human please');
    await reply(bo, 'T3', '2026-03-02T12:10:00Z'); // 600 s, not resolved
    // Day 2, 2026-03-03.
    await open('T4', '2026-03-03T08:00:00Z', '我要人工');
    await reply(bo, 'T4', '2026-03-03T08:01:00Z'); // 60 s
    await resolve(bo, 'T4', '2026-03-03T08:31:00Z'); // 1860 s
    await rate('T4', 4);
    await open('T5', '2026-03-03T09:00:00Z', 'a human please'); // never answered, due 10:00: a breach
    await open('T6', '2026-03-03T10:00:00Z', 'a human about something else', 'T5', 'tab-2');
    at('2026-03-03T10:05:00Z');
    await t.app.core.useCases.tickets.merge(
      { id: sup.id, role: 'supervisor' },
      ids.T6 as string,
      ids.T5 as string,
    );
    await open('T7', '2026-03-03T11:55:00Z', 'can I talk to an agent'); // due 12:55: at risk at 12:50
    at('2026-03-03T12:50:00Z');
  });
  afterAll(async () => {
    shiftClock(t, 0);
    await t?.close();
  });

  const report = async (groupBy: string) =>
    (
      await call<TicketReportView>(
        t,
        sup.token,
        'GET',
        `/api/v1/reports/tickets?from=2026-03-02&to=2026-03-03&groupBy=${groupBy}`,
      )
    ).body;
  const pick = (r: ReportRow) => ({
    tickets: r.tickets,
    resolved: r.resolved,
    fr: [r.firstResponse.medianSeconds, r.firstResponse.p90Seconds],
    res: [r.resolution.medianSeconds, r.resolution.p90Seconds],
    breaches: r.slaBreaches,
    csat: [r.csat.count, r.csat.average],
  });

  it('by day: volume, first response and resolution (median, p90), breaches, CSAT; merged tickets left out', async () => {
    const r = await report('day');
    expect(r.from).toBe('2026-03-02T00:00:00.000Z');
    expect(r.to).toBe('2026-03-04T00:00:00.000Z');
    expect(r.rows.map((x) => x.key)).toEqual(['2026-03-02', '2026-03-03']);
    // Day 1: T1, T2, T3. First responses 120, 3600, 600; resolutions 3600, 7200; T2 breached; ratings 5, 2.
    expect(pick(r.rows[0] as ReportRow)).toEqual({
      tickets: 3,
      resolved: 2,
      fr: [600, 3600],
      res: [5400, 7200],
      breaches: 1,
      csat: [2, 3.5],
    });
    // Day 2: T4, T5, T7 (T6 merged into T5). 60 s and 1860 s; T5 breached; T7 not yet due.
    expect(pick(r.rows[1] as ReportRow)).toEqual({
      tickets: 3,
      resolved: 1,
      fr: [60, 60],
      res: [1860, 1860],
      breaches: 1,
      csat: [1, 4],
    });
    // Both days: first responses 60, 120, 600, 3600 → median 360, p90 3600; resolutions 1860, 3600, 7200.
    expect(pick(r.total)).toEqual({
      tickets: 6,
      resolved: 3,
      fr: [360, 3600],
      res: [3600, 7200],
      breaches: 2,
      csat: [3, 3.67],
    });
    expect(r.total.csat.distribution).toEqual([0, 1, 0, 1, 1]);
  });

  it('by agent, channel, intent and kind', async () => {
    const byAgent = await report('agent');
    expect(byAgent.rows.map((x) => [x.label, x.tickets])).toEqual([
      ['Ann "The Fixer", Jr.', 2],
      ['Bo', 2],
      ['Unassigned', 2],
    ]);
    expect(pick(byAgent.rows[0] as ReportRow).res).toEqual([5400, 7200]);
    expect((await report('channel')).rows.map((x) => [x.key, x.tickets])).toEqual([['widget', 6]]);
    expect((await report('intent')).rows.map((x) => [x.key, x.tickets])).toEqual([
      ['ask_human', 5],
      ['complaint', 1],
    ]);
    expect((await report('kind')).rows.map((x) => [x.key, x.tickets])).toEqual([
      ['consultation', 5],
      ['complaint', 1],
    ]);
  });

  it('as CSV that a spreadsheet reads: the same figures, names quoted whole', async () => {
    const res = await call(
      t,
      sup.token,
      'GET',
      '/api/v1/reports/tickets?from=2026-03-02&to=2026-03-03&groupBy=agent&format=csv',
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(
      /attachment; filename="tickets-by-agent-2026-03-02/,
    );
    const rows = parse(res.text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.label, r.tickets])).toEqual([
      ['Ann "The Fixer", Jr.', '2'],
      ['Bo', '2'],
      ['Unassigned', '2'],
      ['Total', '6'],
    ]);
    expect(rows[0]).toMatchObject({
      resolved: '2',
      first_response_median_s: '1860',
      resolution_median_s: '5400',
      sla_breaches: '1',
      csat_count: '2',
      csat_average: '3.5',
    });
    // Bad input is a 400 with a message, not a CSV.
    const bad = await call(
      t,
      sup.token,
      'GET',
      '/api/v1/reports/tickets?from=2026-03-05&to=2026-03-01&format=csv',
    );
    expect(bad.status).toBe(400);
    expect((await call(t, sup.token, 'GET', '/api/v1/reports/tickets?groupBy=weather')).status).toBe(400);
  });

  it("the live queue: waiting, at risk and past SLA, agents, and the day's figures", async () => {
    const live = (await call<LiveQueueView>(t, sup.token, 'GET', '/api/v1/queue/live')).body;
    expect(live.today.dayKey).toBe('2026-03-03');
    expect(live.today.opened).toBe(4); // T4, T5, T6, T7 (T6 was opened before it was merged)
    expect(live.today.byChannel).toEqual({ widget: 4 });
    expect(live.today.byIntent).toEqual({ ask_human: 4 });
    expect(live.today.resolved).toBe(1);
    expect(live.today.firstResponse).toEqual({ count: 1, medianSeconds: 60, p90Seconds: 60 });
    expect(live.today.resolution).toEqual({ count: 1, medianSeconds: 1860, p90Seconds: 1860 });
    expect(live.today.csat).toEqual({ count: 1, average: 4, distribution: [0, 0, 0, 1, 0] });
    expect(live.waiting.tickets.map((x) => x.id).sort()).toEqual([ids.T5, ids.T7].sort());
    expect(live.waiting.count).toBe(2);
    expect(live.waiting.oldestQueuedAt?.slice(0, 16)).toBe('2026-03-03T09:00');
    expect(live.waiting.oldestWaitSeconds).toBe(3 * 3600 + 50 * 60);
    expect(live.sla.breached.map((x) => x.id)).toEqual([ids.T5]);
    expect(live.sla.atRisk.map((x) => x.id)).toEqual([ids.T7]);
    expect(live.agents.map((a) => a.name)).toEqual(expect.arrayContaining(['Bo', 'Sue']));
    expect(live.agents.find((a) => a.name === 'Bo')).toMatchObject({ openTickets: 1, status: 'offline' });
  });
});
