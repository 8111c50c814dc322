import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView, TicketView } from '../../src/core/views/index.js';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { addStaff, call, type StaffHandle, waitFor } from '../helpers/console.js';
import { connect, emitAck, nextEvent } from '../helpers/sockets.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

type Session = { visitorId: string; token: string };

describe('CSAT: the customer rates a resolved ticket once, in the widget or on the rating page', () => {
  let t: TestApp;
  let sup: StaffHandle;
  let widget: Socket;

  beforeAll(async () => {
    t = await startTestApp('csat', {
      classifier: new KeywordClassifier(),
      env: { NLP_SENTENCE_ENCODER: 'false' },
    });
    sup = await addStaff(t, 'Sam', 'supervisor');
    let got: (s: Session) => void = () => {};
    const session = new Promise<Session>((r) => {
      got = r;
    });
    widget = await connect(t.url, '/widget', {}, { session: (p) => got(p as Session) });
    await session;
  });
  afterAll(async () => {
    widget?.close();
    await t?.close();
  });

  // Each test is its own visitor: one visitor's next hand-off would reopen their resolved ticket.
  const freshVisitor = async () => {
    widget.close();
    widget = await connect(t.url, '/widget');
  };
  const ticketOf = async (text: string, id: string) => {
    const ack = await emitAck<{ message: MessageView }>(widget, 'message:send', {
      clientMessageId: id,
      text,
    });
    if (!ack.ok) throw new Error(ack.error.message);
    let ticket: TicketView | null = null;
    await waitFor(async () => {
      const m = await t.app.core.stores.messages.get(ack.data.message.id);
      ticket = m?.ticketId ? await t.app.core.stores.tickets.get(m.ticketId) : null;
      return ticket !== null;
    }, 'the ticket');
    return ticket as unknown as TicketView;
  };

  it('asks in the widget with a csat prompt; the widget rates once; a second rating is refused', async () => {
    const ticket = await ticketOf('I want to talk to a human', 'w-1');
    const asked = nextEvent<MessageView>(widget, 'message:new', (m) => m.prompt?.kind === 'csat');
    expect((await call(t, sup.token, 'POST', `/api/v1/tickets/${ticket.id}/resolve`)).status).toBe(200);
    const prompt = await asked;
    expect(prompt).toMatchObject({
      author: { kind: 'system' },
      prompt: { kind: 'csat', ticketId: ticket.id },
    });
    expect(prompt.text).toMatch(/\/rate\/[A-Za-z0-9_-]+/);
    expect((await t.app.core.stores.tickets.get(ticket.id))?.csatRequested).toBe(true);

    const bad = await emitAck(widget, 'csat:submit', { ticketId: ticket.id, score: 6 });
    expect(bad.ok).toBe(false);
    const rated = await emitAck<{ csat: { score: number; comment?: string } }>(widget, 'csat:submit', {
      ticketId: ticket.id,
      score: 4,
      comment: 'quick, thanks',
    });
    expect(rated).toMatchObject({ ok: true, data: { csat: { score: 4, comment: 'quick, thanks' } } });
    const twice = await emitAck(widget, 'csat:submit', { ticketId: ticket.id, score: 1 });
    expect(twice).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // Through the link too: the ticket has its one rating.
    const token = /\/rate\/([A-Za-z0-9_-]+)/.exec(prompt.text)?.[1] as string;
    const viaLink = await call(t, null, 'POST', `/api/v1/csat/${token}`, { score: 2 });
    expect(viaLink.status).toBe(409);
    expect((await t.app.core.stores.tickets.get(ticket.id))?.csat?.score).toBe(4);
    // The customer's last rating is kept for segmentation; the refused ones changed nothing.
    const customer = await t.app.core.infra.models.Customer.findById(ticket.customerId).lean();
    expect(customer?.features?.lastCsat).toBe(4);
  });

  it("refuses a rating for someone else's ticket, and for one never asked about", async () => {
    await freshVisitor();
    const other = await connect(t.url, '/widget');
    const ticket = await ticketOf('a human please', 'w-2');
    const notAsked = await emitAck(widget, 'csat:submit', { ticketId: ticket.id, score: 5 });
    expect(notAsked).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await call(t, sup.token, 'POST', `/api/v1/tickets/${ticket.id}/resolve`);
    await emitAck(other, 'message:send', { clientMessageId: 'o-1', text: 'hello' });
    const stranger = await emitAck(other, 'csat:submit', { ticketId: ticket.id, score: 1 });
    expect(stranger.ok).toBe(false);
    other.close();
  });

  it('the rating page: a form without script, one rating, then thanks; unknown links are 404', async () => {
    await freshVisitor();
    const ticket = await ticketOf('can I speak to an agent', 'w-3');
    await call(t, sup.token, 'POST', `/api/v1/tickets/${ticket.id}/resolve`);
    const doc = await t.app.core.infra.models.Ticket.findById(ticket.id).lean();
    const token = doc?.csat?.token as string;
    const page = await fetch(`${t.url}/rate/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain(`action="/rate/${token}"`);
    expect(html).toContain('name="score" value="5"');
    expect(html).not.toContain('<script');

    const post = (body: string) =>
      fetch(`${t.url}/rate/${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'zh-CN' },
        body,
      });
    const noScore = await post('comment=hi');
    expect(noScore.status).toBe(400);
    expect(await noScore.text()).toContain('请选择');
    const ok = await post(`score=5&comment=${encodeURIComponent('<b>great</b> & fast')}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('感谢');
    const stored = await t.app.core.stores.tickets.get(ticket.id);
    expect(stored?.csat).toMatchObject({ score: 5, comment: '<b>great</b> & fast' });
    expect((await post('score=1')).status).toBe(409);
    expect(await (await fetch(`${t.url}/rate/${token}`)).text()).toMatch(/rated already/);
    expect((await fetch(`${t.url}/rate/not-a-real-token-at-all`)).status).toBe(404);
    expect((await call(t, null, 'POST', '/api/v1/csat/not-a-real-token-at-all', { score: 3 })).status).toBe(
      404,
    );
    expect((await call(t, null, 'POST', `/api/v1/csat/${token}`, { score: 0 })).status).toBe(400);
  });

  it('a resolve asked twice asks the customer once', async () => {
    await freshVisitor();
    const ticket = await ticketOf('human please', 'w-4');
    await Promise.all([
      call(t, sup.token, 'POST', `/api/v1/tickets/${ticket.id}/resolve`),
      call(t, sup.token, 'POST', `/api/v1/tickets/${ticket.id}/resolve`),
    ]);
    await waitFor(
      async () => (await t.app.core.stores.tickets.get(ticket.id))?.csatRequested === true,
      'asked',
    );
    expect(await t.app.core.infra.models.Message.countDocuments({ 'prompt.ticketId': ticket.id })).toBe(1);
  });
});
