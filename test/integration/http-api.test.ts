import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../helpers/sockets.js';
import { login } from '../helpers/staff.js';
import { API_KEY, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('HTTP API: health, sign-in, roles and bad input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('http');
  });
  afterAll(async () => t?.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('reports live and ready with MongoDB and Redis checked', async () => {
    expect((await fetch(`${t.url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${t.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { mongodb: 'ok', redis: 'ok', schedulers: 'ok' },
    });
  });

  it('refuses a wrong password and unsigned requests, and logs the failure', async () => {
    const wrong = await post('/api/v1/auth/login', { email: 'admin@test.local', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'unauthorized' });
    expect(await t.app.core.infra.models.AuditLog.countDocuments({ action: 'auth.login_failed' })).toBe(1);
    expect((await fetch(`${t.url}/api/v1/tickets`)).status).toBe(401);
    const forged = await fetch(`${t.url}/api/v1/tickets`, { headers: { authorization: 'Bearer forged' } });
    expect(forged.status).toBe(401);
  });

  it('refuses further sign-ins for an email after 10 failures, even with the right password', async () => {
    const { staff } = t.app.ctx.useCases;
    await staff.create({ email: 'target@test.local', name: 'T', role: 'agent', password: 'right-password' });
    for (let i = 0; i < 10; i++) {
      expect(
        (await post('/api/v1/auth/login', { email: 'target@test.local', password: `guess-${i}` })).status,
      ).toBe(401);
    }
    const blocked = await post('/api/v1/auth/login', {
      email: 'target@test.local',
      password: 'right-password',
    });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await blocked.json()).toMatchObject({ error: 'too_many_attempts' });
    // Other accounts are not affected.
    expect(
      (await post('/api/v1/auth/login', { email: 'admin@test.local', password: 'correct horse battery' }))
        .status,
    ).toBe(200);
  });

  it('refuses an agents socket without a valid session', async () => {
    await expect(connect(t.url, '/agents')).rejects.toThrow(/unauthorized/);
    await expect(connect(t.url, '/agents', { token: 'made-up' })).rejects.toThrow(/unauthorized/);
  });

  it('ends a session on logout', async () => {
    const token = await login(t.url);
    const me = await fetch(`${t.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ email: 'admin@test.local', role: 'admin' });
    const out = await fetch(`${t.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(out.status).toBe(204);
    expect(
      (await fetch(`${t.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(401);
  });

  it('takes integration messages with an API key, once per client message id', async () => {
    const body = { userId: 'crm-7', clientMessageId: 'i-1', text: 'Do you have this sofa in blue?' };
    expect((await post('/api/v1/messages', body)).status).toBe(401);
    expect((await post('/api/v1/messages', body, { 'x-api-key': 'wrong-key-wrong-key' })).status).toBe(401);
    const first = await post('/api/v1/messages', body, { 'x-api-key': API_KEY });
    expect(first.status).toBe(201);
    const created = (await first.json()) as { duplicate: boolean; ticket: { kind: string } };
    expect(created.ticket.kind).toBe('consultation');
    const again = await post('/api/v1/messages', body, { 'x-api-key': API_KEY });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
  });

  it('answers bad input with 4xx and a message, never 500', async () => {
    const h = { 'x-api-key': API_KEY };
    const cases: [string, unknown, number][] = [
      ['/api/v1/messages', '{not json', 400],
      ['/api/v1/messages', { userId: 'a', clientMessageId: 'b' }, 400],
      ['/api/v1/messages', { userId: 'a', clientMessageId: 'b', text: '' }, 400],
      ['/api/v1/messages', { userId: 'a', clientMessageId: 'has spaces', text: 'x' }, 400],
      ['/api/v1/messages', { userId: 'a', clientMessageId: 'b', text: 'x'.repeat(10001) }, 400],
      ['/api/v1/messages', { userId: 'a', clientMessageId: 'b', text: 'x', extra: 1 }, 400],
      ['/api/v1/auth/login', { email: 'a' }, 400],
    ];
    for (const [path, body, status] of cases) {
      const res = await post(path, body, h);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(status);
      const json = (await res.json()) as { message?: string };
      expect(json.message).toBeTruthy();
    }
    const token = await login(t.url);
    const auth = { authorization: `Bearer ${token}` };
    expect((await fetch(`${t.url}/api/v1/tickets/not-an-id`, { headers: auth })).status).toBe(400);
    expect((await fetch(`${t.url}/api/v1/tickets/0123456789abcdef01234567`, { headers: auth })).status).toBe(
      404,
    );
    expect((await fetch(`${t.url}/api/v1/tickets?limit=9999`, { headers: auth })).status).toBe(400);
    expect((await fetch(`${t.url}/api/v1/nowhere`)).status).toBe(404);
  });

  it("lets an agent answer unassigned tickets but not another agent's", async () => {
    const { staff } = t.app.ctx.useCases;
    await staff.create({ email: 'ann@test.local', name: 'Ann', role: 'agent', password: 'ann-password' });
    await staff.create({ email: 'bob@test.local', name: 'Bob', role: 'agent', password: 'bob-password' });
    const res = await post(
      '/api/v1/messages',
      { userId: 'crm-8', clientMessageId: 'q-1', text: 'Can I pay by invoice?' },
      { 'x-api-key': API_KEY },
    );
    const { ticket } = (await res.json()) as { ticket: { id: string } };
    const reply = async (email: string, password: string, id: string) =>
      fetch(`${t.url}/api/v1/tickets/${ticket.id}/replies`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await login(t.url, email, password)}`,
        },
        body: JSON.stringify({ text: 'Yes, you can.', clientMessageId: id }),
      });
    const ann = await reply('ann@test.local', 'ann-password', 'a-1');
    expect(ann.status).toBe(201);
    const annAgain = await reply('ann@test.local', 'ann-password', 'a-1');
    expect(annAgain.status).toBe(200);
    const bob = await reply('bob@test.local', 'bob-password', 'b-1');
    expect(bob.status).toBe(403);
    expect(await bob.json()).toMatchObject({ error: 'forbidden' });
    expect(
      await t.app.core.infra.models.Message.countDocuments({ ticketId: ticket.id, 'author.kind': 'agent' }),
    ).toBe(1);
  });
});
