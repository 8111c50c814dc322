import { SignJWT } from 'jose';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/core/views/message.js';
import { signatureHeader } from '../../src/infra/signed-webhook.js';
import { addStaff, openConsole, waitFor } from '../helpers/console.js';
import { call, client } from '../helpers/http.js';
import { connect, emitAck, nextEvent } from '../helpers/sockets.js';
import { login } from '../helpers/staff.js';
import { API_KEY, startTestApp, type TestApp } from '../helpers/test-app.js';

const SHOP_SECRET = 'shop-webhook-secret-0123456789';
const IDENTITY_SECRET = 'widget-identity-secret-0123456789-abcdef';

type Order = {
  id: string;
  number: string;
  customerId: string;
  status: string;
  history: { status: string; at: string; note?: string }[];
  trackingNumber?: string;
};
type Report = { order: Order; created: boolean; changed: boolean };
type Identity = { verified: boolean; name?: string; error?: { code: string; message: string } };

const sign = (sub: string, opts: { secret?: string; exp?: string | number; name?: string } = {}) => {
  const jwt = new SignJWT({ ...(opts.name ? { name: opts.name } : {}), email: `${sub}@example.com` })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt();
  if (opts.exp !== undefined) jwt.setExpirationTime(opts.exp);
  else jwt.setExpirationTime('5m');
  return jwt.sign(new TextEncoder().encode(opts.secret ?? IDENTITY_SECRET));
};

describe('orders from the shop, verified widget visitors, and consultations and complaints from integrations', () => {
  let t: TestApp;
  let admin: ReturnType<typeof client>;
  let legacy: ReturnType<typeof client>;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startTestApp('crmorders', {
      env: {
        NLP_SENTENCE_ENCODER: 'false',
        SHOP_WEBHOOK_SECRET: SHOP_SECRET,
        WIDGET_IDENTITY_SECRET: IDENTITY_SECRET,
      },
    });
    admin = client(t.url, { bearer: await login(t.url) });
    legacy = client(t.url, { apiKey: API_KEY });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  const shop = (order: unknown, opts: { secret?: string; at?: Date; header?: string | null } = {}) => {
    const raw = JSON.stringify(order);
    const header: Record<string, string> =
      opts.header === null
        ? {}
        : { 'x-parley-signature': opts.header ?? signatureHeader(opts.secret ?? SHOP_SECRET, raw, opts.at) };
    return call<Report>(t.url, 'POST', '/api/v1/webhooks/shop/orders', {}, raw, header);
  };
  const order = (id: string, status: string, extra: Record<string, unknown> = {}) => ({
    id,
    customer: { id: 'cust-42', email: 'kim@example.com', name: 'Kim Doe' },
    status,
    currency: 'EUR',
    total: 138,
    items: [{ sku: 'KET-1', name: 'Aurora glass kettle', quantity: 1, unitPrice: 49 }],
    ...extra,
  });

  it('takes signed shop webhooks only, idempotent on the order id, each step once with its time', async () => {
    const body = order('10023', 'created', { placedAt: '2026-01-10T09:00:00.000Z' });
    expect((await shop(body, { header: null })).status).toBe(401);
    expect((await shop(body, { secret: 'another-secret-0123456789' })).status).toBe(401);
    expect((await shop(body, { at: new Date(Date.now() - 3600_000) })).status).toBe(401);
    expect((await shop(body, { header: 't=1,v1=deadbeef' })).status).toBe(401);

    const first = await shop(body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      created: true,
      changed: true,
      order: { number: '10023', status: 'created' },
    });
    const again = await shop(body);
    expect(again.status).toBe(200);
    expect(again.body.changed).toBe(false);

    const paid = await shop(order('10023', 'paid', { statusAt: '2026-01-10T09:05:00.000Z' }));
    expect(paid.body.order.status).toBe('paid');
    const shipped = await shop(
      order('10023', 'shipped', {
        statusAt: '2026-01-11T14:00:00.000Z',
        carrier: 'DHL',
        trackingNumber: 'JD0146',
      }),
    );
    expect(shipped.body.order).toMatchObject({ status: 'shipped', trackingNumber: 'JD0146' });
    // A late report of an earlier step, or a step the order cannot take now, changes nothing.
    const late = await shop(order('10023', 'paid'));
    expect(late.body).toMatchObject({ changed: false, order: { status: 'shipped' } });
    const cancel = await shop(order('10023', 'cancelled'));
    expect(cancel.body.order.status).toBe('shipped');
    expect(shipped.body.order.history.map((h) => [h.status, h.at])).toEqual([
      ['created', '2026-01-10T09:00:00.000Z'],
      ['paid', '2026-01-10T09:05:00.000Z'],
      ['shipped', '2026-01-11T14:00:00.000Z'],
    ]);
    // What segmentation clusters on moves with the shop's orders: counted once, refunds taken off.
    const m = t.app.core.infra.models;
    const features = async () =>
      (await m.Customer.findById(first.body.order.customerId, { features: 1 }).lean())?.features;
    expect(await features()).toMatchObject({ frequency: 1, monetary: 138 });
    const refundable = order('ref-1', 'paid', { total: 20 });
    await shop(refundable);
    await shop(refundable);
    expect(await features()).toMatchObject({ frequency: 2, monetary: 158 });
    await shop(order('ref-1', 'refunded', { total: 20 }));
    await shop(order('ref-1', 'refunded', { total: 20 }));
    expect(await features()).toMatchObject({ frequency: 2, monetary: 138 });

    // Bad bodies, correctly signed, are 400s.
    for (const bad of [
      { ...order('x1', 'created'), extra: 1 },
      { ...order('x2', 'created'), total: -1 },
      { ...order('x3', 'created'), currency: 'euro' },
      { ...order('x4', 'teleported') },
      { ...order('x5', 'created'), customer: { id: { $ne: null } } },
      { ...order('$where', 'created') },
    ]) {
      const res = await shop(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
  });

  it('creates a new order once when the shop sends it many times at once', async () => {
    const body = order('20001', 'paid', { customer: { id: 'burst-user', name: 'Bea Burst' } });
    const results = await Promise.all(Array.from({ length: 8 }, () => shop(body)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    const m = t.app.core.infra.models;
    expect(await m.Order.countDocuments({ externalId: '20001' })).toBe(1);
    const owner = await m.Customer.findById(results[0]?.body.order.customerId).lean();
    expect(owner?.stats?.orders).toBe(1);
    expect(owner?.stats?.totalSpent).toBe(138);
    expect(owner?.features).toMatchObject({ frequency: 1, monetary: 138 });
    expect(await m.Identity.countDocuments({ channel: 'site_user', externalId: 'burst-user' })).toBe(1);
  });

  it('lets orders be read with orders:read and written with orders:write; staff read them', async () => {
    const tokenWith = async (...scopes: string[]) =>
      client(t.url, {
        apiKey: (await admin.post<{ token: string }>('/api/v1/tokens', { name: 'o', scopes })).body.token,
      });
    const reader = await tokenWith('orders:read');
    const writer = await tokenWith('orders:write');
    const customers = await tokenWith('customers:read', 'customers:write');
    const body = order('30001', 'created', { customer: { id: 'api-orders-user' } });
    expect((await client(t.url).post('/api/v1/orders', body)).status).toBe(401);
    expect((await reader.post('/api/v1/orders', body)).status).toBe(403);
    expect((await customers.post('/api/v1/orders', body)).status).toBe(403);
    const created = await writer.post<Report>('/api/v1/orders', body);
    expect(created.status).toBe(201);
    expect((await writer.get('/api/v1/orders')).status).toBe(403);
    expect((await customers.get('/api/v1/orders')).status).toBe(403);
    const list = await reader.get<{ orders: Order[] }>(
      `/api/v1/orders?customerId=${created.body.order.customerId}`,
    );
    expect(list.body.orders.map((o) => o.number)).toEqual(['30001']);
    expect((await admin.get<Order>(`/api/v1/orders/${created.body.order.id}`)).body.number).toBe('30001');
    expect((await admin.get('/api/v1/orders?status=lost')).status).toBe(400);
  });

  /** A widget socket; `identified` and `renewed` resolve when the server sends `identity` / `session`. */
  const widget = async (auth: Record<string, unknown> = {}) => {
    let session: { visitorId: string; token: string } | undefined;
    let identity: Identity | undefined;
    let identified: (r: Identity) => void = () => {};
    let renewed: (s: { visitorId: string; token: string }) => void = () => {};
    const identityEvent = new Promise<Identity>((resolve) => {
      identified = resolve;
    });
    const sessionEvent = new Promise<{ visitorId: string; token: string }>((resolve) => {
      renewed = resolve;
    });
    const socket = await connect(t.url, '/widget', auth, {
      session: (s) => {
        session = s as { visitorId: string; token: string };
        renewed(session);
      },
      identity: (r) => {
        identity = r as Identity;
        identified(identity);
      },
    });
    sockets.push(socket);
    return {
      socket,
      session: () => session,
      identity: () => identity,
      identified: () => identityEvent,
      renewed: () => sessionEvent,
    };
  };
  let n = 0;
  const ask = async (socket: Socket, text: string) => {
    const reply = nextEvent<MessageView>(socket, 'message:new', (m) => m.author.kind === 'bot');
    const ack = await emitAck<{ message: MessageView }>(socket, 'message:send', {
      clientMessageId: `w-${++n}`,
      text,
    });
    expect(ack.ok).toBe(true);
    return (await reply).text;
  };

  it('answers a verified visitor "where is my order 10023" with its status; anonymous and forged visitors do not get it', async () => {
    const verified = await widget({ identityToken: await sign('cust-42', { name: 'Kim Doe' }) });
    expect(await verified.identified()).toMatchObject({ verified: true, name: 'Kim Doe' });
    const answer = await ask(verified.socket, 'Where is my order 10023?');
    expect(answer).toContain('10023');
    expect(answer).toMatch(/shipped/i);
    expect(answer).toContain('JD0146');

    const anonymous = await widget();
    const anonymousAnswer = await ask(anonymous.socket, 'Where is my order 10023?');
    expect(anonymousAnswer).not.toMatch(/shipped|JD0146/i);
    expect(anonymousAnswer).toMatch(/couldn't find/i);

    const forged = await widget({
      identityToken: await sign('cust-42', { secret: 'not-the-site-secret-0123456789-xyz' }),
    });
    expect(await forged.identified()).toMatchObject({ verified: false, error: { code: 'unauthorized' } });
    expect(forged.identity()?.error?.message).toMatch(/not signed/);
    const forgedAnswer = await ask(forged.socket, 'Where is my order 10023?');
    expect(forgedAnswer).not.toMatch(/shipped|JD0146/i);

    const expired = await widget({
      identityToken: await sign('cust-42', { exp: Math.floor(Date.now() / 1000) - 120 }),
    });
    expect((await expired.identified()).error?.message).toMatch(/expired/);
    const none = await emitAck<Identity>(anonymous.socket, 'identify', { token: 'not.a.jwt' });
    expect(none).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const alg = await emitAck<Identity>(anonymous.socket, 'identify', { token: { $ne: null } });
    expect(alg).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });

  it("shows the console's customer sidebar the whole customer: identities, orders, open needs and logged interactions", async () => {
    const visitor = await widget({ identityToken: await sign('cust-42', { name: 'Kim Doe' }) });
    expect((await visitor.identified()).verified).toBe(true);
    const visitorId = (await visitor.renewed()).visitorId;
    expect(await ask(visitor.socket, 'I want to talk to a human please')).toMatch(/person/i);
    const m = t.app.core.infra.models;
    const site = await m.Identity.findOne({ channel: 'site_user', externalId: 'cust-42' }).lean();
    const customerId = String(site?.customerId);
    const ticket = await m.Ticket.findOne({ customerId }).sort({ createdAt: -1 }).lean();
    expect(ticket).toBeTruthy();
    const ticketId = String(ticket?._id);

    const need = await admin.post<{ id: string }>(`/api/v1/tickets/${ticketId}/needs`, {
      title: 'A spare lid for the kettle',
    });
    expect(need.status).toBe(201);
    const dropped = await admin.post<{ id: string }>(`/api/v1/customers/${customerId}/needs`, {
      title: 'Gift wrapping',
    });
    expect((await admin.post(`/api/v1/needs/${dropped.body.id}/status`, { status: 'dropped' })).status).toBe(
      200,
    );
    expect(
      (
        await admin.post(`/api/v1/customers/${customerId}/interactions`, {
          kind: 'call',
          direction: 'in',
          summary: 'Called about the delivery date',
        })
      ).status,
    ).toBe(201);

    type Context = {
      customer: { id: string; name?: string; email?: string; stats: { orders: number } };
      identities: { channel: string; externalId: string; verified?: boolean }[];
      orders: { number: string; status: string }[];
      needs: { id: string; title: string; status: string }[];
      notes: { kind: string; summary: string }[];
    };
    const context = await admin.get<Context>(`/api/v1/tickets/${ticketId}/context`);
    expect(context.status).toBe(200);
    const c = context.body;
    expect(c.customer).toMatchObject({ id: customerId, name: 'Kim Doe', email: 'kim@example.com' });
    expect(c.identities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: 'site_user', externalId: 'cust-42', verified: true }),
        expect.objectContaining({ channel: 'widget', externalId: visitorId }),
      ]),
    );
    expect(c.orders.map((o) => o.number)).toContain('10023');
    expect(c.customer.stats.orders).toBeGreaterThanOrEqual(1);
    // Open needs only: the dropped one is not shown.
    expect(c.needs.map((n) => n.title)).toEqual(['A spare lid for the kettle']);
    expect(c.notes).toEqual([
      expect.objectContaining({ kind: 'call', summary: 'Called about the delivery date' }),
    ]);
  });

  it("brings an anonymous visitor's conversation along when they identify, and never shows it to another visitor", async () => {
    const visitor = await widget();
    const session = await visitor.renewed();
    expect(session).toBeDefined();
    await ask(visitor.socket, 'Hello there!');
    const before = await emitAck<{ messages: MessageView[] }>(visitor.socket, 'history', {});
    expect(before.ok && before.data.messages.length).toBe(2);

    const linked = await emitAck<Identity>(visitor.socket, 'identify', {
      token: await sign('cust-77', { name: 'Lee' }),
    });
    expect(linked).toMatchObject({ ok: true, data: { verified: true, name: 'Lee' } });
    const after = await emitAck<{ messages: MessageView[] }>(visitor.socket, 'history', {});
    expect(after.ok && after.data.messages.map((m) => m.text)).toContain('Hello there!');
    const m = t.app.core.infra.models;
    const site = await m.Identity.findOne({ channel: 'site_user', externalId: 'cust-77' }).lean();
    const widgetId = await m.Identity.findOne({ channel: 'widget', externalId: session?.visitorId }).lean();
    expect(String(widgetId?.customerId)).toBe(String(site?.customerId));

    // The same browser later, without the user's token (signed out, or someone else): a new
    // visitor with nothing of the user's conversation.
    const next = await widget({ visitorId: session?.visitorId, token: session?.token });
    expect((await next.renewed()).visitorId).not.toBe(session?.visitorId);
    const nothing = await emitAck<{ messages: MessageView[] }>(next.socket, 'history', {});
    expect(nothing.ok && nothing.data.messages).toEqual([]);

    // Another signed-in user on that browser: a new visitor too, linked to their own record only.
    const other = await widget({
      visitorId: session?.visitorId,
      token: session?.token,
      identityToken: await sign('cust-88'),
    });
    expect((await other.identified()).verified).toBe(true);
    expect(other.session()?.visitorId).not.toBe(session?.visitorId);
    const theirs = await emitAck<{ messages: MessageView[] }>(other.socket, 'history', {});
    expect(theirs.ok && theirs.data.messages).toEqual([]);

    // The user back with their token on that browser sees their conversation again.
    const back = await widget({
      visitorId: session?.visitorId,
      token: session?.token,
      identityToken: await sign('cust-77'),
    });
    expect((await back.identified()).verified).toBe(true);
    // Its own visitor record was kept: no new session was issued.
    expect(back.session()).toBeUndefined();
    const again = await emitAck<{ messages: MessageView[] }>(back.socket, 'history', {});
    expect(again.ok && again.data.messages.map((x) => x.text)).toContain('Hello there!');
  });

  it('opens consultations and complaints from integrations through the same pipeline, once per client message id', async () => {
    // Routed and assigned as the bot's hand-offs are: by language, then skill.
    const ann = await addStaff(t, 'Ann', 'agent', { languages: ['en'], skills: ['complaint'], capacity: 20 });
    const bo = await addStaff(t, 'Bo', 'agent', { languages: ['zh'], capacity: 20 });
    sockets.push(await openConsole(t, ann), await openConsole(t, bo));
    const assigneeOf = async (ticketId: string | undefined, who: string) => {
      await waitFor(
        async () => (await t.app.core.stores.tickets.get(ticketId ?? ''))?.assigneeId === who,
        `ticket ${ticketId} assigned to ${who}`,
      );
      return true;
    };
    const tokenWith = async (...scopes: string[]) =>
      client(t.url, {
        apiKey: (await admin.post<{ token: string }>('/api/v1/tokens', { name: 'c', scopes })).body.token,
      });
    const tickets = await tokenWith('tickets:write');
    const messagesOnly = await tokenWith('messages:write');
    type CaseResult = {
      duplicate: boolean;
      ticket: { id: string; kind: string; priority: string } | null;
      replies: { text: string }[];
    };
    // A greeting would get a bot answer in the chat; here it reaches a person as the kind asked for.
    const consult = await tickets.post<CaseResult>('/api/v1/consult', {
      userId: 'int-user-1',
      clientMessageId: 'c-1',
      text: 'Hello there!',
    });
    expect(consult.status).toBe(201);
    expect(consult.body.ticket?.kind).toBe('consultation');
    expect(consult.body.replies[0]?.text).toMatch(/a person will reply/i);
    const resend = await tickets.post<CaseResult>('/api/v1/consult', {
      userId: 'int-user-1',
      clientMessageId: 'c-1',
      text: 'Hello there!',
    });
    expect(resend.status).toBe(200);
    expect(resend.body.duplicate).toBe(true);
    const complaint = await tickets.post<CaseResult>('/api/v1/complaint', {
      userId: 'int-user-2',
      clientMessageId: 'c-2',
      text: 'This is the third time the delivery failed, I am furious, refund me now!',
    });
    expect(complaint.status).toBe(201);
    expect(complaint.body.ticket?.kind).toBe('complaint');
    expect(['high', 'urgent']).toContain(complaint.body.ticket?.priority);
    expect(await assigneeOf(complaint.body.ticket?.id, ann.id)).toBe(true);
    const chinese = await tickets.post<CaseResult>('/api/v1/consult', {
      userId: 'int-user-3',
      clientMessageId: 'c-zh',
      text: '你好，我想咨询一下退货政策',
    });
    expect(chinese.status).toBe(201);
    expect(chinese.body.ticket?.kind).toBe('consultation');
    expect(await assigneeOf(chinese.body.ticket?.id, bo.id)).toBe(true);
    expect(
      (await messagesOnly.post('/api/v1/complaint', { userId: 'u', clientMessageId: 'c-3', text: 'x' }))
        .status,
    ).toBe(403);
    expect(
      (await client(t.url).post('/api/v1/consult', { userId: 'u', clientMessageId: 'c-4', text: 'x' }))
        .status,
    ).toBe(401);
    expect(
      (await tickets.post('/api/v1/consult', { userId: 'u', clientMessageId: 'c-5', text: '' })).status,
    ).toBe(400);
    expect(
      (await tickets.post('/api/v1/consult', { userId: { $ne: 1 }, clientMessageId: 'c-6', text: 'x' }))
        .status,
    ).toBe(400);
    // Messages need messages:write; the legacy key still has it.
    expect(
      (await tickets.post('/api/v1/messages', { userId: 'u', clientMessageId: 'c-7', text: 'hi' })).status,
    ).toBe(403);
    expect(
      (await messagesOnly.post('/api/v1/messages', { userId: 'u', clientMessageId: 'c-8', text: 'hi' }))
        .status,
    ).toBe(201);
    expect(
      (await legacy.post('/api/v1/messages', { userId: 'u', clientMessageId: 'c-9', text: 'hi' })).status,
    ).toBe(201);
  });
});
