import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView, TicketView } from '../../src/core/views/index.js';
import { verifySignature } from '../../src/infra/signed-webhook.js';
import { connect, nextEvent } from '../helpers/sockets.js';
import { login } from '../helpers/staff.js';
import { API_KEY, startTestApp, type TestApp } from '../helpers/test-app.js';
import { readUntil } from '../helpers/wait.js';
import { type ReceivedCall, startWebhookReceiver } from '../helpers/webhook-receiver.js';

const SECRET = 'outbox-test-webhook-secret';

/**
 * Everything said to a customer leaves through the outbox: a delivery job per message, retried
 * with backoff, in order per conversation, its state on the message and the ticket. Shown on
 * the REST channel, whose delivery is a signed webhook call to a receiver started here.
 */
describe('the outbox, through the REST channel and its signed webhook', () => {
  let t: TestApp;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let respond: (call: ReceivedCall, index: number) => number = () => 200;
  let admin: string;
  let agent: Socket;

  beforeAll(async () => {
    receiver = await startWebhookReceiver((call, i) => respond(call, i));
    t = await startTestApp('outbox', {
      env: {
        NLP_SENTENCE_ENCODER: 'false',
        INTEGRATION_WEBHOOK_URL: receiver.url,
        INTEGRATION_WEBHOOK_SECRET: SECRET,
        DELIVERY_MAX_ATTEMPTS: '3',
      },
    });
    admin = await login(t.url);
    agent = await connect(t.url, '/agents', { token: admin });
  });
  afterEach(() => {
    respond = () => 200;
  });
  afterAll(async () => {
    agent?.close();
    await t?.close();
    await receiver?.close();
  });

  const send = async (userId: string, text: string) => {
    const res = await fetch(`${t.url}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify({ userId, clientMessageId: `${userId}-${text.length}`, text }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { ticket: TicketView | null; replies: MessageView[] };
  };
  const reply = async (ticketId: string, clientMessageId: string, text: string) => {
    const res = await fetch(`${t.url}/api/v1/tickets/${ticketId}/replies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ clientMessageId, text }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { message: MessageView }).message;
  };
  const ticketMessages = async (ticketId: string) => {
    const res = await fetch(`${t.url}/api/v1/tickets/${ticketId}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    return (await res.json()) as { ticket: TicketView; messages: MessageView[] };
  };
  const callsFor = (messageId: string) =>
    receiver.calls.filter((c) => c.headers['x-parley-delivery-id'] === messageId);

  it('delivers the bot answer and an agent reply as signed calls, once each, and marks them sent', async () => {
    const { ticket, replies } = await send('u-signed', 'I want to talk to a person please');
    expect(ticket).not.toBeNull();
    const notice = replies[0] as MessageView;
    expect(notice.delivery?.status).toBe('queued');
    const answer = await reply((ticket as TicketView).id, 'r-1', 'Hello, this is Alex.');

    await readUntil(
      () => callsFor(answer.id).length,
      (n) => n === 1,
    );
    for (const m of [notice, answer]) {
      const [call] = callsFor(m.id);
      expect(call, `a call for ${m.id}`).toBeDefined();
      const c = call as ReceivedCall;
      expect(verifySignature(SECRET, c.body, c.headers['x-parley-signature'] as string)).toBe(true);
      expect(
        verifySignature('another secret, sixteen+', c.body, c.headers['x-parley-signature'] as string),
      ).toBe(false);
      expect(c.json).toMatchObject({ type: 'message.outbound', id: m.id, userId: 'u-signed', text: m.text });
    }
    expect(
      (callsFor(answer.id)[0]?.json as { author?: { kind: string; name?: string } } | undefined)?.author,
    ).toEqual({
      kind: 'agent',
      name: 'Admin',
    });
    const { messages } = await readUntil(
      () => ticketMessages((ticket as TicketView).id),
      (v) => v.messages.filter((m) => m.direction === 'out').every((m) => m.delivery?.status === 'sent'),
    );
    expect(messages.filter((m) => m.direction === 'out').map((m) => m.delivery?.status)).toEqual([
      'sent',
      'sent',
    ]);
    // A second enqueue of a delivered message sends nothing (the job id is the message id, and
    // delivery skips what is no longer queued).
    await t.app.core.outbox.enqueue(answer);
    await t.app.core.outbox.revive(answer);
    await new Promise((r) => setTimeout(r, 500));
    expect(callsFor(answer.id)).toHaveLength(1);
  });

  it('retries a failing receiver with backoff and delivers once it answers', async () => {
    const { ticket } = await send('u-retry', 'I want to talk to a person now');
    let failures = 0;
    respond = (call) => {
      const body = call.json as { text?: string };
      if (body.text === 'Retried reply' && failures < 2) {
        failures++;
        return 500;
      }
      return 200;
    };
    const answer = await reply((ticket as TicketView).id, 'r-retry', 'Retried reply');
    const stored = await readUntil(
      () => t.app.core.stores.messages.get(answer.id),
      (m) => m?.delivery?.status === 'sent',
    );
    expect(stored?.delivery).toMatchObject({ status: 'sent', attempts: 2 });
    expect(callsFor(answer.id).map((c) => c.headers['x-parley-delivery-id'])).toEqual([
      answer.id,
      answer.id,
      answer.id,
    ]);
  });

  it('gives up on a refusal, shows the failure on the ticket and tells the console', async () => {
    const { ticket } = await send('u-refused', 'let me speak to a human agent');
    respond = (call) => ((call.json as { text?: string }).text === 'Refused reply' ? 410 : 200);
    const delivery = nextEvent<MessageView>(agent, 'message:delivery', (m) => m.text === 'Refused reply');
    const updated = nextEvent<TicketView>(agent, 'ticket:updated', (tk) => tk.failedDeliveries === 1);
    const answer = await reply((ticket as TicketView).id, 'r-refused', 'Refused reply');
    const failed = await delivery;
    expect(failed.id).toBe(answer.id);
    expect(failed.delivery).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.delivery?.lastError).toMatch(/410/);
    expect((await updated).id).toBe((ticket as TicketView).id);
    expect(callsFor(answer.id)).toHaveLength(1);
  });

  it("delivers one conversation's messages in the order they were written, even when the first must be retried", async () => {
    const { ticket } = await send('u-order', 'I need a person to help me');
    let firstFailed = false;
    respond = (call) => {
      if ((call.json as { text?: string }).text === 'one' && !firstFailed) {
        firstFailed = true;
        return 503;
      }
      return 200;
    };
    const id = (ticket as TicketView).id;
    const written = [
      await reply(id, 'o-1', 'one'),
      await reply(id, 'o-2', 'two'),
      await reply(id, 'o-3', 'three'),
    ];
    await readUntil(
      () => written.every((m) => callsFor(m.id).some((c) => c.headers['x-parley-delivery-id'] === m.id)),
      (v) => v,
    );
    await readUntil(
      () => t.app.core.stores.messages.get(written[2]?.id as string),
      (m) => m?.delivery?.status === 'sent',
    );
    // Each delivered once, in order; the failed first try of "one" came before any "two".
    const order = receiver.calls
      .filter((c) => written.some((m) => m.id === c.headers['x-parley-delivery-id']))
      .map((c) => (c.json as { text: string }).text);
    expect(order).toEqual(['one', 'one', 'two', 'three']);
  });

  it('finishes the follow-up steps of a reply resent after a crash between its insert and its delivery', async () => {
    const { ticket } = await send('u-crash', 'can a human help me with this');
    const id = (ticket as TicketView).id;
    const stored = (await t.app.core.stores.tickets.get(id)) as TicketView;
    // The crash: the reply was stored (queued) but nothing after it ran.
    const account = await t.app.core.stores.staff.findByEmail('admin@test.local');
    const { message } = await t.app.core.stores.messages.insertOnce({
      conversationId: stored.conversationId,
      customerId: stored.customerId,
      channel: stored.channel,
      direction: 'out',
      author: { kind: 'agent', id: account?.id },
      text: 'Stored before the crash',
      clientKey: `agent:${account?.id}:r-crash`,
      clientMessageId: 'r-crash',
      ticketId: id,
      processed: true,
      queueForDelivery: true,
      at: new Date(),
    });
    const res = await fetch(`${t.url}/api/v1/tickets/${id}/replies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ clientMessageId: 'r-crash', text: 'Stored before the crash' }),
    });
    // The console's resend: a duplicate (stored once), and its delivery and first response happen now.
    const body = (await res.json()) as { duplicate: boolean; ticket: TicketView };
    expect(res.status).toBe(200);
    expect(body.duplicate).toBe(true);
    expect(body.ticket.sla.firstRespondedAt).toBeDefined();
    await readUntil(
      () => callsFor(message.id).length,
      (n) => n === 1,
    );
    expect(callsFor(message.id)).toHaveLength(1);
  });
});
