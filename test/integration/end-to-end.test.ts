import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView, TicketView } from '../../src/core/views/index.js';
import { connect, emitAck, nextEvent } from '../helpers/sockets.js';
import { login } from '../helpers/staff.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

type Session = { visitorId: string; token: string };

describe('a widget message end to end, over real sockets', () => {
  let t: TestApp;
  let agent: Socket;
  let widget: Socket;
  let session: Session;

  beforeAll(async () => {
    t = await startTestApp('e2e');
    agent = await connect(t.url, '/agents', { token: await login(t.url) });
    let gotSession: (s: Session) => void = () => {};
    const sessionEvent = new Promise<Session>((resolve) => {
      gotSession = resolve;
    });
    widget = await connect(t.url, '/widget', {}, { session: (p) => gotSession(p as Session) });
    session = await sessionEvent;
  });

  afterAll(async () => {
    agent?.close();
    widget?.close();
    await t?.close();
  });

  it('stores the customer message, opens a ticket, pushes it to the agent, and delivers the reply', async () => {
    expect(session.visitorId).toMatch(/^[0-9a-f-]{36}$/);
    const ticketOpened = nextEvent<TicketView>(agent, 'ticket:opened');
    const agentSeesMessage = nextEvent<MessageView>(
      agent,
      'message:new',
      (m) => m.author.kind === 'customer',
    );

    const ack = await emitAck<{ message: MessageView; duplicate: boolean }>(widget, 'message:send', {
      clientMessageId: 'c-1',
      text: 'My blender arrived broken, I want a refund now!',
    });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.data.duplicate).toBe(false);
    // Acknowledged means stored: it is in MongoDB at the moment the ack arrives.
    const stored = await t.app.core.infra.models.Message.findById(ack.data.message.id).lean();
    expect(stored?.text).toBe('My blender arrived broken, I want a refund now!');

    const ticket = await ticketOpened;
    expect(ticket.kind).toBe('complaint');
    expect(['high', 'urgent']).toContain(ticket.priority);
    expect((await agentSeesMessage).id).toBe(ack.data.message.id);

    // The customer is told a person will answer.
    const notice = await nextEvent<MessageView>(widget, 'message:new', (m) => m.author.kind === 'bot');
    expect(notice.text).toMatch(/person will reply/i);

    const replyArrives = nextEvent<MessageView>(widget, 'message:new', (m) => m.author.kind === 'agent');
    const reply = await emitAck<{ message: MessageView; duplicate: boolean }>(agent, 'reply:send', {
      ticketId: ticket.id,
      clientMessageId: 'r-1',
      text: 'So sorry! A replacement is on its way.',
    });
    expect(reply.ok).toBe(true);
    const delivered = await replyArrives;
    expect(delivered.text).toBe('So sorry! A replacement is on its way.');

    const after = await t.app.core.infra.models.Ticket.findById(ticket.id).lean();
    expect(after?.sla?.firstRespondedAt).toBeInstanceOf(Date);
    expect(after?.status).toBe('pending');
  });

  it('acknowledges a resend with the same client message id again and stores it once', async () => {
    const payload = { clientMessageId: 'c-dup', text: 'Do you ship to Canada?' };
    const first = await emitAck<{ message: MessageView; duplicate: boolean }>(
      widget,
      'message:send',
      payload,
    );
    const second = await emitAck<{ message: MessageView; duplicate: boolean }>(
      widget,
      'message:send',
      payload,
    );
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(second.data.duplicate).toBe(true);
    expect(second.data.message.id).toBe(first.data.message.id);
    expect(await t.app.core.infra.models.Message.countDocuments({ clientMessageId: 'c-dup' })).toBe(1);
  });

  it('gives a returning visitor their history, and a forged token a fresh identity', async () => {
    const again = await connect(t.url, '/widget', session);
    const history = await emitAck<{ messages: MessageView[] }>(again, 'history', {});
    expect(history.ok).toBe(true);
    if (history.ok) expect(history.data.messages.map((m) => m.clientMessageId)).toContain('c-1');
    again.close();

    let gotFresh: (s: Session) => void = () => {};
    const freshEvent = new Promise<Session>((resolve) => {
      gotFresh = resolve;
    });
    const forged = await connect(
      t.url,
      '/widget',
      { visitorId: session.visitorId, token: 'not-the-token' },
      { session: (p) => gotFresh(p as Session) },
    );
    const fresh = await freshEvent;
    expect(fresh.visitorId).not.toBe(session.visitorId);
    const none = await emitAck<{ messages: MessageView[] }>(forged, 'history', {});
    expect(none.ok && none.data.messages).toEqual([]);
    forged.close();
  });

  it('answers bad payloads with a clear error, not a crash', async () => {
    const bad = await emitAck(widget, 'message:send', { clientMessageId: 'x', text: '' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const worse = await emitAck(widget, 'message:send', 'just a string');
    expect(worse).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const badReply = await emitAck(agent, 'reply:send', {
      ticketId: 'nope',
      clientMessageId: 'a',
      text: 'hi',
    });
    expect(badReply).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });
});

describe('the widget is delivered to when the message is stored', () => {
  let t: TestApp;
  let widget: Socket;
  beforeAll(async () => {
    // No workers anywhere: no delivery job could run.
    t = await startTestApp('e2e-live', { workers: false });
    widget = await connect(t.url, '/widget', {});
  });
  afterAll(async () => {
    widget?.close();
    await t?.close();
  });

  it("pushes the bot's answer once, records it sent, and queues no delivery job", async () => {
    const pushes: MessageView[] = [];
    widget.on('message:new', (m: MessageView) => pushes.push(m));
    const answer = nextEvent<MessageView>(widget, 'message:new', (m) => m.author.kind === 'bot');
    const ack = await emitAck<{ message: MessageView }>(widget, 'message:send', {
      clientMessageId: 'live-1',
      text: 'Hello!',
    });
    expect(ack.ok).toBe(true);
    const bot = await answer;
    await t.app.ctx.pipeline.drain();
    await new Promise((r) => setTimeout(r, 300));
    expect(pushes.filter((m) => m.id === bot.id)).toHaveLength(1);
    const stored = await t.app.core.infra.models.Message.findById(bot.id).lean();
    expect(stored?.delivery?.status).toBe('sent');
    const jobs = await t.app.core.infra.producers.delivery.getJobCounts();
    expect(Object.values(jobs).reduce((a, b) => a + b, 0)).toBe(0);
  });
});
