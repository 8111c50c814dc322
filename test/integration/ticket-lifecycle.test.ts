import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView, TicketView } from '../../src/core/views/index.js';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { addStaff, call, customerSays, HOUR, type StaffHandle, shiftClock } from '../helpers/console.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

type TicketBody = { ticket: TicketView };

describe('the ticket lifecycle: open → pending → resolved → closed, reopen, merge', () => {
  let t: TestApp;
  let sup: StaffHandle;
  let agent: StaffHandle;

  beforeAll(async () => {
    t = await startTestApp('lifecycle', {
      classifier: new KeywordClassifier(),
      env: { NLP_SENTENCE_ENCODER: 'false', REOPEN_WINDOW_HOURS: '72' },
    });
    sup = await addStaff(t, 'Sue', 'supervisor');
    agent = await addStaff(t, 'Alan', 'agent');
  });
  afterAll(async () => t?.close());
  afterEach(() => shiftClock(t, 0));

  const ticket = async (id: string) => (await t.app.core.stores.tickets.get(id)) as TicketView;

  it('resolving frees the conversation: the bot answers the customer again', async () => {
    const first = await customerSays(t, 'v-bot-again', 'I want to talk to a human');
    expect(first.ticket?.status).toBe('open');
    const id = first.ticket?.id as string;
    // While the ticket is live, everything the customer says joins it (the bot stays quiet).
    const joined = await customerSays(t, 'v-bot-again', 'hello');
    expect(joined.ticket?.id).toBe(id);
    expect(joined.botReplies).toEqual([]);

    const reply = await call(t, agent.token, 'POST', `/api/v1/tickets/${id}/replies`, {
      text: 'Happy to help, what is it about?',
      clientMessageId: 'r-1',
    });
    expect(reply.status).toBe(201);
    expect((await ticket(id)).status).toBe('pending');

    const resolved = await call<TicketBody>(t, agent.token, 'POST', `/api/v1/tickets/${id}/resolve`);
    expect(resolved.status).toBe(200);
    expect(resolved.body.ticket.status).toBe('resolved');
    expect(resolved.body.ticket.resolvedAt).toBeTruthy();
    expect(await t.app.core.stores.tickets.findLive(resolved.body.ticket.conversationId)).toBeNull();

    const after = await customerSays(t, 'v-bot-again', 'hello');
    expect(after.ticket).toBeNull();
    expect(after.botReplies.length).toBe(1); // the bot greets, no person involved
    const stored = await t.app.core.stores.messages.get(after.messageId);
    expect(stored?.ticketId).toBeUndefined();
    // Resolving again is a no-op; a closed ticket cannot be resolved.
    expect((await call(t, agent.token, 'POST', `/api/v1/tickets/${id}/resolve`)).status).toBe(200);
  });

  it('a hand-off within the reopen window reopens the resolved ticket, with its assignee if they can take it', async () => {
    const first = await customerSays(t, 'v-reopen', 'Can I speak to an agent?');
    const id = first.ticket?.id as string;
    await call(t, agent.token, 'POST', `/api/v1/tickets/${id}/claim`);
    await call(t, agent.token, 'POST', `/api/v1/tickets/${id}/resolve`);
    expect((await t.app.core.stores.staff.getMember(agent.id))?.openTickets).toBe(0);

    shiftClock(t, 71 * HOUR); // inside the 72 h window
    const back = await customerSays(t, 'v-reopen', 'I need a human again please');
    expect(back.ticket?.id).toBe(id);
    const reopened = await ticket(id);
    expect(reopened.status).toBe('open');
    expect(reopened.reopenCount).toBe(1);
    expect(reopened.resolvedAt).toBeUndefined();
    // Alan has no console open (offline): the ticket goes back to the queue rather than waiting on him.
    expect(reopened.assigneeId).toBeUndefined();
    expect(reopened.queuedAt).toBeTruthy();
    // The customer is told a person will answer again.
    expect(back.botReplies.join(' ')).toMatch(/person will reply/i);
  });

  it('after the window a new ticket opens, and the old one closes by itself', async () => {
    const first = await customerSays(t, 'v-window', 'human please');
    const oldId = first.ticket?.id as string;
    await call(t, sup.token, 'POST', `/api/v1/tickets/${oldId}/resolve`);

    shiftClock(t, 73 * HOUR); // past the window
    const back = await customerSays(t, 'v-window', 'I want a human');
    expect(back.ticket?.id).toBeTruthy();
    expect(back.ticket?.id).not.toBe(oldId);
    expect(back.ticket?.status).toBe('open');
    expect((await ticket(oldId)).status).toBe('resolved');

    const closed = await t.app.core.useCases.tickets.closeExpired();
    expect(closed).toBeGreaterThanOrEqual(1);
    const old = await ticket(oldId);
    expect(old.status).toBe('closed');
    expect(old.closedAt).toBeTruthy();
    // Closing is conditional: a second run closes nothing more of it, and a closed ticket stays closed.
    await t.app.core.useCases.tickets.closeExpired();
    expect((await call(t, sup.token, 'POST', `/api/v1/tickets/${oldId}/reopen`)).status).toBe(400);
  });

  it('staff reopen a resolved ticket by hand; a conversation with another live ticket refuses it (409)', async () => {
    const a = await customerSays(t, 'v-manual', 'talk to a person');
    const id = a.ticket?.id as string;
    await call(t, sup.token, 'POST', `/api/v1/tickets/${id}/resolve`);
    const again = await call<TicketBody>(t, sup.token, 'POST', `/api/v1/tickets/${id}/reopen`);
    expect(again.status).toBe(200);
    expect(again.body.ticket.status).toBe('open');
    await call(t, sup.token, 'POST', `/api/v1/tickets/${id}/resolve`);
    shiftClock(t, 80 * HOUR);
    const other = await customerSays(t, 'v-manual', 'human!');
    expect(other.ticket?.id).not.toBe(id);
    const refused = await call(t, sup.token, 'POST', `/api/v1/tickets/${id}/reopen`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'conflict' });
  });

  it('closing a live ticket by hand frees the conversation and the assignee', async () => {
    const a = await customerSays(t, 'v-close', 'a human please');
    const id = a.ticket?.id as string;
    await call(t, agent.token, 'POST', `/api/v1/tickets/${id}/claim`);
    const before = (await t.app.core.stores.staff.getMember(agent.id))?.openTickets ?? 0;
    const closed = await call<TicketBody>(t, agent.token, 'POST', `/api/v1/tickets/${id}/close`);
    expect(closed.body.ticket.status).toBe('closed');
    expect((await t.app.core.stores.staff.getMember(agent.id))?.openTickets).toBe(before - 1);
    expect((await customerSays(t, 'v-close', 'hello')).ticket).toBeNull();
  });

  it('merges two tickets of one customer: the thread, notes and tags move, the other closes with a pointer', async () => {
    const a = await customerSays(t, 'v-merge', 'I need a human about my invoice');
    const b = await customerSays(t, 'v-merge', 'also a human for my delivery', { thread: 'second-tab' });
    const ida = a.ticket?.id as string;
    const idb = b.ticket?.id as string;
    expect(ida).not.toBe(idb);
    await call(t, sup.token, 'POST', `/api/v1/tickets/${idb}/notes`, {
      text: 'same person as the invoice one',
    });
    await call(t, sup.token, 'PATCH', `/api/v1/tickets/${idb}`, { tags: ['Delivery'] });
    const other = await customerSays(t, 'v-someone-else', 'human please');
    const cross = await call(t, sup.token, 'POST', `/api/v1/tickets/${idb}/merge`, {
      into: other.ticket?.id,
    });
    expect(cross.status).toBe(400); // another customer's ticket

    const merged = await call<{ target: TicketView; source: TicketView }>(
      t,
      sup.token,
      'POST',
      `/api/v1/tickets/${idb}/merge`,
      { into: ida },
    );
    expect(merged.status).toBe(200);
    expect(merged.body.source.status).toBe('closed');
    expect(merged.body.source.mergedInto).toBe(ida);
    expect(merged.body.target.mergedFrom).toEqual([idb]);
    expect(merged.body.target.tags).toEqual(['delivery']);
    expect(merged.body.target.notes.map((n) => n.text)).toEqual(['same person as the invoice one']);
    // The transcript of the target now holds both conversations, and B's messages point to A.
    const detail = await call<{ messages: MessageView[] }>(t, sup.token, 'GET', `/api/v1/tickets/${ida}`);
    expect(detail.body.messages.map((m) => m.text)).toEqual(
      expect.arrayContaining(['I need a human about my invoice', 'also a human for my delivery']),
    );
    expect(await t.app.core.infra.models.Message.countDocuments({ ticketId: idb })).toBe(0);
    // Asking again is harmless (a merge cut short is finished this way).
    const again = await call(t, sup.token, 'POST', `/api/v1/tickets/${idb}/merge`, { into: ida });
    expect(again.status).toBe(200);
    expect((await ticket(ida)).mergedFrom).toEqual([idb]);
    // B's conversation is free again: the bot answers there.
    expect((await customerSays(t, 'v-merge', 'hello', { thread: 'second-tab' })).ticket).toBeNull();
  });

  it('notes stay internal; a changed kind is a correction for the classifier; priority moves the deadline', async () => {
    const a = await customerSays(t, 'v-edit', 'Can I talk to an agent about my order colour?');
    const id = a.ticket?.id as string;
    const before = await ticket(id);
    expect(before.kind).toBe('consultation');
    expect(before.openedByMessageId).toBe(a.messageId);

    const note = await call<{ note: { text: string; authorId: string } }>(
      t,
      agent.token,
      'POST',
      `/api/v1/tickets/${id}/notes`,
      { text: 'VIP customer, be quick' },
    );
    expect(note.status).toBe(201);
    expect(note.body.note).toMatchObject({ text: 'VIP customer, be quick', authorId: agent.id });
    // Never a message: nothing with the note's text was stored for the customer.
    expect(await t.app.core.infra.models.Message.countDocuments({ text: 'VIP customer, be quick' })).toBe(0);

    const patched = await call<TicketBody>(t, agent.token, 'PATCH', `/api/v1/tickets/${id}`, {
      kind: 'complaint',
      priority: 'urgent',
      tags: ['VIP', 'colour', 'vip'],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.ticket).toMatchObject({
      kind: 'complaint',
      priority: 'urgent',
      tags: ['vip', 'colour'],
    });
    expect(Date.parse(patched.body.ticket.sla.firstResponseDueAt)).toBeLessThan(
      Date.parse(before.sla.firstResponseDueAt),
    );
    const correction = await t.app.core.infra.models.IntentCorrection.findOne({
      messageId: a.messageId,
    }).lean();
    expect(correction).toMatchObject({ intent: 'complaint', previousIntent: 'ask_human' });
    const bad = await call(t, agent.token, 'PATCH', `/api/v1/tickets/${id}`, { tags: ['no way!'] });
    expect(bad.status).toBe(400);
    expect((await call(t, agent.token, 'PATCH', `/api/v1/tickets/${id}`, {})).status).toBe(400);
    expect(
      await t.app.core.infra.models.AuditLog.countDocuments({ action: 'ticket.updated', 'target.id': id }),
    ).toBe(1);
  });

  it('a console catches up: tickets changed since its last sync, and messages after a time', async () => {
    const first = await call<{ syncedAt: string; tickets: TicketView[] }>(
      t,
      sup.token,
      'GET',
      '/api/v1/tickets',
    );
    const since = first.body.syncedAt;
    // Changes while the console was away.
    const a = await customerSays(t, 'v-catchup', 'a human please');
    const id = a.ticket?.id as string;
    await customerSays(t, 'v-catchup', 'are you there?');
    const changed = await call<{ tickets: TicketView[]; syncedAt: string }>(
      t,
      sup.token,
      'GET',
      `/api/v1/tickets?updatedSince=${encodeURIComponent(since)}`,
    );
    expect(changed.status).toBe(200);
    const mine = changed.body.tickets.find((x) => x.id === id);
    expect(mine?.messageCount).toBe(2);
    expect(mine?.rev).toBeGreaterThanOrEqual(1);
    const msgs = await call<{ messages: MessageView[] }>(
      t,
      sup.token,
      'GET',
      `/api/v1/tickets/${id}/messages?after=${encodeURIComponent(since)}`,
    );
    expect(msgs.body.messages.map((m) => m.text)).toEqual(
      expect.arrayContaining(['a human please', 'are you there?']),
    );
    // Asked again from a later sync, it is not there (earlier tests moved the clock ahead and
    // left tickets stamped in the future, which do come again).
    const quiet = await call<{ tickets: TicketView[] }>(
      t,
      sup.token,
      'GET',
      `/api/v1/tickets?updatedSince=${encodeURIComponent(new Date(Date.now() + 10_000).toISOString())}`,
    );
    expect(quiet.body.tickets.map((x) => x.id)).not.toContain(id);
  });
});
