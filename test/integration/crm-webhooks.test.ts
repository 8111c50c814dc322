import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketView } from '../../src/core/views/ticket.js';
import { verifySignature } from '../../src/infra/signed-webhook.js';
import { client } from '../helpers/http.js';
import { login, staffToken } from '../helpers/staff.js';
import { API_KEY, startTestApp, type TestApp } from '../helpers/test-app.js';

interface Received {
  path: string;
  deliveryId: string;
  signatureOk: boolean;
  body: { id: string; type: string; data: Record<string, unknown> };
  answered: number;
}

/**
 * A receiver started in the test: it checks each call's signature with the secret Parley gave
 * out, answers the first call of every event with a 500 (so Parley must retry) and the next with a
 * 200; /gone answers 410 (a permanent refusal).
 */
function startReceiver(secretOf: (path: string) => string | undefined) {
  const received: Received[] = [];
  const seen = new Set<string>();
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      const path = req.url ?? '/';
      const deliveryId = String(req.headers['x-parley-delivery-id'] ?? '');
      const secret = secretOf(path);
      const signatureOk = Boolean(
        secret && verifySignature(secret, raw, String(req.headers['x-parley-signature'])),
      );
      const key = `${path}:${deliveryId}`;
      const answered = path === '/gone' ? 410 : seen.has(key) ? 200 : 500;
      seen.add(key);
      received.push({ path, deliveryId, signatureOk, body: JSON.parse(raw), answered });
      res.writeHead(answered).end();
    });
  });
  return {
    received,
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('outgoing webhooks: signed, retried after a 500 from a queue, one idempotency id per event, logged', () => {
  let t: TestApp;
  let admin: ReturnType<typeof client>;
  const secrets = new Map<string, string>();
  const receiver = startReceiver((path) => secrets.get(path));
  let base: string;

  beforeAll(async () => {
    base = await receiver.listen();
    t = await startTestApp('crmhooks', {
      env: { NLP_SENTENCE_ENCODER: 'false', WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_MAX_ATTEMPTS: '5' },
    });
    admin = client(t.url, { bearer: await login(t.url) });
  });
  afterAll(async () => {
    await t?.close();
    await receiver.close();
  });

  it('lets admins and webhooks:manage tokens manage webhooks, nobody else', async () => {
    const agent = client(t.url, { bearer: await staffToken(t, 'hooks-agent@test.local', 'agent') });
    const manage = client(t.url, {
      apiKey: (
        await admin.post<{ token: string }>('/api/v1/tokens', { name: 'm', scopes: ['webhooks:manage'] })
      ).body.token,
    });
    const other = client(t.url, {
      apiKey: (
        await admin.post<{ token: string }>('/api/v1/tokens', { name: 'o', scopes: ['customers:write'] })
      ).body.token,
    });
    const body = { url: `${base}/managed`, events: ['order.updated'] };
    expect((await client(t.url).post('/api/v1/webhooks', body)).status).toBe(401);
    expect((await agent.post('/api/v1/webhooks', body)).status).toBe(403);
    expect((await other.post('/api/v1/webhooks', body)).status).toBe(403);
    const created = await manage.post<{ webhook: { id: string }; secret: string }>('/api/v1/webhooks', body);
    expect(created.status).toBe(201);
    expect(created.body.secret.length).toBeGreaterThanOrEqual(16);
    const listed = await admin.get<{ webhooks: Record<string, unknown>[] }>('/api/v1/webhooks');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect((await agent.get(`/api/v1/webhooks/${created.body.webhook.id}/deliveries`)).status).toBe(403);
    for (const bad of [
      { url: 'ftp://example.com', events: ['order.updated'] },
      { url: `${base}/x`, events: ['order.deleted'] },
      { url: `${base}/x`, events: [] },
      { url: `${base}/x`, events: ['order.updated'], secret: 'short' },
      { url: { $ne: null }, events: ['order.updated'] },
    ]) {
      expect((await admin.post('/api/v1/webhooks', bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await manage.delete(`/api/v1/webhooks/${created.body.webhook.id}`)).status).toBe(204);
  });

  it('signs every call, retries after a 500 with the same delivery id, and logs each attempt', async () => {
    const hook = await admin.post<{ webhook: { id: string }; secret: string }>('/api/v1/webhooks', {
      url: `${base}/hook`,
      events: ['ticket.opened', 'ticket.updated', 'ticket.resolved', 'customer.updated', 'order.updated'],
    });
    expect(hook.status).toBe(201);
    secrets.set('/hook', hook.body.secret);
    const legacy = client(t.url, { apiKey: API_KEY });

    const customer = await admin.post<{ id: string }>('/api/v1/customers', { name: 'Hooked Customer' });
    await legacy.post('/api/v1/orders', {
      id: 'hook-1',
      customer: { id: 'hooked-user' },
      status: 'paid',
      currency: 'EUR',
      total: 10,
    });
    const complaint = await legacy.post<{ ticket: TicketView }>('/api/v1/complaint', {
      userId: 'hooked-api-user',
      clientMessageId: 'h-1',
      text: 'The kettle leaks, I want my money back',
    });
    // Resolved by staff through the ticket lifecycle; a note on the resolved ticket afterwards
    // is an update, not a second resolution.
    const ticketId = complaint.body.ticket.id;
    expect((await admin.post(`/api/v1/tickets/${ticketId}/resolve`, {})).status).toBe(200);
    expect((await admin.post(`/api/v1/tickets/${ticketId}/notes`, { text: 'Refund sent' })).status).toBe(201);

    const delivered = (type: string, match: (r: Received) => boolean = () => true) =>
      until(`${type} delivered`, () =>
        receiver.received.find(
          (r) => r.path === '/hook' && r.body.type === type && r.answered === 200 && match(r),
        ),
      );
    const c = await delivered(
      'customer.updated',
      (r) => (r.body.data.customer as { id: string }).id === customer.body.id,
    );
    await delivered('order.updated');
    await delivered('ticket.opened');
    await delivered('ticket.resolved');
    await delivered('ticket.updated', (r) => {
      const notes = (r.body.data.ticket as { notes?: { text: string }[] }).notes ?? [];
      return notes.some((n) => n.text === 'Refund sent');
    });

    const calls = receiver.received.filter((r) => r.path === '/hook');
    expect(calls.every((r) => r.signatureOk)).toBe(true);
    // Each event was refused once and accepted once, under one idempotency id.
    const forEvent = calls.filter((r) => r.deliveryId === c.deliveryId);
    expect(forEvent.map((r) => r.answered)).toEqual([500, 200]);
    expect(c.deliveryId).toBe(c.body.id);

    const log = await admin.get<{
      deliveries: {
        eventId: string;
        eventType: string;
        status: string;
        attempts: number;
        log: { statusCode?: number }[];
      }[];
    }>(`/api/v1/webhooks/${hook.body.webhook.id}/deliveries`);
    expect(log.status).toBe(200);
    const entry = log.body.deliveries.find((d) => d.eventId === c.deliveryId);
    expect(entry).toMatchObject({ eventType: 'customer.updated', status: 'delivered', attempts: 2 });
    expect(entry?.log.map((l) => l.statusCode)).toEqual([500, 200]);
    // Several processes announcing one change store it once.
    const m = t.app.core.infra.models;
    expect(await m.WebhookEvent.countDocuments({ type: 'ticket.resolved', 'data.ticket.id': ticketId })).toBe(
      1,
    );
    expect(await m.WebhookDelivery.countDocuments({ eventId: c.deliveryId })).toBe(1);
  });

  it('gives up on a permanent refusal (410) after one attempt, and marks it failed in the log', async () => {
    const hook = await admin.post<{ webhook: { id: string }; secret: string }>('/api/v1/webhooks', {
      url: `${base}/gone`,
      events: ['customer.updated'],
    });
    secrets.set('/gone', hook.body.secret);
    await admin.post('/api/v1/customers', { name: 'Nobody Listens' });
    const failed = await until('a failed delivery', async () => {
      const log = await admin.get<{
        deliveries: { status: string; attempts: number; lastStatusCode?: number }[];
      }>(`/api/v1/webhooks/${hook.body.webhook.id}/deliveries`);
      return log.body.deliveries.find((d) => d.status === 'failed');
    });
    expect(failed).toMatchObject({ attempts: 1, lastStatusCode: 410 });
    expect(receiver.received.filter((r) => r.path === '/gone')).toHaveLength(1);
  });
});
