import { request as httpRequest } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { connect, emitAck } from '../helpers/sockets.js';
import { login } from '../helpers/staff.js';
import { ADMIN, API_KEY, startTestApp, type TestApp } from '../helpers/test-app.js';
import { sleep } from '../helpers/wait.js';

/** A POST from a chosen local address (127.0.0.0/8 is all loopback): another client, elsewhere. */
function postFrom(
  url: string,
  body: unknown,
  localAddress: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = httpRequest(
      url,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

describe('sessions end their sockets', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sessions', { env: { NLP_SENTENCE_ENCODER: 'false' }, workers: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('disconnects the console socket of a session that signs out', async () => {
    const token = await login(t.url);
    const agent = await connect(t.url, '/agents', { token });
    const gone = new Promise<string>((resolve) => agent.once('disconnect', resolve));
    const res = await fetch(`${t.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(204);
    expect(await gone).toBe('io server disconnect');
    agent.close();
  });

  it('checks the session again when a dropped connection is recovered', async () => {
    const token = await login(t.url);
    const agent: Socket = io(`${t.url}/agents`, {
      transports: ['websocket'],
      forceNew: true,
      auth: { token },
      reconnectionDelay: 50,
    });
    await new Promise<void>((resolve) => agent.once('connect', () => resolve()));
    // Recovery resumes from the last event a client saw: let it see one.
    const seen = new Promise<void>((resolve) => agent.once('resync', () => resolve()));
    await t.app.core.events.publish('live.resync', { reason: 'a test' });
    await seen;
    // The session ends without anyone telling the sockets (as when the store is wiped)…
    await t.app.ctx.sessions.revoke(token);
    const reasons: string[] = [];
    agent.on('disconnect', (r) => reasons.push(r));
    const recovered = new Promise<boolean>((resolve) =>
      agent.once('connect', () => resolve(agent.recovered)),
    );
    // …then the network drops and the client reconnects within the recovery window.
    agent.io.engine.close();
    expect(await recovered).toBe(true);
    for (let i = 0; i < 50 && !reasons.includes('io server disconnect'); i++) await sleep(100);
    expect(reasons).toContain('io server disconnect');
    agent.close();
  });
});

describe('sign-in throttle', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('throttle', { env: { NLP_SENTENCE_ENCODER: 'false' }, workers: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('checks only ten of fifty parallel guesses, and the owner signs in from elsewhere', async () => {
    const guesses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        postFrom(`${t.url}/api/v1/auth/login`, { email: ADMIN.email, password: `guess-${i}` }, '127.0.0.1'),
      ),
    );
    const statuses = guesses.map((g) => g.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);
    expect(await t.app.core.infra.models.AuditLog.countDocuments({ action: 'auth.login_failed' })).toBe(10);
    // A forwarded-for header from a client is not believed (no TRUST_PROXY): still refused.
    const spoofed = await postFrom(
      `${t.url}/api/v1/auth/login`,
      { email: ADMIN.email, password: ADMIN.password },
      '127.0.0.1',
      { 'x-forwarded-for': '203.0.113.9' },
    );
    expect(spoofed.status).toBe(429);
    // The owner, from another address, is not locked out.
    const owner = await postFrom(
      `${t.url}/api/v1/auth/login`,
      { email: ADMIN.email, password: ADMIN.password },
      '127.0.0.2',
    );
    expect(owner.status).toBe(200);
  });

  it('re-hashes a password stored with weaker scrypt parameters at the next sign-in', async () => {
    const { infra, stores } = t.app.core;
    await infra.models.Agent.create({
      email: 'old@throttle.test',
      name: 'Old',
      role: 'agent',
      // As hashed before the cost went up.
      passwordHash: (await hashPassword('old password')).replace(/^scrypt\$131072\$/, 'scrypt$32768$'),
    });
    // (That hash no longer verifies — it was made with other parameters — so make a real one.)
    const { scrypt, randomBytes } = await import('node:crypto');
    const salt = randomBytes(16);
    const key = await new Promise<Buffer>((resolve, reject) =>
      scrypt('old password', salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 256 * 1024 * 1024 }, (err, k) =>
        err ? reject(err) : resolve(k),
      ),
    );
    await infra.models.Agent.updateOne(
      { email: 'old@throttle.test' },
      {
        $set: {
          passwordHash: ['scrypt', 32768, 8, 1, salt.toString('base64'), key.toString('base64')].join('$'),
        },
      },
    );
    const res = await postFrom(
      `${t.url}/api/v1/auth/login`,
      { email: 'old@throttle.test', password: 'old password' },
      '127.0.0.3',
    );
    expect(res.status).toBe(200);
    expect((await stores.staff.findByEmail('old@throttle.test'))?.passwordHash).toMatch(
      /^scrypt\$131072\$8\$1\$/,
    );
  });
});

describe('floods are limited, with an error a client can show', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('floods', {
      env: {
        NLP_SENTENCE_ENCODER: 'false',
        RATE_LIMIT_NEW_VISITORS_PER_MINUTE: '3',
        RATE_LIMIT_MESSAGES_PER_MINUTE: '3',
        RATE_LIMIT_API_PER_MINUTE: '5',
        RATE_LIMIT_NOT_FOUND_PER_MINUTE: '5',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const sessions: { visitorId: string; token: string }[] = [];

  it('limits new widget visitors per address, but lets a returning visitor in', async () => {
    const sockets: Socket[] = [];
    for (let i = 0; i < 3; i++) {
      let got: (s: { visitorId: string; token: string }) => void = () => {};
      const session = new Promise<{ visitorId: string; token: string }>((r) => {
        got = r;
      });
      sockets.push(await connect(t.url, '/widget', {}, { session: (s) => got(s as never) }));
      sessions.push(await session);
    }
    const refused = await connect(t.url, '/widget', {}).catch(
      (err: Error & { data?: { code: string; retryAfter: number } }) => err,
    );
    expect(refused).toBeInstanceOf(Error);
    const err = refused as Error & { data?: { code: string; retryAfter: number } };
    expect(err.message).toMatch(/Too many new chats from your network/);
    expect(err.data?.code).toBe('rate_limited');
    expect(err.data?.retryAfter).toBeGreaterThan(0);
    // A visitor who already has an id and token is not a new visitor.
    const back = await connect(t.url, '/widget', sessions[0] as never);
    expect(back.connected).toBe(true);
    for (const s of [...sockets, back]) s.close();
    expect(await t.app.core.infra.models.Customer.countDocuments()).toBe(0);
  });

  it('limits messages per visitor and answers an oversized message with an error, without dropping the socket', async () => {
    const widget = await connect(t.url, '/widget', sessions[1] as never);
    const big = await emitAck(widget, 'message:send', {
      clientMessageId: 'big',
      text: 'x'.repeat(200 * 1024),
    });
    expect(big).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(JSON.stringify(big)).toMatch(/10000/);
    expect(widget.connected).toBe(true);
    const acks = [];
    for (let i = 0; i < 4; i++)
      acks.push(await emitAck(widget, 'message:send', { clientMessageId: `m${i}`, text: 'hello' }));
    expect(acks.slice(0, 3).every((a) => a.ok)).toBe(true);
    expect(acks[3]).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect((acks[3] as { error: { retryAfter?: number } }).error.retryAfter).toBeGreaterThan(0);
    widget.close();
  });

  it('limits the integration API per key and unknown paths per address', async () => {
    const post = () =>
      fetch(`${t.url}/api/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
        body: JSON.stringify({ userId: 'flood', clientMessageId: `c-${Math.random()}`, text: 'hello' }),
      });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await post()).status);
    expect(statuses.slice(0, 5).every((s) => s === 201)).toBe(true);
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await limited.json()).toMatchObject({ error: 'rate_limited' });

    const unknown = [];
    for (let i = 0; i < 6; i++) unknown.push((await fetch(`${t.url}/no/such/path/${i}`)).status);
    expect(unknown.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
    expect(unknown[5]).toBe(429);
  });
});

describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('headers', { env: { NLP_SENTENCE_ENCODER: 'false' }, workers: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sends a content security policy on the pages and the usual hardening headers', async () => {
    // The demo page's inline script runs by its hash; the console (a Vite build) has none: 'self' only.
    for (const [page, inline] of [
      ['/console', false],
      ['/console/tickets/0123456789abcdef01234567', false],
      ['/demo', true],
    ] as const) {
      const res = await fetch(`${t.url}${page}`);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
      expect(scriptSrc).toMatch(/^\s*script-src 'self'/);
      if (inline) expect(scriptSrc).toMatch(/'sha256-[A-Za-z0-9+/=]+'/);
      else expect(scriptSrc.trim()).toBe("script-src 'self'");
      expect(scriptSrc).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).toMatch(/object-src 'none'/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBeTruthy();
    }
    // Other sites' pages load the widget script.
    expect((await fetch(`${t.url}/widget.js`)).headers.get('cross-origin-resource-policy')).toBe(
      'cross-origin',
    );
    expect((await fetch(`${t.url}/api/v1/me`)).headers.get('x-content-type-options')).toBe('nosniff');
  });
});
