import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketChangeInfo } from '../../src/core/events/domain-events.js';
import type { TicketStore } from '../../src/core/ports/store.js';
import type { TicketView } from '../../src/core/views/index.js';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { addStaff, call, customerSays, type StaffHandle } from '../helpers/console.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { readUntil } from '../helpers/wait.js';

/**
 * The pipeline remembers each conversation's live ticket as its last hand-off left it, and uses
 * it for the next message only if the ticket is still at that revision. A change in between (a
 * person's, or another process's) must give the outcome a fresh read gives.
 */
describe('remembered live tickets: no read for the next message, the same outcome after a change', () => {
  let t: TestApp;
  let agent: StaffHandle;
  /** Live-ticket reads, counted at the store port (the database stays real). */
  const reads: string[] = [];
  const changes: { ticket: TicketView; change?: TicketChangeInfo }[] = [];

  beforeAll(async () => {
    t = await startTestApp('livetickets', {
      classifier: new KeywordClassifier(),
      env: { NLP_SENTENCE_ENCODER: 'false', REOPEN_WINDOW_HOURS: '72' },
    });
    agent = await addStaff(t, 'Rita', 'agent');
    const tickets = t.app.core.stores.tickets as TicketStore;
    const findLive = tickets.findLive.bind(tickets);
    tickets.findLive = (conversationId) => {
      reads.push(conversationId);
      return findLive(conversationId);
    };
    t.app.core.events.subscribe('ticket.updated', (e) => void changes.push(e.payload));
  });
  afterAll(async () => {
    await t?.close();
  });

  const readsOf = (conversationId: string) => reads.filter((x) => x === conversationId).length;
  const get = async (id: string) => (await t.app.core.stores.tickets.get(id)) as TicketView;

  it('joins the live ticket message after message without reading it again', async () => {
    const first = await customerSays(t, 'remember-1', 'I want to talk to a human');
    const ticket = first.ticket as TicketView;
    expect(ticket.status).toBe('open');
    const count = (await get(ticket.id)).messageCount;
    const readsBefore = readsOf(ticket.conversationId);
    for (const text of ['hello?', 'are you there', 'my order is late']) {
      const joined = await customerSays(t, 'remember-1', text);
      expect(joined.ticket?.id).toBe(ticket.id);
      expect(joined.botReplies).toEqual([]);
      expect((await t.app.core.stores.messages.get(joined.messageId))?.ticketId).toBe(ticket.id);
    }
    // Only the first message looked for a live ticket (and found none, then opened one).
    expect(readsBefore).toBeGreaterThan(0);
    expect(readsOf(ticket.conversationId)).toBe(readsBefore);
    expect((await get(ticket.id)).messageCount).toBe(count + 3);
  });

  it('after an agent’s reply, the next message joins the ticket and its change says it was pending', async () => {
    const first = await customerSays(t, 'remember-2', 'Can I speak to an agent?');
    const ticket = first.ticket as TicketView;
    await customerSays(t, 'remember-2', 'it is about my invoice');
    const reply = await call(t, agent.token, 'POST', `/api/v1/tickets/${ticket.id}/replies`, {
      text: 'Sure, which invoice?',
      clientMessageId: 'remember-2-r1',
    });
    expect(reply.status).toBe(201);
    expect((await get(ticket.id)).status).toBe('pending');
    const readsBefore = readsOf(ticket.conversationId);

    const joined = await customerSays(t, 'remember-2', 'the one from March');
    expect(joined.ticket?.id).toBe(ticket.id);
    expect(joined.ticket?.status).toBe('open');
    // The remembered ticket was out of date: read once more, and only then.
    expect(readsOf(ticket.conversationId)).toBe(readsBefore + 1);
    const seen = await readUntil(
      () => changes.filter((c) => c.ticket.id === ticket.id && c.change?.action === 'customer_wrote'),
      (list) => list.some((c) => c.change?.before?.status === 'pending'),
      10_000,
    );
    // What the agents' consoles hear: the ticket went from pending (the reply) back to open.
    expect(seen.at(-1)?.change?.before?.status).toBe('pending');
    expect(seen.at(-1)?.ticket.status).toBe('open');
  });

  it('after the ticket was resolved, the bot answers again and the ticket stays resolved', async () => {
    const first = await customerSays(t, 'remember-3', 'I need a human please');
    const ticket = first.ticket as TicketView;
    const resolved = await call(t, agent.token, 'POST', `/api/v1/tickets/${ticket.id}/resolve`);
    expect(resolved.status).toBe(200);

    // As a fresh read would decide: no live ticket, so the bot greets; nothing is reopened.
    const after = await customerSays(t, 'remember-3', 'hello');
    expect(after.ticket).toBeNull();
    expect(after.botReplies.length).toBe(1);
    expect((await get(ticket.id)).status).toBe('resolved');
    expect((await t.app.core.stores.messages.get(after.messageId))?.ticketId).toBeUndefined();
  });
});
