import { describe, expect, it } from 'vitest';
import { slaState, waitedSeconds } from '../../console/src/lib/sla.js';
import { slashAt } from '../../console/src/lib/slash.js';
import { type AppState, canSee, initialData, mergeMessages } from '../../console/src/state.js';
import { listedTickets, type QueueView } from '../../console/src/views/queue-model.js';
import type { MessageView, TicketView } from '../../src/core/views/index.js';

/** The console's own rules, without a browser: merging what arrives, who sees what, list order. */

const NOW = Date.parse('2026-03-02T10:00:00.000Z');
const iso = (minutesFromNow: number) => new Date(NOW + minutesFromNow * 60_000).toISOString();

function ticket(over: Partial<TicketView> & { id: string }): TicketView {
  return {
    number: 1,
    kind: 'consultation',
    status: 'open',
    priority: 'normal',
    customerId: 'c1',
    conversationId: 'conv1',
    channel: 'widget',
    participantIds: [],
    tags: [],
    notes: [],
    sla: { firstResponseDueAt: iso(60) },
    messageCount: 1,
    failedDeliveries: 0,
    reopenCount: 0,
    mergedFrom: [],
    extraConversationIds: [],
    csatRequested: false,
    rev: 1,
    createdAt: iso(-30),
    updatedAt: iso(-30),
    ...over,
  };
}

function message(id: string, createdAt: string, over: Partial<MessageView> = {}): MessageView {
  return {
    id,
    conversationId: 'conv1',
    customerId: 'c1',
    channel: 'widget',
    direction: 'in',
    author: { kind: 'customer' },
    text: id,
    processed: true,
    createdAt,
    ...over,
  };
}

describe('the console model', () => {
  it('merges messages by id in time order, keeping the most advanced delivery state', () => {
    const queued = message('m2', iso(-5), {
      direction: 'out',
      author: { kind: 'agent', id: 'a1' },
      delivery: { status: 'queued', attempts: 0, updatedAt: iso(-5) },
    });
    const sent = { ...queued, delivery: { status: 'sent' as const, attempts: 1, updatedAt: iso(-4) } };
    const held = mergeMessages([message('m1', iso(-10)), sent], []);
    // A late copy of the queued message (a catch-up overlapping a live event) does not undo "sent".
    const merged = mergeMessages(held, [queued, message('m3', iso(-1)), message('m0', iso(-20))]);
    expect(merged.map((m) => m.id)).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(merged.find((m) => m.id === 'm2')?.delivery?.status).toBe('sent');
    expect(mergeMessages(merged, merged)).toEqual(merged);
  });

  it('lets an agent see the queue, their own tickets and those they took part in; leads see all', () => {
    const agent = { agentId: 'a1', role: 'agent' };
    expect(canSee(ticket({ id: 't1' }), agent)).toBe(true); // in the queue
    expect(canSee(ticket({ id: 't2', assigneeId: 'a1' }), agent)).toBe(true);
    expect(canSee(ticket({ id: 't3', assigneeId: 'a2' }), agent)).toBe(false);
    expect(canSee(ticket({ id: 't4', assigneeId: 'a2', participantIds: ['a1'] }), agent)).toBe(true);
    expect(canSee(ticket({ id: 't5', status: 'resolved' }), agent)).toBe(false); // out of the queue
    expect(canSee(ticket({ id: 't3', assigneeId: 'a2' }), { agentId: 's1', role: 'supervisor' })).toBe(true);
  });

  it('lists live tickets by tab and filters, most urgent first, then the longest waiting', () => {
    const tickets = [
      ticket({ id: 'old', number: 1, queuedAt: iso(-50) }),
      ticket({ id: 'new', number: 2, queuedAt: iso(-5) }),
      ticket({ id: 'urgent', number: 3, priority: 'urgent', queuedAt: iso(-1), kind: 'complaint' }),
      ticket({ id: 'mine', number: 4, assigneeId: 'me' }),
      ticket({ id: 'theirs', number: 5, assigneeId: 'other', channel: 'api' }),
      ticket({ id: 'done', number: 6, status: 'resolved' }),
    ];
    const state: AppState = {
      ...initialData(),
      session: {
        token: 't',
        staff: { id: 'me', name: 'Me', email: 'me@x', role: 'supervisor' },
        mustChangePassword: false,
      },
      endedReason: null,
      helpOpen: false,
      tickets: Object.fromEntries(tickets.map((t) => [t.id, t])),
    };
    const view = (over: Partial<QueueView>): QueueView => ({
      tab: 'all',
      kind: '',
      channel: '',
      priority: '',
      ...over,
    });
    const ids = (v: QueueView) => listedTickets(state, v).map((t) => t.id);
    expect(ids(view({ tab: 'queue' }))).toEqual(['urgent', 'old', 'new']);
    expect(ids(view({ tab: 'mine' }))).toEqual(['mine']);
    expect(ids(view({}))).toHaveLength(5);
    expect(ids(view({ kind: 'complaint' }))).toEqual(['urgent']);
    expect(ids(view({ channel: 'api' }))).toEqual(['theirs']);
  });

  it('tells the SLA state and the waiting time', () => {
    expect(slaState(ticket({ id: 'a', sla: { firstResponseDueAt: iso(45) } }), NOW).kind).toBe('ok');
    expect(slaState(ticket({ id: 'b', sla: { firstResponseDueAt: iso(5) } }), NOW)).toEqual({
      kind: 'risk',
      seconds: 300,
    });
    expect(slaState(ticket({ id: 'c', sla: { firstResponseDueAt: iso(-2) } }), NOW).kind).toBe('breached');
    expect(
      slaState(ticket({ id: 'd', sla: { firstResponseDueAt: iso(-2), firstRespondedAt: iso(-3) } }), NOW)
        .kind,
    ).toBe('answered');
    expect(waitedSeconds({ queuedAt: iso(-3), createdAt: iso(-30) }, NOW)).toBe(180);
    expect(waitedSeconds({ createdAt: iso(-30) }, NOW)).toBe(1800);
  });

  it('finds the /shortcut being typed before the caret', () => {
    expect(slashAt('/sor', 4)).toEqual({ start: 0, prefix: 'sor' });
    expect(slashAt('Hello /Refund', 13)).toEqual({ start: 6, prefix: 'refund' });
    expect(slashAt('Hello\n/', 7)).toEqual({ start: 6, prefix: '' });
    expect(slashAt('and/or', 6)).toBeNull(); // not at the start of a word
    expect(slashAt('/sorry and more', 15)).toBeNull();
  });
});
