import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../helpers/http.js';
import { login, staffToken } from '../helpers/staff.js';
import { API_KEY, startTestApp, type TestApp } from '../helpers/test-app.js';

/** Strings only this customer's personal data contains: none may remain anywhere after an erasure. */
const PERSONAL = {
  name: 'Quentin Privacyson',
  email: 'quentin.privacyson@example.org',
  phone: '+44 20 7946 0958',
  apiUser: 'crm-user-quentin-7731',
  slack: 'UQUENTIN77',
  message: 'my flat is at 12 Rosewood Lane, please leave the parcel with the concierge',
  interaction: 'Quentin called about his wedding list',
  need: 'Quentin needs a gift registry',
  attribute: 'loves-green-tea-quentin',
  tracking: 'TRACKQUENTIN001',
  note: 'left with neighbour Quentin Senior',
};

describe('privacy: consent with when and how, export then erase leaves no personal field', () => {
  let t: TestApp;
  let admin: ReturnType<typeof client>;
  let agent: ReturnType<typeof client>;
  let customerId: string;

  beforeAll(async () => {
    t = await startTestApp('crmprivacy', { env: { NLP_SENTENCE_ENCODER: 'false' } });
    admin = client(t.url, { bearer: await login(t.url) });
    agent = client(t.url, { bearer: await staffToken(t, 'privacy-agent@test.local', 'agent') });
    const legacy = client(t.url, { apiKey: API_KEY });
    // Everything a customer leaves behind: messages and a ticket, a logged call, a need, an order
    // with a tracking number and a note, identities, attributes, consent, an outgoing webhook.
    await admin.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/nowhere', events: ['customer.updated'] });
    const msg = await legacy.post<{ message: { customerId: string } }>('/api/v1/complaint', {
      userId: PERSONAL.apiUser,
      clientMessageId: 'p-1',
      text: `The parcel never came: ${PERSONAL.message}`,
      name: PERSONAL.name,
      email: PERSONAL.email,
    });
    customerId = msg.body.message.customerId;
    await agent.patch(`/api/v1/customers/${customerId}`, {
      phone: PERSONAL.phone,
      attributes: { hobby: PERSONAL.attribute },
      addTags: ['vip'],
    });
    await agent.post(`/api/v1/customers/${customerId}/identities`, {
      kind: 'slack',
      externalId: PERSONAL.slack,
    });
    await agent.post(`/api/v1/customers/${customerId}/interactions`, {
      kind: 'call',
      summary: PERSONAL.interaction,
    });
    await agent.post(`/api/v1/customers/${customerId}/needs`, {
      title: PERSONAL.need,
      description: PERSONAL.need,
    });
    await agent.post(`/api/v1/customers/${customerId}/identities`, {
      kind: 'site_user',
      externalId: 'quentin-site',
    });
    await legacy.post('/api/v1/orders', {
      id: 'privacy-1',
      customer: { id: 'quentin-site' },
      status: 'shipped',
      currency: 'GBP',
      total: 80,
      carrier: 'Royal Mail',
      trackingNumber: PERSONAL.tracking,
      note: PERSONAL.note,
    });
  });
  afterAll(async () => t?.close());

  it('records marketing consent with when and how; an unsubscribe withdraws it; audited', async () => {
    type C = { marketingConsent?: { granted: boolean; at: string; source: string }; unsubscribedAt?: string };
    const granted = await agent.put<C>(`/api/v1/customers/${customerId}/consent`, {
      granted: true,
      source: 'signup form',
    });
    expect(granted.status).toBe(200);
    expect(granted.body.marketingConsent).toMatchObject({ granted: true, source: 'signup form' });
    expect(Date.parse(granted.body.marketingConsent?.at ?? '')).toBeGreaterThan(Date.now() - 60_000);
    const raw = await t.app.core.infra.models.Customer.findById(customerId).lean();
    expect(raw?.marketingOptOut).toBe(false);

    const out = await agent.put<C>(`/api/v1/customers/${customerId}/consent`, {
      granted: false,
      source: 'unsubscribe link',
    });
    expect(out.body.marketingConsent?.granted).toBe(false);
    expect(out.body.unsubscribedAt).toBeDefined();
    expect((await t.app.core.infra.models.Customer.findById(customerId).lean())?.marketingOptOut).toBe(true);
    const back = await agent.put<C>(`/api/v1/customers/${customerId}/consent`, {
      granted: true,
      source: 'phone call',
    });
    expect(back.body.unsubscribedAt).toBeUndefined();
    expect(await t.app.core.infra.models.AuditLog.countDocuments({ action: 'customer.consent' })).toBe(3);
  });

  it('exports everything about the customer as one JSON document (admins only, audited)', async () => {
    expect((await agent.get(`/api/v1/customers/${customerId}/export`)).status).toBe(403);
    type Export = { customer: Record<string, unknown> } & Record<
      'messages' | 'tickets' | 'orders' | 'interactions' | 'needs' | 'identities',
      unknown[]
    >;
    const res = await admin.get<Export>(`/api/v1/customers/${customerId}/export`);
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    for (const [what, value] of Object.entries(PERSONAL)) expect(text, what).toContain(value);
    expect(res.body.customer).toMatchObject({ name: PERSONAL.name, email: PERSONAL.email });
    expect(res.body.messages.length).toBeGreaterThanOrEqual(2);
    expect(res.body.tickets).toHaveLength(1);
    expect(res.body.orders).toHaveLength(1);
    expect(res.body.interactions).toHaveLength(1);
    expect(res.body.needs).toHaveLength(1);
    expect(res.body.identities).toHaveLength(3);
    expect(text).not.toContain('searchKeys');
    expect(await t.app.core.infra.models.AuditLog.countDocuments({ action: 'customer.export' })).toBe(1);
  });

  it('erases the personal data everywhere, keeps tickets and figures anonymised (admins only, audited, repeatable)', async () => {
    expect((await agent.delete(`/api/v1/customers/${customerId}`)).status).toBe(403);
    const m = t.app.core.infra.models;
    const ticketsBefore = await m.Ticket.countDocuments({ customerId });
    // An email campaign reached them, and one attempt waits for a retry: their address and name
    // are in the campaign's records too (the scan below reads every collection).
    const campaignId = new Types.ObjectId();
    const deliveryId = new Types.ObjectId();
    await m.Delivery.create({
      _id: deliveryId,
      campaignId,
      customerId,
      email: PERSONAL.email,
      name: PERSONAL.name,
      seq: 0,
      createdAt: new Date(),
    });
    await m.DeliveryRetry.create({
      _id: `${campaignId}:1`,
      campaignId,
      seq: 1,
      retries: 0,
      deliveryId,
      customerId,
      email: PERSONAL.email,
      name: PERSONAL.name,
      attempt: 2,
      notBefore: new Date(),
    });
    const exported = await admin.get<{ campaignDeliveries: unknown[] }>(
      `/api/v1/customers/${customerId}/export`,
    );
    expect(JSON.stringify(exported.body.campaignDeliveries)).toContain(PERSONAL.email);
    const erased = await admin.delete<{ erased: Record<string, number> }>(`/api/v1/customers/${customerId}`);
    expect(erased.status).toBe(200);
    expect(erased.body.erased.identities).toBe(3);

    // No personal value anywhere in the database: every document of every collection is read.
    const db = t.app.core.infra.mongo.db;
    if (!db) throw new Error('no database');
    for (const { name } of await db.listCollections().toArray()) {
      const docs = await db.collection(name).find({}).toArray();
      const text = JSON.stringify(docs);
      for (const [what, value] of Object.entries(PERSONAL)) {
        expect(text.includes(value), `${what} is still in ${name}`).toBe(false);
      }
    }
    // Tickets, orders and figures stay, anonymised.
    expect(await m.Ticket.countDocuments({ customerId })).toBe(ticketsBefore);
    const order = await m.Order.findOne({ externalId: 'privacy-1' }).lean();
    expect(order).toMatchObject({ total: 80, status: 'shipped', currency: 'GBP' });
    const view = await admin.get<{
      name?: string;
      erasedAt?: string;
      stats: { orders: number };
      identities: unknown[];
    }>(`/api/v1/customers/${customerId}`);
    expect(view.status).toBe(200);
    expect(view.body.name).toBeUndefined();
    expect(view.body.erasedAt).toBeDefined();
    expect(view.body.identities).toEqual([]);
    expect(view.body.stats.orders).toBe(1);
    expect((await admin.get<{ customers: unknown[] }>('/api/v1/customers?q=quentin')).body.customers).toEqual(
      [],
    );
    expect((await agent.patch(`/api/v1/customers/${customerId}`, { name: 'x' })).status).toBe(409);
    expect(await m.AuditLog.countDocuments({ action: 'customer.erase', 'target.id': customerId })).toBe(1);
    // Again: nothing left to do, still fine.
    expect((await admin.delete(`/api/v1/customers/${customerId}`)).status).toBe(200);
    // The channel's next message is a new, unknown customer.
    const again = await client(t.url, { apiKey: API_KEY }).post<{ message: { customerId: string } }>(
      '/api/v1/messages',
      {
        userId: PERSONAL.apiUser,
        clientMessageId: 'p-2',
        text: 'hello',
      },
    );
    expect(again.body.message.customerId).not.toBe(customerId);
  });
});
