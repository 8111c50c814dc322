import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { checkTemplate, renderTemplate } from '../../src/core/canned/render-template.js';
import {
  csatFromDistribution,
  durationStats,
  medianOf,
  percentileOf,
} from '../../src/core/reports/durations.js';
import { csvField, REPORT_CSV_COLUMNS, reportCsv } from '../../src/core/reports/report-csv.js';
import { breachedSla, reportRange } from '../../src/core/reports/ticket-report.js';
import { queueOrder, rankCandidates } from '../../src/core/tickets/assignment.js';
import { canView, canWork } from '../../src/core/tickets/ticket-access.js';
import type { ReportRow, StaffMemberView, TicketReportView, TicketView } from '../../src/core/views/index.js';

const member = (id: string, over: Partial<StaffMemberView> = {}): StaffMemberView => ({
  id,
  email: `${id}@x`,
  name: id,
  role: 'agent',
  active: true,
  languages: ['en'],
  skills: [],
  capacity: 5,
  openTickets: 0,
  status: 'online',
  mustChangePassword: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

const ticket = (over: Partial<TicketView> = {}): TicketView => ({
  id: 't1',
  number: 1,
  kind: 'consultation',
  status: 'open',
  priority: 'normal',
  customerId: 'c',
  conversationId: 'v',
  channel: 'widget',
  participantIds: [],
  tags: [],
  notes: [],
  sla: { firstResponseDueAt: '2026-01-01T01:00:00.000Z' },
  messageCount: 1,
  failedDeliveries: 0,
  reopenCount: 0,
  mergedFrom: [],
  extraConversationIds: [],
  csatRequested: false,
  rev: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('assignment order', () => {
  it('prefers the language, then the skill, then the least loaded; the previous assignee first', () => {
    const a = member('a', { languages: ['en'], openTickets: 0 });
    const b = member('b', { languages: ['zh'], openTickets: 4 });
    const c = member('c', { languages: ['en'], skills: ['complaint'], openTickets: 2 });
    const ids = (t: Partial<TicketView>, prefer?: string) =>
      rankCandidates(ticket(t), [a, b, c], prefer).map((m) => m.id);
    expect(ids({ language: 'zh' })).toEqual(['b', 'a', 'c']);
    expect(ids({ language: 'en', kind: 'complaint', intent: 'complaint' })).toEqual(['c', 'a', 'b']);
    expect(ids({ language: 'en' })).toEqual(['a', 'c', 'b']);
    expect(ids({})).toEqual(['a', 'c', 'b']); // no language: least loaded
    expect(ids({ language: 'en' }, 'b')).toEqual(['b', 'a', 'c']);
  });

  it('offers waiting tickets most urgent first, then longest waiting', () => {
    const q = queueOrder([
      ticket({ id: 'late-normal', queuedAt: '2026-01-01T00:05:00Z' }),
      ticket({ id: 'early-normal', queuedAt: '2026-01-01T00:01:00Z' }),
      ticket({ id: 'urgent', priority: 'urgent', queuedAt: '2026-01-01T00:09:00Z' }),
    ]);
    expect(q.map((t) => t.id)).toEqual(['urgent', 'early-normal', 'late-normal']);
  });
});

describe('who sees what', () => {
  const agent = { id: 'ag', role: 'agent' as const };
  const lead = { id: 'sv', role: 'supervisor' as const };
  it.each([
    ['queue (live, nobody)', ticket(), true, true],
    ['resolved, nobody, not involved', ticket({ status: 'resolved' }), false, false],
    ['theirs', ticket({ assigneeId: 'ag' }), true, true],
    ["someone else's", ticket({ assigneeId: 'x' }), false, false],
    ["someone else's, took part", ticket({ assigneeId: 'x', participantIds: ['ag'] }), true, false],
    ['resolved nobody, took part', ticket({ status: 'resolved', participantIds: ['ag'] }), true, true],
  ])('%s', (_n, t, view, work) => {
    expect(canView(agent, t)).toBe(view);
    expect(canWork(agent, t)).toBe(work);
    expect(canView(lead, t) && canWork(lead, t)).toBe(true);
  });
});

describe('canned response templates', () => {
  it('fills in variables once, with fallbacks, never reading values as templates', () => {
    const text =
      'Hi {{ customer.firstName | "there" }}, {{agent.name}} here about #{{ticket.number}}. \\{{literal}}';
    checkTemplate(text);
    expect(
      renderTemplate(text, {
        'customer.firstName': '{{agent.email}}',
        'agent.name': 'Ann',
        'ticket.number': '7',
      }),
    ).toBe('Hi {{agent.email}}, Ann here about #7. {{literal}}');
    expect(renderTemplate(text, { 'agent.name': 'Ann\u0007', 'ticket.number': '7' })).toBe(
      'Hi there, Ann here about #7. {{literal}}',
    );
  });
  it('refuses unknown variables and stray braces', () => {
    expect(() => checkTemplate('Hi {{customer.nmae}}')).toThrow(/unknown variable/);
    expect(() => checkTemplate('Hi {{ oops')).toThrow(/\{\{/);
  });
});

describe('figures', () => {
  it('median, p90 and CSAT', () => {
    expect(medianOf([5, 1, 3])).toBe(3);
    expect(medianOf([4, 1, 3, 2])).toBe(2.5);
    expect(percentileOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(durationStats([])).toEqual({ count: 0, medianSeconds: null, p90Seconds: null });
    expect(csatFromDistribution([1, 0, 0, 1, 2])).toEqual({
      count: 4,
      average: 3.75,
      distribution: [1, 0, 0, 1, 2],
    });
  });
  it('a breach is a late first response, or none and past due', () => {
    const now = new Date('2026-01-01T05:00:00Z');
    expect(
      breachedSla(
        ticket({
          sla: { firstResponseDueAt: '2026-01-01T01:00:00Z', firstRespondedAt: '2026-01-01T02:00:00Z' },
        }),
        now,
      ),
    ).toBe(true);
    expect(
      breachedSla(
        ticket({
          sla: { firstResponseDueAt: '2026-01-01T01:00:00Z', firstRespondedAt: '2026-01-01T00:30:00Z' },
        }),
        now,
      ),
    ).toBe(false);
    expect(breachedSla(ticket(), now)).toBe(true);
    expect(breachedSla(ticket(), new Date('2026-01-01T00:30:00Z'))).toBe(false);
  });
  it('report ranges: dates include the whole "to" day; bad ranges are refused', () => {
    const r = reportRange(new Date('2026-03-10T12:00:00Z'), '2026-03-01', '2026-03-02');
    expect([r.from.toISOString(), r.to.toISOString()]).toEqual([
      '2026-03-01T00:00:00.000Z',
      '2026-03-03T00:00:00.000Z',
    ]);
    expect(() => reportRange(new Date(), '2026-03-05', '2026-03-01')).toThrow(/before/);
    expect(() => reportRange(new Date(), '2020-01-01', '2026-01-01')).toThrow(/366/);
    expect(() => reportRange(new Date(), 'nonsense')).toThrow(/not a date/);
  });
});

describe('CSV (RFC 4180)', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField(null)).toBe('');
    expect(csvField(-3)).toBe('-3');
  });
  it('a report a CSV parser reads back, cell for cell', () => {
    const row = (key: string, label: string): ReportRow => ({
      key,
      label,
      tickets: 3,
      resolved: 2,
      firstResponse: { count: 2, medianSeconds: 90, p90Seconds: 120 },
      resolution: { count: 2, medianSeconds: 3600.5, p90Seconds: 7200 },
      slaBreaches: 1,
      csat: { count: 1, average: 4, distribution: [0, 0, 0, 1, 0] },
    });
    const report: TicketReportView = {
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-08T00:00:00.000Z',
      groupBy: 'agent',
      rows: [row('a1', 'Smith, "Jo"\nNight shift'), row('a2', '=HYPERLINK("x")')],
      total: row('total', 'Total'),
    };
    const csv = reportCsv(report);
    expect(csv.endsWith('\r\n')).toBe(true);
    const records = parse(csv, { relax_column_count: false }) as string[][];
    expect(records[0]).toEqual([...REPORT_CSV_COLUMNS]);
    expect(records[1]).toEqual([
      'a1',
      'Smith, "Jo"\nNight shift',
      '3',
      '2',
      '90',
      '120',
      '3600.5',
      '7200',
      '1',
      '1',
      '4',
    ]);
    expect(records[2]?.[1]).toBe('\'=HYPERLINK("x")');
    expect(records[3]?.[0]).toBe('total');
  });
});
