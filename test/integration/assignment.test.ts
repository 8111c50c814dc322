import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TicketChangeInfo } from '../../src/core/events/domain-events.js';
import type { TicketView } from '../../src/core/views/index.js';
import { KeywordClassifier } from '../../src/nlp/index.js';
import {
  addStaff,
  call,
  customerSays,
  openConsole,
  type StaffHandle,
  shiftClock,
  waitFor,
} from '../helpers/console.js';
import { emitAck } from '../helpers/sockets.js';
import { login } from '../helpers/staff.js';
import { ADMIN, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('assignment: capacity, language, skill; waiting; claim, transfer, unassign; agents who leave', () => {
  let t: TestApp;
  let ann: StaffHandle; // English, complaints, 3
  let bo: StaffHandle; // Chinese, 3
  let cy: StaffHandle; // English, 2
  let sup: StaffHandle;
  let adminToken: string;
  const consoles = new Map<string, Socket>();
  const changes: { ticket: TicketView; change?: TicketChangeInfo }[] = [];
  const tickets: Record<number, string> = {};

  beforeAll(async () => {
    t = await startTestApp('assign', {
      classifier: new KeywordClassifier(),
      env: { NLP_SENTENCE_ENCODER: 'false', AGENT_AWAY_GRACE_MINUTES: '10' },
    });
    ann = await addStaff(t, 'Ann', 'agent', { languages: ['en'], skills: ['complaint'], capacity: 3 });
    bo = await addStaff(t, 'Bo', 'agent', { languages: ['zh'], capacity: 3 });
    cy = await addStaff(t, 'Cy', 'agent', { languages: ['en'], capacity: 2 });
    sup = await addStaff(t, 'Sue', 'supervisor');
    adminToken = await login(t.url, ADMIN.email, ADMIN.password);
    for (const a of [ann, bo, cy]) consoles.set(a.id, await openConsole(t, a));
    t.app.core.events.subscribe('ticket.updated', (e) => void changes.push(e.payload));
  });
  afterAll(async () => {
    for (const s of consoles.values()) s.close();
    await t?.close();
  });
  afterEach(() => shiftClock(t, 0));

  const load = async (a: StaffHandle) => (await t.app.core.stores.staff.getMember(a.id))?.openTickets;
  const get = async (id: string) => (await t.app.core.stores.tickets.get(id)) as TicketView;
  const assigneeOf = async (n: number) => (await get(tickets[n] as string)).assigneeId;

  it('ten tickets to three agents: language first, then skill, then the least loaded; the rest wait', async () => {
    const texts = [
      '我要投诉，商品坏了', // 1 zh complaint → Bo (language beats Ann's complaint skill)
      'My blender arrived broken, I want a refund', // 2 en complaint → Ann (skill)
      'human please', // 3 en → Cy (least loaded)
      '我要人工', // 4 zh → Bo
      'terrible service, refund', // 5 en complaint → Ann
      'can I talk to an agent', // 6 en → Cy (1 < Ann's 2)
      '转人工', // 7 zh → Bo (full now)
      'damaged item, refund', // 8 en complaint → Ann (full now)
      'a human', // 9 nobody free: waits
      '人工客服', // 10 waits
    ];
    for (const [i, text] of texts.entries()) {
      const r = await customerSays(t, `assign-v${i + 1}`, text);
      tickets[i + 1] = r.ticket?.id as string;
    }
    expect(await assigneeOf(1)).toBe(bo.id);
    expect(await assigneeOf(2)).toBe(ann.id);
    expect(await assigneeOf(3)).toBe(cy.id);
    expect(await assigneeOf(4)).toBe(bo.id);
    expect(await assigneeOf(5)).toBe(ann.id);
    expect(await assigneeOf(6)).toBe(cy.id);
    expect(await assigneeOf(7)).toBe(bo.id);
    expect(await assigneeOf(8)).toBe(ann.id);
    expect(await assigneeOf(9)).toBeUndefined();
    expect(await assigneeOf(10)).toBeUndefined();
    expect([await load(ann), await load(bo), await load(cy)]).toEqual([3, 3, 2]);
    const queue = await call<{ tickets: TicketView[] }>(t, sup.token, 'GET', '/api/v1/tickets?assignee=none');
    expect(queue.body.tickets.map((x) => x.id)).toEqual([tickets[9], tickets[10]]);
    // Every assignment is an event and an audit-log line.
    expect(changes.filter((c) => c.change?.action === 'auto_assigned').length).toBeGreaterThanOrEqual(8);
    expect(await t.app.core.infra.models.AuditLog.countDocuments({ action: 'ticket.auto_assigned' })).toBe(8);
  });

  it('a waiting ticket is assigned as soon as capacity frees up', async () => {
    await call(t, ann.token, 'POST', `/api/v1/tickets/${tickets[2]}/resolve`);
    // At once, before the resolve answered: the oldest waiting ticket went to Ann.
    expect(await assigneeOf(9)).toBe(ann.id);
    expect(await load(ann)).toBe(3);
    await call(t, bo.token, 'POST', `/api/v1/tickets/${tickets[1]}/resolve`);
    expect(await assigneeOf(10)).toBe(bo.id);
  });

  it('claim, transfer and unassign, with the rules on who may do what', async () => {
    // Bo cannot take Ann's ticket, nor hand it on.
    expect((await call(t, bo.token, 'POST', `/api/v1/tickets/${tickets[5]}/claim`)).status).toBe(403);
    expect(
      (await call(t, bo.token, 'POST', `/api/v1/tickets/${tickets[5]}/assign`, { agentId: bo.id })).status,
    ).toBe(403);
    // Ann transfers it to Cy (full, but a person decided).
    const moved = await call<{ ticket: TicketView }>(
      t,
      ann.token,
      'POST',
      `/api/v1/tickets/${tickets[5]}/assign`,
      {
        agentId: cy.id,
      },
    );
    expect(moved.status).toBe(200);
    expect(moved.body.ticket.assigneeId).toBe(cy.id);
    expect(moved.body.ticket.participantIds).toEqual(expect.arrayContaining([ann.id, cy.id]));
    expect([await load(ann), await load(cy)]).toEqual([2, 3]);
    // Ann still sees it (she took part) but cannot act on it any more.
    expect((await call(t, ann.token, 'GET', `/api/v1/tickets/${tickets[5]}`)).status).toBe(200);
    expect((await call(t, ann.token, 'POST', `/api/v1/tickets/${tickets[5]}/resolve`)).status).toBe(403);

    // The supervisor puts one of Cy's back in the queue: it goes to someone else who is free (Ann).
    const back = await call<{ ticket: TicketView }>(
      t,
      sup.token,
      'POST',
      `/api/v1/tickets/${tickets[3]}/assign`,
      {
        agentId: null,
      },
    );
    expect(back.status).toBe(200);
    expect(back.body.ticket.assigneeId).toBe(ann.id);
    expect([await load(ann), await load(cy)]).toEqual([3, 2]);
    expect(await t.app.core.infra.models.AuditLog.countDocuments({ action: 'ticket.unassigned' })).toBe(1);

    // Over the console's socket: the same use case.
    const socket = consoles.get(cy.id) as Socket;
    const viaSocket = await emitAck<{ ticket: TicketView }>(socket, 'ticket:assign', {
      ticketId: tickets[5],
      agentId: ann.id,
    });
    expect(viaSocket.ok && viaSocket.data.ticket.assigneeId).toBe(ann.id);
    const refused = await emitAck(socket, 'ticket:claim', { ticketId: tickets[7] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const invalid = await emitAck(socket, 'ticket:assign', { ticketId: 'nope', agentId: null });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });

  it('an agent offline past the grace period gives their tickets back; more capacity takes them', async () => {
    // Cy kept ticket 6 (3 went back to the queue, 5 was handed to Ann).
    const cyHeld = (await t.app.core.stores.tickets.listLiveAssignedTo(cy.id, 50)).map((x) => x.id);
    expect(cyHeld).toEqual([tickets[6]]);
    expect(await load(ann)).toBe(4); // 3 by assignment, one more handed over by hand
    consoles.get(cy.id)?.close();
    consoles.delete(cy.id);
    await waitFor(
      async () => (await t.app.core.stores.staff.getMember(cy.id))?.status === 'offline',
      'offline',
    );
    // Within the grace period nothing moves.
    shiftClock(t, 9 * 60_000);
    expect(await t.app.core.useCases.tickets.returnTicketsOfAbsentAgents()).toBe(0);
    shiftClock(t, 11 * 60_000);
    expect(await t.app.core.useCases.tickets.returnTicketsOfAbsentAgents()).toBe(1);
    expect(await load(cy)).toBe(0);
    for (const id of cyHeld) expect((await get(id)).assigneeId).toBeUndefined(); // Ann and Bo are full

    // The admin gives Ann more room: the waiting ticket goes to her at once.
    const raised = await call(t, adminToken, 'PATCH', `/api/v1/agents/${ann.id}`, { capacity: 5 });
    expect(raised.status).toBe(200);
    for (const id of cyHeld) expect((await get(id)).assigneeId).toBe(ann.id);
    expect(await load(ann)).toBe(5);
  });

  it('is race-safe: many tickets and sweeps at once never put an agent over capacity', async () => {
    // Only Dee takes tickets now.
    await emitAck(consoles.get(ann.id) as Socket, 'status:set', { status: 'away' });
    await emitAck(consoles.get(bo.id) as Socket, 'status:set', { status: 'away' });
    const dee = await addStaff(t, 'Dee', 'agent', { capacity: 4 });
    consoles.set(dee.id, await openConsole(t, dee));
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => customerSays(t, `race-v${i}`, 'a human please')),
    );
    await Promise.all([
      t.app.core.useCases.tickets.assignWaiting(),
      t.app.core.useCases.tickets.assignWaiting(),
      t.app.core.useCases.tickets.assignWaiting(),
    ]);
    const ids = results.map((r) => r.ticket?.id as string);
    const assigned = (await Promise.all(ids.map(get))).filter((x) => x.assigneeId === dee.id);
    expect(assigned.length).toBe(4);
    expect(await load(dee)).toBe(4);
    const counters = await t.app.core.stores.staff.loadCounters();
    const deeCounters = counters.find((c) => c.id === dee.id);
    expect(deeCounters).toMatchObject({ openTickets: 4, capacity: 4, freeSlots: 0 });
    // The load counters agree with the tickets everywhere: nothing for the reconciler to correct.
    expect(await t.app.core.useCases.tickets.reconcileLoad(async () => {})).toBe(0);
  });

  it('corrects a load counter that drifted (a process that died between slot and ticket)', async () => {
    await t.app.core.infra.models.Agent.updateOne(
      { _id: bo.id },
      { $inc: { openTickets: 2, freeSlots: -2 } },
    );
    expect(await t.app.core.useCases.tickets.reconcileLoad(async () => {})).toBe(1);
    expect(await load(bo)).toBe((await t.app.core.stores.tickets.listLiveAssignedTo(bo.id, 50)).length);
  });
});
