import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalateBreaches } from '../../src/core/tickets/escalate-breaches.js';
import type { TicketView } from '../../src/core/views/index.js';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('SLA escalation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sla', { classifier: new KeywordClassifier(), listen: false });
  });
  afterAll(async () => t?.close());

  it('marks an unanswered ticket past its deadline once, raises it, and announces it once', async () => {
    const {
      pipeline,
      events,
      infra: { models },
    } = t.app.core;
    const { ticket } = await pipeline.receiveAndProcess({
      channel: 'api',
      externalUserId: 'late-1',
      clientMessageId: 'x1',
      text: 'Can I change the colour of my order?',
    });
    expect(ticket?.priority).toBe('normal');
    const answered = await pipeline.receiveAndProcess({
      channel: 'api',
      externalUserId: 'late-2',
      clientMessageId: 'x2',
      text: 'Can I pay by invoice?',
    });
    await models.Ticket.updateOne(
      { _id: answered.ticket?.id },
      { $set: { 'sla.firstRespondedAt': new Date() } },
    );

    const announced: TicketView[] = [];
    const off = events.subscribe('sla.breached', (e) => void announced.push(e.payload.ticket));
    const later = new Date(Date.now() + 2 * 3600_000);
    // Two workers at once: each ticket is escalated by exactly one of them.
    const [a, b] = await Promise.all([
      escalateBreaches(t.app.core, later),
      escalateBreaches(t.app.core, later),
    ]);
    expect(a + b).toBe(1);
    // Events travel through Redis: wait for the announcement, then a little longer for any duplicate.
    for (let waited = 0; announced.length === 0 && waited < 5000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 200));
    off();
    expect(announced.map((x) => x.id)).toEqual([ticket?.id]);
    const stored = await models.Ticket.findById(ticket?.id).lean();
    expect(stored?.sla?.breachedAt).toBeInstanceOf(Date);
    expect(stored?.priority).toBe('high');
    expect(await escalateBreaches(t.app.core, later)).toBe(0);
  });
});
