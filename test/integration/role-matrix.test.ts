import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketView } from '../../src/core/views/index.js';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { addStaff, call, type StaffHandle } from '../helpers/console.js';
import { connect, emitAck } from '../helpers/sockets.js';
import { login } from '../helpers/staff.js';
import { ADMIN, startTestApp, type TestApp } from '../helpers/test-app.js';

type Role = 'anon' | 'agent' | 'supervisor' | 'admin';
const DUMMY = '0123456789abcdef01234567';
const ROLES: Role[] = ['anon', 'agent', 'supervisor', 'admin'];

/**
 * Who may do what, over every route and socket event the console uses. "agent" is an agent who
 * neither holds the ticket nor took part in it; rows marked (own) or (queue) are about an
 * agent's own or an unassigned ticket.
 */
describe('the role × action matrix over every console route and socket event', () => {
  let t: TestApp;
  let owner: StaffHandle; // holds the tickets the others try to touch
  let agent: StaffHandle;
  let sup: StaffHandle;
  let adminToken: string;
  let adminId: string;
  const tokens = {} as Record<Role, string | null>;
  const sockets = {} as Record<Exclude<Role, 'anon'>, Socket>;

  beforeAll(async () => {
    t = await startTestApp('matrix', {
      classifier: new KeywordClassifier(),
      env: { NLP_SENTENCE_ENCODER: 'false' },
    });
    // Capacity 0: auto-assignment never hands them tickets; the rows decide who holds what.
    owner = await addStaff(t, 'Owner', 'agent', { capacity: 0 });
    agent = await addStaff(t, 'Outsider', 'agent', { capacity: 0 });
    sup = await addStaff(t, 'Lead', 'supervisor');
    adminToken = await login(t.url, ADMIN.email, ADMIN.password);
    adminId = (await call<{ id: string }>(t, adminToken, 'GET', '/api/v1/me')).body.id;
    Object.assign(tokens, { anon: null, agent: agent.token, supervisor: sup.token, admin: adminToken });
    sockets.agent = await connect(t.url, '/agents', { token: agent.token });
    sockets.supervisor = await connect(t.url, '/agents', { token: sup.token });
    sockets.admin = await connect(t.url, '/agents', { token: adminToken });
  });
  afterAll(async () => {
    for (const s of Object.values(sockets)) s.close();
    await t?.close();
  });

  const admin = () => ({ id: adminId, role: 'admin' as const });
  let n = 0;
  /**
   * A ticket waiting in the queue. Made through the stores rather than the pipeline: this file is
   * about permissions, and a hundred fixtures through the classifier and the bot would be slow.
   */
  const queueTicket = async (thread?: string, visitor = `mx-${++n}-${randomUUID().slice(0, 4)}`) => {
    const { stores } = t.app.core;
    const at = new Date();
    const { customerId } = await stores.customers.resolveIdentity({
      channel: 'widget',
      externalId: visitor,
      at,
    });
    const { conversation } = await stores.conversations.openFor({
      customerId,
      channel: 'widget',
      ...(thread ? { threadKey: thread } : {}),
      at,
    });
    const ticket = await stores.tickets.create({
      conversationId: conversation.id,
      customerId,
      channel: 'widget',
      kind: 'consultation',
      priority: 'normal',
      subject: 'I want a human',
      firstResponseDueAt: new Date(at.getTime() + 3600_000),
      at,
    });
    if (!ticket) throw new Error('no ticket');
    return ticket;
  };
  const othersTicket = async () => {
    const ticket = await queueTicket();
    return t.app.core.useCases.tickets.assign(admin(), ticket.id, owner.id);
  };
  const othersResolved = async () => {
    const ticket = await othersTicket();
    return t.app.core.useCases.tickets.resolve(admin(), ticket.id);
  };
  const othersPair = async () => {
    const visitor = `pair-${++n}`;
    const a = await queueTicket(undefined, visitor);
    const b = await queueTicket('other-tab', visitor);
    await t.app.core.useCases.tickets.assign(admin(), a.id, owner.id);
    await t.app.core.useCases.tickets.assign(admin(), b.id, owner.id);
    return { a, b };
  };
  const tookPart = async () => {
    const ticket = await othersTicket();
    // The outsider wrote a note while it was in the queue: they took part.
    await t.app.core.useCases.tickets.assign(admin(), ticket.id, null);
    await t.app.core.useCases.tickets.addNote({ id: agent.id, role: 'agent' }, ticket.id, 'seen it');
    await t.app.core.useCases.tickets.assign(admin(), ticket.id, owner.id);
    return ticket;
  };
  const newStaff = async () => (await addStaff(t, `S${++n}`, 'agent', { capacity: 0 })).id;
  const canned = async () =>
    (
      await t.app.core.useCases.canned.create(admin(), {
        shortcut: `c${++n}`,
        title: 'Hi',
        text: 'Hi {{customer.name}}',
      })
    ).id;
  const csatToken = async () => {
    const ticket = await othersResolved();
    const doc = await t.app.core.infra.models.Ticket.findById(ticket.id).lean();
    return doc?.csat?.token as string;
  };

  type Row = [string, (role: Role) => Promise<number>, Record<Role, number>];
  /**
   * A request per role: `:id` in the path is the id `fixture` makes (a fresh ticket for each role
   * when the action changes it). Anonymous requests are refused before the id matters, so they
   * get a made-up one instead of a fixture.
   */
  const http =
    (
      method: string,
      path: string,
      fixture?: () => Promise<string>,
      body?: () => Promise<unknown> | unknown,
    ) =>
    async (role: Role) => {
      const id = fixture ? (role === 'anon' ? DUMMY : await fixture()) : '';
      return (await call(t, tokens[role], method, path.replace(':id', id), body ? await body() : undefined))
        .status;
    };
  /** The same fixture for every role (reads change nothing). */
  const once = (make: () => Promise<string>) => {
    let made: Promise<string> | undefined;
    return () => {
      made ??= make();
      return made;
    };
  };
  const id = (make: () => Promise<{ id: string }>) => async () => (await make()).id;
  const reply = () => ({ text: 'hi', clientMessageId: randomUUID() });
  const all = (anon: number, agentStatus: number, lead: number, adminStatus = lead) => ({
    anon,
    agent: agentStatus,
    supervisor: lead,
    admin: adminStatus,
  });
  const withTwo =
    (
      path: (a: string, b: string) => string,
      body: (a: string, b: string) => unknown,
      make: () => Promise<[string, string]>,
    ) =>
    async (role: Role) => {
      const [a, b] = role === 'anon' ? [DUMMY, DUMMY] : await make();
      return (await call(t, tokens[role], 'POST', path(a, b), body(a, b))).status;
    };

  const rows: Row[] = [
    ['GET /tickets', http('GET', '/api/v1/tickets'), all(401, 200, 200)],
    ['GET /tickets/:id', http('GET', '/api/v1/tickets/:id', once(id(othersTicket))), all(401, 403, 200)],
    [
      'GET /tickets/:id (queue)',
      http('GET', '/api/v1/tickets/:id', once(id(queueTicket))),
      all(401, 200, 200),
    ],
    [
      'GET /tickets/:id (took part)',
      http('GET', '/api/v1/tickets/:id', once(id(tookPart))),
      all(401, 200, 200),
    ],
    [
      'GET /tickets/:id/messages',
      http('GET', '/api/v1/tickets/:id/messages', once(id(othersTicket))),
      all(401, 403, 200),
    ],
    [
      'GET /tickets/:id/context',
      http('GET', '/api/v1/tickets/:id/context', once(id(othersTicket))),
      all(401, 403, 200),
    ],
    [
      'POST /tickets/:id/replies',
      http('POST', '/api/v1/tickets/:id/replies', id(othersTicket), reply),
      all(401, 403, 201),
    ],
    [
      'POST /tickets/:id/replies (queue)',
      http('POST', '/api/v1/tickets/:id/replies', id(queueTicket), reply),
      all(401, 201, 201),
    ],
    [
      'POST /tickets/:id/claim',
      http('POST', '/api/v1/tickets/:id/claim', id(othersTicket)),
      all(401, 403, 200),
    ],
    [
      'POST /tickets/:id/claim (queue)',
      http('POST', '/api/v1/tickets/:id/claim', id(queueTicket)),
      all(401, 200, 200),
    ],
    [
      'POST /tickets/:id/assign',
      http('POST', '/api/v1/tickets/:id/assign', id(othersTicket), () => ({ agentId: agent.id })),
      all(401, 403, 200),
    ],
    [
      'POST /tickets/:id/resolve',
      http('POST', '/api/v1/tickets/:id/resolve', id(othersTicket)),
      all(401, 403, 200),
    ],
    [
      'POST /tickets/:id/reopen',
      http('POST', '/api/v1/tickets/:id/reopen', id(othersResolved)),
      all(401, 403, 200),
    ],
    [
      'POST /tickets/:id/close',
      http('POST', '/api/v1/tickets/:id/close', id(othersTicket)),
      all(401, 403, 200),
    ],
    [
      'POST /tickets/:id/merge',
      withTwo(
        (_a, b) => `/api/v1/tickets/${b}/merge`,
        (a) => ({ into: a }),
        async () => {
          const { a, b } = await othersPair();
          return [a.id, b.id];
        },
      ),
      all(401, 403, 200),
    ],
    [
      'POST /tickets/:id/notes',
      http('POST', '/api/v1/tickets/:id/notes', id(othersTicket), () => ({ text: 'n' })),
      all(401, 403, 201),
    ],
    [
      'POST /tickets/:id/notes (took part)',
      http('POST', '/api/v1/tickets/:id/notes', id(tookPart), () => ({ text: 'n' })),
      all(401, 201, 201),
    ],
    [
      'PATCH /tickets/:id',
      http('PATCH', '/api/v1/tickets/:id', id(othersTicket), () => ({ tags: ['x'] })),
      all(401, 403, 200),
    ],
    ['GET /agents', http('GET', '/api/v1/agents'), all(401, 200, 200)],
    [
      'GET /agents?includeInactive',
      http('GET', '/api/v1/agents?includeInactive=true'),
      all(401, 403, 403, 200),
    ],
    ['GET /agents/:id', http('GET', '/api/v1/agents/:id', async () => owner.id), all(401, 200, 200)],
    [
      'POST /agents',
      http('POST', '/api/v1/agents', undefined, () => ({
        email: `${randomUUID()}@test.local`,
        name: 'New',
        role: 'agent',
      })),
      all(401, 403, 403, 201),
    ],
    [
      'PATCH /agents/:id',
      http('PATCH', '/api/v1/agents/:id', newStaff, () => ({ capacity: 2 })),
      all(401, 403, 403, 200),
    ],
    ['DELETE /agents/:id', http('DELETE', '/api/v1/agents/:id', newStaff), all(401, 403, 403, 200)],
    [
      'POST /agents/:id/password-reset',
      http('POST', '/api/v1/agents/:id/password-reset', newStaff),
      all(401, 403, 403, 200),
    ],
    ['GET /me', http('GET', '/api/v1/me'), all(401, 200, 200)],
    [
      'PUT /me/status',
      http('PUT', '/api/v1/me/status', undefined, () => ({ status: 'away' })),
      all(401, 200, 200),
    ],
    ['GET /queue/live', http('GET', '/api/v1/queue/live'), all(401, 403, 200)],
    ['GET /reports/tickets', http('GET', '/api/v1/reports/tickets?groupBy=agent'), all(401, 403, 200)],
    [
      'GET /reports/tickets?format=csv',
      http('GET', '/api/v1/reports/tickets?format=csv'),
      all(401, 403, 200),
    ],
    ['GET /canned-responses', http('GET', '/api/v1/canned-responses'), all(401, 200, 200)],
    [
      'GET /canned-responses/:id',
      http('GET', '/api/v1/canned-responses/:id', once(canned)),
      all(401, 200, 200),
    ],
    [
      'POST /canned-responses',
      http('POST', '/api/v1/canned-responses', undefined, () => ({
        shortcut: `s${++n}`,
        title: 'T',
        text: 'Hello',
      })),
      all(401, 403, 201),
    ],
    [
      'PATCH /canned-responses/:id',
      http('PATCH', '/api/v1/canned-responses/:id', canned, () => ({ title: 'New' })),
      all(401, 403, 200),
    ],
    [
      'DELETE /canned-responses/:id',
      http('DELETE', '/api/v1/canned-responses/:id', canned),
      all(401, 403, 204),
    ],
    [
      'POST /canned-responses/:id/render',
      withTwo(
        (c) => `/api/v1/canned-responses/${c}/render`,
        (_c, ticketId) => ({ ticketId }),
        async () => Promise.all([canned(), id(othersTicket)()]),
      ),
      all(401, 403, 200),
    ],
    [
      'POST /canned-responses/:id/render (queue)',
      withTwo(
        (c) => `/api/v1/canned-responses/${c}/render`,
        (_c, ticketId) => ({ ticketId }),
        async () => Promise.all([canned(), id(queueTicket)()]),
      ),
      all(401, 200, 200),
    ],
    // Customers rate with the link's token; a staff session changes nothing.
    [
      'POST /csat/:token (public)',
      async (role) =>
        (await call(t, tokens[role], 'POST', `/api/v1/csat/${await csatToken()}`, { score: 5 })).status,
      all(201, 201, 201),
    ],
  ];

  it.each(rows)('%s', { timeout: 90_000 }, async (_name, run, expected) => {
    const got = {} as Record<Role, number>;
    for (const role of ROLES) got[role] = await run(role);
    expect(got).toEqual(expected);
  });

  type SocketRow = [
    string,
    string,
    (role: Exclude<Role, 'anon'>) => Promise<unknown>,
    Record<Exclude<Role, 'anon'>, boolean>,
  ];
  const lead = { agent: false, supervisor: true, admin: true };
  const everyone = { agent: true, supervisor: true, admin: true };
  const socketRows: SocketRow[] = [
    [
      '/agents reply:send',
      'reply:send',
      async () => ({ ticketId: (await othersTicket()).id, text: 'hi', clientMessageId: randomUUID() }),
      lead,
    ],
    [
      '/agents reply:send (queue)',
      'reply:send',
      async () => ({ ticketId: (await queueTicket()).id, text: 'hi', clientMessageId: randomUUID() }),
      everyone,
    ],
    ['/agents ticket:claim', 'ticket:claim', async () => ({ ticketId: (await othersTicket()).id }), lead],
    [
      '/agents ticket:claim (queue)',
      'ticket:claim',
      async () => ({ ticketId: (await queueTicket()).id }),
      everyone,
    ],
    [
      '/agents ticket:assign',
      'ticket:assign',
      async () => ({ ticketId: (await othersTicket()).id, agentId: null }),
      lead,
    ],
    ['/agents ticket:resolve', 'ticket:resolve', async () => ({ ticketId: (await othersTicket()).id }), lead],
    ['/agents ticket:reopen', 'ticket:reopen', async () => ({ ticketId: (await othersResolved()).id }), lead],
    ['/agents ticket:close', 'ticket:close', async () => ({ ticketId: (await othersTicket()).id }), lead],
    [
      '/agents ticket:merge',
      'ticket:merge',
      async () => {
        const { a, b } = await othersPair();
        return { ticketId: b.id, into: a.id };
      },
      lead,
    ],
    [
      '/agents ticket:note',
      'ticket:note',
      async () => ({ ticketId: (await othersTicket()).id, text: 'n' }),
      lead,
    ],
    [
      '/agents ticket:update',
      'ticket:update',
      async () => ({ ticketId: (await othersTicket()).id, priority: 'high' }),
      lead,
    ],
    ['/agents typing', 'typing', async () => ({ ticketId: (await othersTicket()).id, typing: false }), lead],
    [
      '/agents typing (queue)',
      'typing',
      async () => ({ ticketId: (await queueTicket()).id, typing: false }),
      everyone,
    ],
    ['/agents status:set', 'status:set', async () => ({ status: 'away' }), everyone],
  ];

  it.each(socketRows)('%s', { timeout: 90_000 }, async (_name, event, payload, expected) => {
    const got = {} as Record<Exclude<Role, 'anon'>, boolean>;
    for (const role of ['agent', 'supervisor', 'admin'] as const) {
      const ack = await emitAck(sockets[role], event, await payload(role));
      if (!ack.ok && ack.error.code !== 'forbidden')
        throw new Error(`${event} as ${role}: ${ack.error.message}`);
      got[role] = ack.ok;
    }
    expect(got).toEqual(expected);
  });

  it('the staff namespaces refuse sockets without a session, and /supervisors refuses agents', {
    timeout: 60_000,
  }, async () => {
    await expect(connect(t.url, '/agents')).rejects.toThrow(/unauthorized/);
    await expect(connect(t.url, '/supervisors', { token: 'forged' })).rejects.toThrow(/unauthorized/);
    await expect(connect(t.url, '/supervisors', { token: agent.token })).rejects.toThrow(/forbidden/);
    for (const token of [sup.token, adminToken]) {
      const s = await connect(t.url, '/supervisors', { token });
      const live = await emitAck(s, 'queue:get', {});
      expect(live.ok).toBe(true);
      const assign = await emitAck(s, 'ticket:assign', {
        ticketId: (await othersTicket()).id,
        agentId: null,
      });
      expect(assign.ok).toBe(true);
      s.close();
    }
  });

  it("an agent's list and socket show only what they may see", async () => {
    const theirs = await othersTicket();
    const queued = await queueTicket();
    const list = await call<{ tickets: TicketView[] }>(t, agent.token, 'GET', '/api/v1/tickets?limit=500');
    const ids = list.body.tickets.map((x) => x.id);
    expect(ids).toContain(queued.id);
    expect(ids).not.toContain(theirs.id);
    const all = await call<{ tickets: TicketView[] }>(t, sup.token, 'GET', '/api/v1/tickets?limit=500');
    expect(all.body.tickets.map((x) => x.id)).toEqual(expect.arrayContaining([theirs.id, queued.id]));

    const seen: { who: string; id: string }[] = [];
    sockets.agent.on('ticket:updated', (x: TicketView) => seen.push({ who: 'agent', id: x.id }));
    sockets.supervisor.on('ticket:updated', (x: TicketView) => seen.push({ who: 'supervisor', id: x.id }));
    await t.app.core.useCases.tickets.addNote(admin(), theirs.id, 'private to the owner and leads');
    await t.app.core.useCases.tickets.addNote(admin(), queued.id, 'about a queue ticket');
    await new Promise((r) => setTimeout(r, 500));
    expect(seen).toEqual(
      expect.arrayContaining([
        { who: 'supervisor', id: theirs.id },
        { who: 'supervisor', id: queued.id },
        { who: 'agent', id: queued.id },
      ]),
    );
    expect(seen).not.toContainEqual({ who: 'agent', id: theirs.id });
  });

  it('catching up, an agent is told which queue tickets went to someone else while it was away', async () => {
    const sync = await call<{ syncedAt: string }>(t, agent.token, 'GET', '/api/v1/tickets');
    const stays = await queueTicket();
    const leaves = await queueTicket();
    await t.app.core.useCases.tickets.assign(admin(), leaves.id, owner.id);
    const since = encodeURIComponent(sync.body.syncedAt);
    const delta = await call<{ tickets: TicketView[]; removedIds: string[] }>(
      t,
      agent.token,
      'GET',
      `/api/v1/tickets?updatedSince=${since}&limit=500`,
    );
    expect(delta.body.tickets.map((x) => x.id)).toContain(stays.id);
    expect(delta.body.tickets.map((x) => x.id)).not.toContain(leaves.id);
    expect(delta.body.removedIds).toContain(leaves.id);
    // Supervisors see it change instead.
    const lead = await call<{ tickets: TicketView[]; removedIds: string[] }>(
      t,
      sup.token,
      'GET',
      `/api/v1/tickets?updatedSince=${since}&limit=500`,
    );
    expect(lead.body.tickets.map((x) => x.id)).toContain(leaves.id);
    expect(lead.body.removedIds).toEqual([]);
  });
});
