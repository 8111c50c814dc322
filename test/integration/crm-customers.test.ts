import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../helpers/http.js';
import { login, staffToken } from '../helpers/staff.js';
import { API_KEY, startTestApp, type TestApp } from '../helpers/test-app.js';

type Customer = {
  id: string;
  name?: string;
  email?: string;
  phone?: string;
  tags: string[];
  attributes: Record<string, unknown>;
  identities: { kind: string; externalId: string; verified: boolean }[];
  channels: string[];
  stats: { conversations: number; tickets: number; orders: number; totalSpent: number };
  mergedInto?: string;
};
type Page = { customers: Customer[]; nextCursor: string | null };

describe('CRM customers: CRUD, search, pages, merge, timeline, needs, access rules', () => {
  let t: TestApp;
  let admin: ReturnType<typeof client>;
  let supervisor: ReturnType<typeof client>;
  let agent: ReturnType<typeof client>;
  let legacy: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await startTestApp('crmcust', { env: { NLP_SENTENCE_ENCODER: 'false' } });
    admin = client(t.url, { bearer: await login(t.url) });
    supervisor = client(t.url, { bearer: await staffToken(t, 'sup@test.local', 'supervisor') });
    agent = client(t.url, { bearer: await staffToken(t, 'agent@test.local', 'agent') });
    legacy = client(t.url, { apiKey: API_KEY });
  });
  afterAll(async () => t?.close());

  const tokenWith = async (...scopes: string[]) => {
    const res = await admin.post<{ token: string }>('/api/v1/tokens', {
      name: scopes.join(' ') || 'none',
      scopes,
    });
    expect(res.status).toBe(201);
    return client(t.url, { apiKey: res.body.token });
  };

  it('creates, reads and edits a customer with identities, tags and custom attributes', async () => {
    const created = await agent.post<Customer>('/api/v1/customers', {
      name: 'Zoë Kowalski',
      email: 'Zoe.Kowalski@Example.com',
      phone: '+1 (555) 010-7788',
      tags: ['vip', 'b2b'],
      attributes: { plan: 'gold', seats: 12, trial: false },
      identities: [{ kind: 'slack', externalId: 'U024BE7LH', displayName: 'zoe' }],
    });
    expect(created.status).toBe(201);
    const c = created.body;
    expect(c).toMatchObject({
      name: 'Zoë Kowalski',
      email: 'zoe.kowalski@example.com',
      tags: ['vip', 'b2b'],
      attributes: { plan: 'gold', seats: 12, trial: false },
      channels: ['slack'],
    });
    expect(c.identities).toEqual([
      { kind: 'slack', externalId: 'U024BE7LH', displayName: 'zoe', verified: false },
    ]);

    const read = await agent.get<Customer>(`/api/v1/customers/${c.id}`);
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(c.id);

    const edited = await agent.patch<Customer>(`/api/v1/customers/${c.id}`, {
      phone: null,
      attributes: { seats: 15, trial: null, region: 'EMEA' },
      addTags: ['renewal'],
      removeTags: ['b2b'],
    });
    expect(edited.status).toBe(200);
    expect(edited.body.phone).toBeUndefined();
    expect(edited.body.attributes).toEqual({ plan: 'gold', seats: 15, region: 'EMEA' });
    expect(edited.body.tags.sort()).toEqual(['renewal', 'vip']);

    // An identity that belongs to someone already is a 409 that says whose it is.
    const other = await agent.post<Customer>('/api/v1/customers', { name: 'Other' });
    const taken = await agent.post(`/api/v1/customers/${other.body.id}/identities`, {
      kind: 'slack',
      externalId: 'U024BE7LH',
    });
    expect(taken.status).toBe(409);
    expect(String(taken.body.message)).toContain(c.id);
    const added = await agent.post<Customer>(`/api/v1/customers/${other.body.id}/identities`, {
      kind: 'email',
      externalId: 'other@example.com',
    });
    expect(added.status).toBe(200);
    expect(added.body.channels).toEqual(['email']);
    expect(
      await t.app.core.infra.models.AuditLog.countDocuments({ action: 'customer.update' }),
    ).toBeGreaterThan(0);
  });

  it('refuses bad input with a 4xx in the one error shape: types, unknown fields, sizes, Mongo operators', async () => {
    const { body: c } = await agent.post<Customer>('/api/v1/customers', { name: 'Target' });
    const bad: [string, string, unknown][] = [
      ['POST', '/api/v1/customers', { name: { $ne: null } }],
      ['POST', '/api/v1/customers', { $where: 'sleep(1000)' }],
      ['POST', '/api/v1/customers', { name: 'x', extra: 1 }],
      ['POST', '/api/v1/customers', { name: 'x'.repeat(201) }],
      ['POST', '/api/v1/customers', { email: 'not-an-email' }],
      ['POST', '/api/v1/customers', { attributes: { $gt: 1 } }],
      ['POST', '/api/v1/customers', { attributes: { 'a.b': 1 } }],
      ['POST', '/api/v1/customers', { attributes: { plan: { $ne: null } } }],
      ['POST', '/api/v1/customers', { attributes: { note: 'x'.repeat(1001) } }],
      ['POST', '/api/v1/customers', { tags: ['$where'] }],
      ['POST', '/api/v1/customers', { identities: [{ kind: 'fax', externalId: '1' }] }],
      ['POST', '/api/v1/customers', { identities: [{ kind: 'email', externalId: { $gt: '' } }] }],
      ['POST', '/api/v1/customers', '{"__proto__": {"admin": true}}'],
      ['POST', '/api/v1/customers', '{"name": "x", "constructor": {"prototype": {"x": 1}}}'],
      ['POST', '/api/v1/customers', '{not json'],
      ['PATCH', `/api/v1/customers/${c.id}`, {}],
      ['PATCH', `/api/v1/customers/${c.id}`, { tags: ['a'], addTags: ['b'] }],
      ['PATCH', `/api/v1/customers/${c.id}`, { 'stats.totalSpent': 5 }],
      ['PATCH', `/api/v1/customers/${c.id}`, { language: 'fr' }],
      ['PATCH', '/api/v1/customers/not-an-id', { name: 'x' }],
      ['PATCH', '/api/v1/customers/{"$ne":null}', { name: 'x' }],
      ['PUT', `/api/v1/customers/${c.id}/consent`, { granted: 'yes', source: 'x' }],
      ['POST', `/api/v1/customers/${c.id}/merge`, { sourceId: { $ne: null } }],
      ['POST', `/api/v1/customers/${c.id}/merge`, { sourceId: c.id }],
      ['POST', `/api/v1/customers/${c.id}/interactions`, { kind: 'carrier-pigeon', summary: 'x' }],
      [
        'POST',
        `/api/v1/customers/${c.id}/interactions`,
        { kind: 'call', summary: 'x', occurredAt: '2999-01-01T00:00:00Z' },
      ],
      ['POST', `/api/v1/customers/${c.id}/needs`, { title: '' }],
    ];
    for (const [method, path, body] of bad) {
      const res = await (method === 'POST'
        ? agent.post(path, body)
        : method === 'PUT'
          ? agent.put(path, body)
          : agent.patch(path, body));
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBeLessThan(500);
      expect(res.body, `${method} ${path}`).toMatchObject({
        error: expect.any(String),
        message: expect.any(String),
      });
    }
    const badQueries = [
      '/api/v1/customers?q[$ne]=x',
      '/api/v1/customers?q=a',
      '/api/v1/customers?tag=$where',
      '/api/v1/customers?limit=0',
      '/api/v1/customers?limit=100000',
      '/api/v1/customers?sort=password',
      '/api/v1/customers?cursor=bm90LWEtY3Vyc29y',
      '/api/v1/customers?cursor=$ne',
      `/api/v1/customers?q=${'x'.repeat(201)}`,
      '/api/v1/customers?segmentId[$gt]=',
      '/api/v1/customers?unknown=1',
      '/api/v1/customers/123',
      `/api/v1/customers/${c.id}/timeline?cursor=eyJ4IjoxfQ`,
    ];
    for (const path of badQueries) {
      const res = await agent.get(path);
      expect(res.status, path).toBe(400);
      expect(res.body, path).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
    // The stored customer is untouched by all of it.
    expect((await agent.get<Customer>(`/api/v1/customers/${c.id}`)).body).toMatchObject({
      name: 'Target',
      tags: [],
    });
  });

  it('lets only the allowed roles and scopes in: no token, wrong token, wrong scope, wrong role', async () => {
    const anonymous = client(t.url);
    const forged = client(t.url, { bearer: 'forged' });
    const wrongKey = client(t.url, { apiKey: 'prly_not-a-real-token' });
    const reader = await tokenWith('customers:read');
    const ordersOnly = await tokenWith('orders:read');
    const writer = await tokenWith('customers:read', 'customers:write');
    const { body: c } = await agent.post<Customer>('/api/v1/customers', { name: 'Access Check' });
    const { body: d } = await agent.post<Customer>('/api/v1/customers', { name: 'Access Check Two' });

    for (const who of [anonymous, forged, wrongKey]) {
      expect((await who.get('/api/v1/customers')).status).toBe(401);
      expect((await who.post('/api/v1/customers', { name: 'x' })).status).toBe(401);
      expect((await who.get(`/api/v1/customers/${c.id}`)).status).toBe(401);
    }
    expect((await ordersOnly.get('/api/v1/customers')).status).toBe(403);
    const readOk = await reader.get<Page>('/api/v1/customers');
    expect(readOk.status).toBe(200);
    const readOnly = await reader.post('/api/v1/customers', { name: 'x' });
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.message).toContain('customers:write');
    expect((await reader.patch(`/api/v1/customers/${c.id}`, { name: 'y' })).status).toBe(403);
    expect((await writer.patch(`/api/v1/customers/${c.id}`, { name: 'Renamed by integration' })).status).toBe(
      200,
    );

    // Merging: supervisors, admins and customers:write tokens; not agents.
    expect((await agent.post(`/api/v1/customers/${c.id}/merge`, { sourceId: d.id })).status).toBe(403);
    expect((await reader.post(`/api/v1/customers/${c.id}/merge`, { sourceId: d.id })).status).toBe(403);
    // Export and erase: admins only, never a token.
    for (const who of [agent, supervisor, writer, legacy]) {
      expect((await who.get(`/api/v1/customers/${c.id}/export`)).status).toBe(403);
      expect((await who.delete(`/api/v1/customers/${c.id}`)).status).toBe(403);
    }
    // Analytics: supervisors and admins.
    expect((await agent.get('/api/v1/analytics/customers')).status).toBe(403);
    expect((await reader.get('/api/v1/analytics/customers')).status).toBe(403);
    expect((await supervisor.get('/api/v1/analytics/customers')).status).toBe(200);
    // Tokens: admins only.
    expect((await supervisor.get('/api/v1/tokens')).status).toBe(403);
    expect((await reader.get('/api/v1/tokens')).status).toBe(401);
    const list = await admin.get<{ tokens: { id: string; name: string; prefix: string }[] }>(
      '/api/v1/tokens',
    );
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain('"hash"');
    // A revoked token stops at once.
    const revokedId = list.body.tokens.find((x) => x.name === 'customers:read')?.id;
    expect((await admin.delete(`/api/v1/tokens/${revokedId}`)).status).toBe(200);
    expect((await reader.get('/api/v1/customers')).status).toBe(401);
    // The legacy INTEGRATION_API_KEY keeps every scope.
    expect((await legacy.get('/api/v1/customers')).status).toBe(200);
  });

  it('finds customers by name, email, phone and any identity, with filters, sorting and cursor pages', async () => {
    const make = (body: Record<string, unknown>) => agent.post<Customer>('/api/v1/customers', body);
    const ana = (
      await make({
        name: 'Ana Müller',
        email: 'ana.mueller@shop.example',
        phone: '+49 151 2345 6789',
        tags: ['search-test'],
        language: 'en',
        identities: [{ kind: 'discord', externalId: '80351110224678912' }],
      })
    ).body;
    const wei = (
      await make({ name: '张伟', email: 'zhang.wei@example.cn', tags: ['search-test'], language: 'zh' })
    ).body;
    const anatole = (await make({ name: 'Anatole France', tags: ['search-test'] })).body;
    const q = async (query: string) =>
      (await agent.get<Page>(`/api/v1/customers?${query}`)).body.customers.map((c) => c.id);

    expect(await q('q=ana')).toEqual(expect.arrayContaining([ana.id, anatole.id]));
    expect(await q('q=muller')).toEqual([ana.id]);
    expect(await q('q=ANA%20M%C3%BCLL')).toEqual([ana.id]);
    expect(await q('q=ana.mueller%40shop.example')).toEqual([ana.id]);
    expect(await q('q=%2B49%20151%202345%206789')).toEqual([ana.id]);
    expect(await q('q=15123456789')).toEqual([ana.id]);
    expect(await q('q=803511102246')).toEqual([ana.id]);
    expect(await q('q=%E4%BC%9F')).toEqual([wei.id]);
    expect(await q('q=%E5%BC%A0%E4%BC%9F')).toEqual([wei.id]);
    expect(await q('q=nobody-by-that-name')).toEqual([]);
    expect(await q('q=ana&channel=discord')).toEqual([ana.id]);
    expect(await q('q=ana&language=en')).toEqual([ana.id]);
    expect(await q('tag=search-test&language=zh')).toEqual([wei.id]);

    // Pages of 1 by name, both ways, visit each customer once and in order.
    for (const [sort, expected] of [
      ['name', [ana.id, anatole.id, wei.id]],
      ['-name', [wei.id, anatole.id, ana.id]],
      ['-createdAt', [anatole.id, wei.id, ana.id]],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: Page } = await agent.get<Page>(
          `/api/v1/customers?tag=search-test&sort=${sort}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...res.body.customers.map((c) => c.id));
        cursor = res.body.nextCursor;
      } while (cursor && seen.length < 10);
      expect(seen, sort).toEqual(expected);
    }
    // A cursor is tied to its sort.
    const first = await agent.get<Page>('/api/v1/customers?tag=search-test&sort=name&limit=1');
    expect(
      (await agent.get(`/api/v1/customers?tag=search-test&sort=-name&cursor=${first.body.nextCursor}`))
        .status,
    ).toBe(400);
  });

  it('merges two records of one person: everything moves, the old id points at the new, audited', async () => {
    // Two records of one person: one from the REST channel with a conversation and a ticket,
    // one created by staff with an order, a need and an interaction.
    const msg = await legacy.post<{ message: { customerId: string }; ticket: { id: string } | null }>(
      '/api/v1/messages',
      {
        userId: 'crm-merge-1',
        clientMessageId: 'm-1',
        text: 'I want to talk to a human please',
        name: 'Pat Lee',
      },
    );
    expect(msg.status).toBe(201);
    const sourceId = msg.body.message.customerId;
    const target = (
      await agent.post<Customer>('/api/v1/customers', { name: 'Patricia Lee', email: 'pat@example.com' })
    ).body;
    await agent.post(`/api/v1/customers/${sourceId}/interactions`, {
      kind: 'call',
      summary: 'Called about the sofa',
    });
    await agent.post(`/api/v1/customers/${sourceId}/needs`, { title: 'Wants a blue sofa' });
    const order = await legacy.post<{ order: { id: string; customerId: string } }>('/api/v1/orders', {
      id: 'merge-order-1',
      customer: { id: 'pat-site-user' },
      status: 'paid',
      currency: 'EUR',
      total: 120,
    });
    expect(order.status).toBe(201);
    const orderOwner = order.body.order.customerId;
    await supervisor.post(`/api/v1/customers/${sourceId}/merge`, { sourceId: orderOwner });

    const merged = await supervisor.post<{
      merge: { status: string; moved: Record<string, number> };
      customer: Customer;
    }>(`/api/v1/customers/${target.id}/merge`, { sourceId });
    expect(merged.status).toBe(200);
    expect(merged.body.merge.status).toBe('done');
    const c = merged.body.customer;
    expect(c.name).toBe('Patricia Lee'); // the target's own data wins
    expect(c.channels.sort()).toEqual(['api', 'site_user']);
    expect(c.stats).toMatchObject({ conversations: 1, tickets: 1, orders: 1, totalSpent: 120 });

    const m = t.app.core.infra.models;
    for (const model of [m.Identity, m.Conversation, m.Message, m.Ticket, m.Order, m.Need, m.Interaction]) {
      expect(await model.countDocuments({ customerId: sourceId }), model.modelName).toBe(0);
      expect(await model.countDocuments({ customerId: target.id }), model.modelName).toBeGreaterThan(0);
    }
    // The old id answers with a pointer (reads and writes alike); it is found by no search.
    const old = await agent.get(`/api/v1/customers/${sourceId}`);
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toBe(`/api/v1/customers/${target.id}`);
    expect(old.body).toMatchObject({ error: 'moved', mergedInto: target.id });
    expect((await agent.get(`/api/v1/customers/${sourceId}/timeline`)).headers.get('location')).toBe(
      `/api/v1/customers/${target.id}/timeline`,
    );
    expect((await agent.patch(`/api/v1/customers/${sourceId}`, { name: 'x' })).status).toBe(301);
    expect((await agent.get<Page>('/api/v1/customers?q=pat')).body.customers.map((x) => x.id)).toEqual([
      target.id,
    ]);
    // The channel's next message lands on the merged customer.
    const next = await legacy.post<{ message: { customerId: string } }>('/api/v1/messages', {
      userId: 'crm-merge-1',
      clientMessageId: 'm-2',
      text: 'hello again',
    });
    expect(next.body.message.customerId).toBe(target.id);
    expect(await m.AuditLog.countDocuments({ action: 'customer.merge', 'target.id': target.id })).toBe(1);
    // Merging it again is the same merge, done.
    const again = await supervisor.post<{ merge: { id: string } }>(`/api/v1/customers/${target.id}/merge`, {
      sourceId,
    });
    expect(again.status).toBe(200);
    expect(await m.CustomerMerge.countDocuments({ targetId: target.id })).toBe(1);
    const merges = await agent.get<{ merges: unknown[] }>(`/api/v1/customers/${target.id}/merges`);
    expect(merges.body.merges).toHaveLength(1);
  });

  it('ends two merges of the same pair at once as one, and refuses opposite directions at once', async () => {
    const m = t.app.core.infra.models;
    const make = async (name: string, n: number) => {
      const { body } = await agent.post<Customer>('/api/v1/customers', { name });
      for (let i = 0; i < n; i++) {
        await agent.post(`/api/v1/customers/${body.id}/interactions`, {
          kind: 'note',
          summary: `${name} ${i}`,
        });
      }
      return body;
    };
    const a = await make('Race Source', 5);
    const b = await make('Race Target', 2);
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        supervisor.post<{ merge: { id: string } }>(`/api/v1/customers/${b.id}/merge`, { sourceId: a.id }),
      ),
    );
    for (const r of results) expect([200, 409]).toContain(r.status);
    const ok = results.filter((r) => r.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ok.map((r) => r.body.merge.id)).size).toBe(1);
    // A merge that answered 409 (the other was still running) is finished by posting it again.
    const final = await supervisor.post<{ merge: { status: string } }>(`/api/v1/customers/${b.id}/merge`, {
      sourceId: a.id,
    });
    expect(final.body.merge.status).toBe('done');
    expect(await m.CustomerMerge.countDocuments({ sourceId: a.id })).toBe(1);
    expect(await m.AuditLog.countDocuments({ action: 'customer.merge', 'target.id': b.id })).toBe(1);
    expect(await m.Interaction.countDocuments({ customerId: b.id })).toBe(7);
    expect(await m.Interaction.countDocuments({ customerId: a.id })).toBe(0);
    expect((await m.Customer.findById(b.id).lean())?.mergeLock).toBeUndefined();

    const x = await make('Opposite X', 1);
    const y = await make('Opposite Y', 1);
    const [xy, yx] = await Promise.all([
      supervisor.post(`/api/v1/customers/${y.id}/merge`, { sourceId: x.id }),
      supervisor.post(`/api/v1/customers/${x.id}/merge`, { sourceId: y.id }),
    ]);
    expect([xy.status, yx.status].sort()).toEqual([200, 409]);
    const survivor = xy.status === 200 ? y.id : x.id;
    const gone = survivor === y.id ? x.id : y.id;
    expect(await m.Interaction.countDocuments({ customerId: survivor })).toBe(2);
    expect((await agent.get(`/api/v1/customers/${gone}`)).status).toBe(301);
    expect((await agent.get(`/api/v1/customers/${survivor}`)).status).toBe(200);
  });

  it('keeps the communication log: interactions, needs with who and when, and one timeline in order', async () => {
    const msg = await legacy.post<{ message: { customerId: string }; ticket: { id: string } | null }>(
      '/api/v1/messages',
      {
        userId: 'crm-timeline-1',
        clientMessageId: 'tl-1',
        text: 'My blender arrived broken, this is unacceptable!',
      },
    );
    const id = msg.body.message.customerId;
    expect(msg.body.ticket).not.toBeNull();
    const ticketId = msg.body.ticket?.id;
    const call = await agent.post<{ id: string; agentId: string; kind: string }>(
      `/api/v1/customers/${id}/interactions`,
      {
        kind: 'call',
        direction: 'out',
        summary: 'Called back, offered a replacement',
        durationMinutes: 7,
        ticketId,
      },
    );
    expect(call.status).toBe(201);
    expect(call.body.kind).toBe('call');
    const need = await agent.post<{
      id: string;
      ticketId: string;
      history: { status: string; by: string }[];
    }>(`/api/v1/tickets/${ticketId}/needs`, { title: 'Replacement blender', priority: 'high' });
    expect(need.status).toBe(201);
    expect(need.body.ticketId).toBe(ticketId);
    const started = await agent.post<{
      status: string;
      history: { status: string; by: string; at: string }[];
    }>(`/api/v1/needs/${need.body.id}/status`, { status: 'in_progress', note: 'ordered from the warehouse' });
    expect(started.body.status).toBe('in_progress');
    const badStep = await agent.post(`/api/v1/needs/${need.body.id}/status`, { status: 'discovered' });
    expect(badStep.status).toBe(400);
    const done = await supervisor.post<{
      status: string;
      history: { status: string; by: string; at: string }[];
    }>(`/api/v1/needs/${need.body.id}/status`, { status: 'resolved' });
    expect(done.body.history.map((h) => h.status)).toEqual(['discovered', 'in_progress', 'resolved']);
    for (const h of done.body.history) expect(h.by).toMatch(/^[0-9a-f]{24}$/);
    expect(
      (await agent.get<{ needs: unknown[] }>('/api/v1/needs?status=resolved')).body.needs.length,
    ).toBeGreaterThan(0);

    const tl = await agent.get<{
      entries: { kind: string; at: string }[];
      counts: Record<string, number>;
      nextCursor: string | null;
    }>(`/api/v1/customers/${id}/timeline?limit=200`);
    expect(tl.status).toBe(200);
    const kinds = new Set(tl.body.entries.map((e) => e.kind));
    for (const k of ['message', 'interaction', 'ticket', 'need']) expect(kinds.has(k), k).toBe(true);
    expect(tl.body.counts.messages).toBeGreaterThanOrEqual(2); // the complaint and the bot's hand-off notice
    const times = tl.body.entries.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // Small pages walk the same entries, none twice.
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        body: { entries: { kind: string; at: string; title: string }[]; nextCursor: string | null };
      } = await agent.get(`/api/v1/customers/${id}/timeline?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      walked.push(...page.body.entries.map((e) => `${e.kind}:${e.at}:${e.title}`));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(walked.length).toBe(tl.body.entries.length);
    expect(new Set(walked).size).toBe(walked.length);
  });

  it('states a customer lifetime value with its formula and inputs', async () => {
    const placed = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const first = await legacy.post<{ order: { customerId: string } }>('/api/v1/orders', {
      id: 'clv-1',
      customer: { id: 'clv-user', name: 'Val Ue' },
      status: 'delivered',
      currency: 'EUR',
      total: 200,
      placedAt: placed,
    });
    await legacy.post('/api/v1/orders', {
      id: 'clv-2',
      customer: { id: 'clv-user' },
      status: 'refunded',
      currency: 'EUR',
      total: 999,
    });
    const id = first.body.order.customerId;
    const value = await agent.get<{
      clv: number;
      currency: string;
      formula: string;
      inputs: {
        revenue: number;
        grossMargin: number;
        periodsAsCustomer: number;
        profitPerPeriod: number;
        churnRate: number;
      };
    }>(`/api/v1/customers/${id}/value`);
    expect(value.status).toBe(200);
    expect(value.body.formula).toBe('CLV = profit per period ÷ churn rate');
    expect(value.body.currency).toBe('EUR');
    expect(value.body.inputs.revenue).toBe(200); // the refunded order does not count
    expect(value.body.inputs.periodsAsCustomer).toBe(1);
    expect(value.body.inputs.profitPerPeriod).toBe(60); // 200 × 0.3
    expect(value.body.clv).toBeCloseTo(value.body.inputs.profitPerPeriod / value.body.inputs.churnRate, 1);
  });

  it('gives the charts their JSON: customers by channel and segment, tickets per day, top complaint intents', async () => {
    const customers = await supervisor.get<{
      total: number;
      byChannel: { channel: string; customers: number }[];
    }>('/api/v1/analytics/customers');
    expect(customers.status).toBe(200);
    expect(customers.body.total).toBeGreaterThan(0);
    expect(customers.body.byChannel.find((c) => c.channel === 'api')?.customers).toBeGreaterThan(0);
    const tickets = await supervisor.get<{
      days: { day: string; consultations: number; complaints: number }[];
      topComplaintIntents: { intent: string; complaints: number }[];
    }>('/api/v1/analytics/tickets');
    expect(tickets.status).toBe(200);
    expect(tickets.body.days).toHaveLength(30);
    const today = tickets.body.days[tickets.body.days.length - 1];
    expect((today?.complaints ?? 0) + (today?.consultations ?? 0)).toBeGreaterThan(0);
    expect(tickets.body.topComplaintIntents.length).toBeGreaterThan(0);
    expect((await supervisor.get('/api/v1/analytics/tickets?from=2024-02-01&to=2024-01-01')).status).toBe(
      400,
    );
  });

  it('documents every CRM route in the OpenAPI document with tags, summary, security and responses', async () => {
    const doc = (
      await client(t.url).get<{ paths: Record<string, Record<string, Record<string, unknown>>> }>(
        '/docs/json',
      )
    ).body;
    const crmPaths = Object.keys(doc.paths).filter((p) =>
      /^\/api\/v1\/(customers|needs|orders|analytics|tokens|webhooks|consult|complaint|tickets\/\{id\}\/needs)/.test(
        p,
      ),
    );
    expect(crmPaths.length).toBeGreaterThan(15);
    for (const p of crmPaths) {
      for (const [method, op] of Object.entries(doc.paths[p] ?? {})) {
        expect(op.tags, `${method} ${p}`).toBeTruthy();
        expect(op.summary, `${method} ${p}`).toBeTruthy();
        expect(op.security, `${method} ${p}`).toBeTruthy();
        const responses = Object.keys((op.responses ?? {}) as Record<string, unknown>);
        expect(
          responses.some((s) => s.startsWith('2')),
          `${method} ${p}`,
        ).toBe(true);
        expect(responses.map((r) => r.toLowerCase())).toContain('4xx');
      }
    }
  });
});
