import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketView } from '../../src/core/views/index.js';
import { SCOPES, type Scope } from '../../src/core/views/integration.js';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { addStaff, call, type StaffHandle } from '../helpers/console.js';
import { fitting } from '../helpers/fuzz.js';
import { idPool } from '../helpers/fuzz-app.js';
import { connect, emitAck } from '../helpers/sockets.js';
import { login } from '../helpers/staff.js';
import { fillPath, type RouteOp, routesOf, socketEvents } from '../helpers/surface.js';
import { ADMIN, API_KEY, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The callers: no credential; a website visitor presenting their widget token where a staff
 * token or API key goes; and the three staff roles.
 */
type Role = 'anon' | 'visitor' | 'agent' | 'supervisor' | 'admin';
type StaffRole = Exclude<Role, 'anon' | 'visitor'>;
const DUMMY = '0123456789abcdef01234567';
const ROLES: Role[] = ['anon', 'visitor', 'agent', 'supervisor', 'admin'];

/** `POST /tickets/:id (queue)` → `POST /api/v1/tickets/{id}`: the OpenAPI route a row is about. */
function routeOfRow(name: string): string {
  const [method, rawPath = ''] = name.replace(/\s*\(.*\)$/, '').split(' ');
  const path = rawPath.replace(/\?.*$/, '').replace(/:(\w+)/g, '{$1}');
  const full = /^\/(api|health|slack|rate|console|widget\.js|demo|$)/.test(path) ? path : `/api/v1${path}`;
  return `${method} ${full}`;
}

const IDENTITY_SECRET = 'matrix-identity-secret-0123456789-abcdef';
const signIdentity = (sub: string, secret = IDENTITY_SECRET) =>
  new SignJWT({ email: `${sub}@example.com` })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(secret));

/**
 * The CRM's and the workers' routes, by policy: which staff roles may, and which API token
 * scope may (none: staff only). Every other caller is refused: anonymous, a visitor's widget
 * token, a verified visitor's identity token, a token without the scope. `public` routes are
 * open to all; `signed` ones need a signature no caller here has.
 */
type Policy = { roles: StaffRole[]; scope?: Scope } | 'public' | 'signed';
const ALL: StaffRole[] = ['agent', 'supervisor', 'admin'];
const LEADS: StaffRole[] = ['supervisor', 'admin'];
const ADMINS: StaffRole[] = ['admin'];
const CUSTOMERS_READ: Policy = { roles: ALL, scope: 'customers:read' };
const CUSTOMERS_WRITE: Policy = { roles: ALL, scope: 'customers:write' };
const POLICIES: Record<string, Policy> = {
  'GET /api/v1/customers': CUSTOMERS_READ,
  'POST /api/v1/customers': CUSTOMERS_WRITE,
  'GET /api/v1/customers/{id}': CUSTOMERS_READ,
  'PATCH /api/v1/customers/{id}': CUSTOMERS_WRITE,
  'DELETE /api/v1/customers/{id}': { roles: ADMINS },
  'GET /api/v1/customers/{id}/export': { roles: ADMINS },
  'POST /api/v1/customers/{id}/identities': CUSTOMERS_WRITE,
  'PUT /api/v1/customers/{id}/consent': CUSTOMERS_WRITE,
  'POST /api/v1/customers/{id}/merge': { roles: LEADS, scope: 'customers:write' },
  'GET /api/v1/customers/{id}/merges': CUSTOMERS_READ,
  'GET /api/v1/customers/{id}/timeline': CUSTOMERS_READ,
  'GET /api/v1/customers/{id}/value': CUSTOMERS_READ,
  'GET /api/v1/customers/{id}/interactions': CUSTOMERS_READ,
  'POST /api/v1/customers/{id}/interactions': CUSTOMERS_WRITE,
  'GET /api/v1/customers/{id}/needs': CUSTOMERS_READ,
  'POST /api/v1/customers/{id}/needs': CUSTOMERS_WRITE,
  'GET /api/v1/customers/{id}/orders': { roles: ALL, scope: 'orders:read' },
  'GET /api/v1/needs': CUSTOMERS_READ,
  'GET /api/v1/needs/{id}': CUSTOMERS_READ,
  'PATCH /api/v1/needs/{id}': CUSTOMERS_WRITE,
  'POST /api/v1/needs/{id}/status': CUSTOMERS_WRITE,
  'POST /api/v1/tickets/{id}/needs': CUSTOMERS_WRITE,
  'GET /api/v1/orders': { roles: ALL, scope: 'orders:read' },
  'GET /api/v1/orders/{id}': { roles: ALL, scope: 'orders:read' },
  'POST /api/v1/orders': { roles: ADMINS, scope: 'orders:write' },
  'POST /api/v1/consult': { roles: ALL, scope: 'tickets:write' },
  'POST /api/v1/complaint': { roles: ALL, scope: 'tickets:write' },
  'GET /api/v1/analytics/customers': { roles: LEADS },
  'GET /api/v1/analytics/tickets': { roles: LEADS },
  'GET /api/v1/tokens': { roles: ADMINS },
  'POST /api/v1/tokens': { roles: ADMINS },
  'DELETE /api/v1/tokens/{id}': { roles: ADMINS },
  'GET /api/v1/webhooks': { roles: ADMINS, scope: 'webhooks:manage' },
  'POST /api/v1/webhooks': { roles: ADMINS, scope: 'webhooks:manage' },
  'PATCH /api/v1/webhooks/{id}': { roles: ADMINS, scope: 'webhooks:manage' },
  'DELETE /api/v1/webhooks/{id}': { roles: ADMINS, scope: 'webhooks:manage' },
  'GET /api/v1/webhooks/{id}/deliveries': { roles: ADMINS, scope: 'webhooks:manage' },
  'POST /api/v1/webhooks/shop/orders': 'signed',
  'GET /api/v1/admin/mail': { roles: ADMINS },
  'GET /api/v1/admin/mail/{id}': { roles: ADMINS },
  'GET /api/v1/campaigns': { roles: LEADS },
  'POST /api/v1/campaigns': { roles: LEADS },
  'GET /api/v1/campaigns/{id}': { roles: LEADS },
  'PATCH /api/v1/campaigns/{id}': { roles: LEADS },
  'GET /api/v1/campaigns/{id}/deliveries': { roles: LEADS },
  'POST /api/v1/campaigns/{id}/cancel': { roles: LEADS },
  'POST /api/v1/campaigns/{id}/pause': { roles: LEADS },
  'POST /api/v1/campaigns/{id}/preview': { roles: LEADS },
  'POST /api/v1/campaigns/{id}/resume': { roles: LEADS },
  'POST /api/v1/campaigns/{id}/schedule': { roles: LEADS },
  'POST /api/v1/campaigns/{id}/test': { roles: LEADS },
  'GET /api/v1/suppressions': { roles: LEADS },
  'POST /api/v1/suppressions': { roles: LEADS },
  'GET /api/v1/segments': { roles: ALL },
  'GET /api/v1/segments/customer/{customerId}': { roles: ALL },
  'PATCH /api/v1/segments/{id}': { roles: LEADS },
  'GET /api/v1/segmentation/runs': { roles: LEADS },
  'POST /api/v1/segmentation/runs': { roles: LEADS },
  'GET /api/v1/segmentation/runs/{id}': { roles: LEADS },
  'GET /api/v1/segmentation/runs/{id}/projection': { roles: LEADS },
  'GET /unsubscribe/{token}': 'public',
  'POST /unsubscribe/{token}': 'public',
};
type PolicyCaller = Role | 'verified' | 'token with the scope' | 'token without it';
const POLICY_CALLERS: PolicyCaller[] = [
  'anon',
  'visitor',
  'verified',
  'agent',
  'supervisor',
  'admin',
  'token with the scope',
  'token without it',
];

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
  const sockets = {} as Record<StaffRole, Socket>;
  const handles = {} as Record<StaffRole, StaffHandle>;
  let visitor: Socket;

  beforeAll(async () => {
    t = await startTestApp('matrix', {
      classifier: new KeywordClassifier(),
      env: {
        NLP_SENTENCE_ENCODER: 'false',
        WIDGET_IDENTITY_SECRET: IDENTITY_SECRET,
        SHOP_WEBHOOK_SECRET: 'matrix-shop-secret-0123456789',
        // Hundreds of calls with wrong keys from one address: the API limit is not under test here.
        RATE_LIMIT_API_PER_MINUTE: '100000',
        RATE_LIMIT_NOT_FOUND_PER_MINUTE: '100000',
      },
    });
    // Capacity 0: auto-assignment never hands them tickets; the rows decide who holds what.
    owner = await addStaff(t, 'Owner', 'agent', { capacity: 0 });
    agent = await addStaff(t, 'Outsider', 'agent', { capacity: 0 });
    sup = await addStaff(t, 'Lead', 'supervisor');
    adminToken = await login(t.url, ADMIN.email, ADMIN.password);
    adminId = (await call<{ id: string }>(t, adminToken, 'GET', '/api/v1/me')).body.id;
    let session = { token: '' };
    visitor = await connect(t.url, '/widget', {}, { session: (x) => (session = x as { token: string }) });
    Object.assign(tokens, {
      anon: null,
      visitor: session.token,
      agent: agent.token,
      supervisor: sup.token,
      admin: adminToken,
    });
    Object.assign(handles, {
      agent,
      supervisor: sup,
      admin: { id: adminId, email: ADMIN.email, password: ADMIN.password, token: adminToken, role: 'admin' },
    });
    sockets.agent = await connect(t.url, '/agents', { token: agent.token });
    sockets.supervisor = await connect(t.url, '/agents', { token: sup.token });
    sockets.admin = await connect(t.url, '/agents', { token: adminToken });
  });
  afterAll(async () => {
    visitor?.close();
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
    // A visitor's widget token is no staff credential: wherever it goes, it counts as none.
    visitor: anon,
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

  let loginAccount: Promise<StaffHandle> | undefined;
  const loginee = async () => {
    loginAccount ??= addStaff(t, 'Loginee', 'agent', { capacity: 0 });
    const who = await loginAccount;
    return { email: who.email, password: who.password };
  };
  /** A session of its own for the role's staff member (signing out ends only that one). */
  const freshSession = async (role: Role) => {
    if (role === 'anon' || role === 'visitor') return tokens[role];
    const h = handles[role];
    return t.app.ctx.sessions.create({ agentId: h.id, role, name: h.email, email: h.email });
  };
  const setPasswordToken = async () => {
    const target = await newStaff();
    const res = await call<{ setPasswordToken: string }>(
      t,
      adminToken,
      'POST',
      `/api/v1/agents/${target}/password-reset`,
    );
    return res.body.setPasswordToken;
  };
  const faqBody = () => ({ language: 'en', title: `Q${++n}`, variants: ['how do I'], answer: 'Like this.' });
  const faq = async () =>
    (await call<{ id: string }>(t, adminToken, 'POST', '/api/v1/faq', faqBody())).body.id;
  const customerMessage = once(async () => {
    const ticket = await queueTicket();
    const { stores } = t.app.core;
    const stored = await stores.messages.listForCustomer(ticket.customerId, { limit: 10 });
    if (stored[0]) return stored[0].id;
    const res = await fetch(`${t.url}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify(apiMessage()),
    });
    return ((await res.json()) as { message: { id: string } }).message.id;
  });
  const apiMessage = () => ({ userId: `u-${++n}`, clientMessageId: randomUUID(), text: 'Hello there' });

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
    // Sign-in is open to anyone with the account's password; a session only ends its own.
    [
      'POST /auth/login',
      async (role) => (await call(t, tokens[role], 'POST', '/api/v1/auth/login', await loginee())).status,
      all(200, 200, 200),
    ],
    [
      'POST /auth/logout',
      async (role) => (await call(t, await freshSession(role), 'POST', '/api/v1/auth/logout')).status,
      all(401, 204, 204),
    ],
    [
      'POST /auth/set-password',
      async (role) =>
        (
          await call(t, tokens[role], 'POST', '/api/v1/auth/set-password', {
            token: await setPasswordToken(),
            password: 'a new password 123',
          })
        ).status,
      all(204, 204, 204),
    ],
    [
      'POST /me/password',
      async (role) => {
        if (role === 'anon' || role === 'visitor') {
          return (
            await call(t, tokens[role], 'POST', '/api/v1/me/password', {
              currentPassword: 'x',
              newPassword: 'a new password 123',
            })
          ).status;
        }
        const own = await addStaff(t, `Pw${++n}`, role, { capacity: 0 });
        return (
          await call(t, own.token, 'POST', '/api/v1/me/password', {
            currentPassword: own.password,
            newPassword: `${own.password}-new`,
          })
        ).status;
      },
      all(401, 204, 204),
    ],
    ['GET /faq', http('GET', '/api/v1/faq'), all(401, 200, 200)],
    ['POST /faq', http('POST', '/api/v1/faq', undefined, faqBody), all(401, 403, 201)],
    [
      'PATCH /faq/:id',
      http('PATCH', '/api/v1/faq/:id', faq, () => ({ title: 'Renamed' })),
      all(401, 403, 200),
    ],
    ['DELETE /faq/:id', http('DELETE', '/api/v1/faq/:id', faq), all(401, 403, 204)],
    // Any member of staff may correct what the bot understood (the learning loop).
    [
      'POST /messages/:id/intent',
      http('POST', '/api/v1/messages/:id/intent', customerMessage, () => ({ intent: 'greeting' })),
      all(401, 200, 200),
    ],
    ['GET /nlp/corrections', http('GET', '/api/v1/nlp/corrections'), all(401, 403, 200)],
    ['POST /nlp/retrain', http('POST', '/api/v1/nlp/retrain'), all(401, 403, 202)],
    ['GET /nlp/models', http('GET', '/api/v1/nlp/models'), all(401, 403, 200)],
    // Integrations only: a staff session is not an API key.
    ['POST /messages', http('POST', '/api/v1/messages', undefined, apiMessage), all(401, 403, 403)],
    [
      'POST /messages (with the API key)',
      async () =>
        (
          await fetch(`${t.url}/api/v1/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
            body: JSON.stringify(apiMessage()),
          })
        ).status,
      { anon: 201, visitor: 201, agent: 201, supervisor: 201, admin: 201 },
    ],
    ['GET /messages/parked', http('GET', '/api/v1/messages/parked'), all(401, 403, 200)],
    // The role is checked before the id: leads get as far as "no such parked message".
    [
      'POST /messages/:id/retry',
      http('POST', '/api/v1/messages/:id/retry', async () => DUMMY),
      all(401, 403, 404),
    ],
    [
      'PUT /me/slack',
      async (role) => (await call(t, tokens[role], 'PUT', '/api/v1/me/slack', { slackUserId: null })).status,
      all(401, 200, 200),
    ],
    [
      'PUT /agents/:id/slack',
      http('PUT', '/api/v1/agents/:id/slack', newStaff, () => ({
        slackUserId: `U${randomUUID().slice(0, 8).toUpperCase()}`,
      })),
      all(401, 403, 403, 200),
    ],
    // Public pages and probes: the same for everyone.
    ['GET /health/live', http('GET', '/health/live'), all(200, 200, 200)],
    ['GET /health/ready', http('GET', '/health/ready'), all(200, 200, 200)],
    ['GET /widget.js', http('GET', '/widget.js'), all(200, 200, 200)],
    ['GET /demo', http('GET', '/demo'), all(200, 200, 200)],
    ['GET /', http('GET', '/'), all(200, 200, 200)],
    ['GET /console', http('GET', '/console'), all(200, 200, 200)],
    ['GET /console/:page', http('GET', '/console/tickets'), all(200, 200, 200)],
    ['GET /console/:page/:id', http('GET', `/console/tickets/${DUMMY}`), all(200, 200, 200)],
    ['GET /console/assets/:file', http('GET', '/console/assets/none.js'), all(404, 404, 404)],
    [
      'GET /rate/:token',
      async (role) => (await call(t, tokens[role], 'GET', `/rate/${await csatToken()}`)).status,
      all(200, 200, 200),
    ],
    [
      'POST /rate/:token',
      async (role) => {
        const res = await fetch(`${t.url}/rate/${await csatToken()}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            ...(tokens[role] ? { authorization: `Bearer ${tokens[role]}` } : {}),
          },
          body: 'score=4',
        });
        return res.status;
      },
      all(200, 200, 200),
    ],
    // Slack signs its requests: no session or key stands in for the signature (Slack is off
    // in this app, so the route says it is not configured; tests/channels check signatures).
    [
      'POST /slack/events',
      http('POST', '/slack/events', undefined, () => ({ type: 'url_verification', challenge: 'x' })),
      all(404, 404, 404),
    ],
    [
      'POST /slack/interactions',
      http('POST', '/slack/interactions', undefined, () => ({ payload: '{}' })),
      all(404, 404, 404),
    ],
  ];

  it.each(rows)('%s', { timeout: 90_000 }, async (_name, run, expected) => {
    const got = {} as Record<Role, number>;
    for (const role of ROLES) got[role] = await run(role);
    expect(got).toEqual(expected);
  });

  type SocketRow = [string, string, (role: StaffRole) => Promise<unknown>, Record<StaffRole, boolean>];
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
    const got = {} as Record<StaffRole, boolean>;
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

  it('has a row for every route of the OpenAPI document', async () => {
    const covered = new Set([...rows.map(([name]) => routeOfRow(name)), ...Object.keys(POLICIES)]);
    const missing = (await routesOf(t.url)).map((op) => op.key).filter((key) => !covered.has(key));
    expect(missing).toEqual([]);
  });

  it('the CRM and workers routes follow their policy for every caller, API tokens with and without the scope included', {
    timeout: 600_000,
  }, async () => {
    const ops = (await routesOf(t.url)).filter((op) => POLICIES[op.key]);
    expect(ops.length).toBe(Object.keys(POLICIES).length);
    const pool = await idPool(t);
    const tokenFor = async (scopes: readonly Scope[]) => {
      const res = await call<{ token: string }>(t, adminToken, 'POST', '/api/v1/tokens', {
        name: `m${++n}`,
        scopes,
      });
      if (res.status !== 201) throw new Error(`no API token: ${res.status} ${res.text}`);
      return res.body.token;
    };
    const withScope = new Map<Scope, string>();
    const withoutScope = new Map<Scope, string>();
    for (const scope of SCOPES) {
      withScope.set(scope, await tokenFor([scope]));
      withoutScope.set(scope, await tokenFor(SCOPES.filter((x) => x !== scope)));
    }
    const everyScope = await tokenFor(SCOPES);
    const identity = await signIdentity('matrix-customer');

    type PolicyRequest = { params: Record<string, string>; query: string; body?: unknown };
    const send = (op: RouteOp, caller: PolicyCaller, request: PolicyRequest) => {
      const policy = POLICIES[op.key];
      const scope = typeof policy === 'object' ? policy.scope : undefined;
      const headers: Record<string, string> = {};
      if (caller === 'visitor' && tokens.visitor) headers.authorization = `Bearer ${tokens.visitor}`;
      if (caller === 'verified') headers.authorization = `Bearer ${identity}`;
      if (caller === 'agent' || caller === 'supervisor' || caller === 'admin') {
        headers.authorization = `Bearer ${tokens[caller]}`;
      }
      // A staff-only route: even a token holding every scope is refused.
      if (caller === 'token with the scope')
        headers['x-api-key'] = scope ? (withScope.get(scope) as string) : everyScope;
      if (caller === 'token without it')
        headers['x-api-key'] = withoutScope.get(scope ?? 'customers:read') as string;
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      const path = fillPath(op.path, request.params);
      return fetch(`${t.url}${path}${request.query}`, {
        method: op.method,
        headers,
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      }).then(async (res) => ({ status: res.status, text: await res.text() }));
    };
    /** A request that passes validation (which comes before the caller check), found by trying a few. */
    const validRequest = async (op: RouteOp) => {
      const query = fc.record(
        Object.fromEntries(
          op.query.filter((q) => q.required).map((q) => [q.name, fitting(q.schema, pool, q.name)]),
        ),
      );
      const body = op.body ? fitting(op.body.schema, pool) : fc.constant(undefined);
      // Ids that exist nowhere (a refusal must not depend on the record); other parameters as their schema says.
      const params = fc.record(
        Object.fromEntries(
          op.pathParams.map((p) => [
            p.name,
            p.schema.pattern === '^[0-9a-fA-F]{24}$'
              ? fc.constant(DUMMY)
              : fitting(p.schema, pool, p.name).map((v) => encodeURIComponent(String(v))),
          ]),
        ),
      );
      const candidates = fc.sample(fc.tuple(params, query, body), { numRuns: 30, seed: 23 });
      for (const [p, q, b] of candidates) {
        const qs = new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)])).toString();
        const request: PolicyRequest = {
          params: p as Record<string, string>,
          query: qs ? `?${qs}` : '',
          body: b,
        };
        // Open routes check nothing before their own answer (an unknown link is a 400 page).
        if (typeof POLICIES[op.key] !== 'object') return request;
        if ((await send(op, 'anon', request)).status !== 400) return request;
      }
      throw new Error(`${op.key}: no request of 30 passed validation`);
    };

    const problems: string[] = [];
    for (const op of ops) {
      const policy = POLICIES[op.key] as Policy;
      const request = await validRequest(op);
      for (const caller of POLICY_CALLERS) {
        const expected =
          policy === 'public'
            ? true
            : policy === 'signed'
              ? false
              : caller === 'token with the scope'
                ? policy.scope !== undefined
                : (policy.roles as string[]).includes(caller);
        const res = await send(op, caller, request);
        const allowed = res.status !== 401 && res.status !== 403;
        if (res.status >= 500 || allowed !== expected) {
          problems.push(
            `${op.key} as ${caller}: ${res.status} (expected ${expected ? 'allowed' : 'refused'}) ${res.text.slice(0, 120)}`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
  });

  /** The events of /supervisors and /widget, checked by the tests below (the /agents ones by socketRows). */
  const SUPERVISOR_EVENTS = ['queue:get', 'ticket:assign'];
  const WIDGET_EVENTS = ['message:send', 'history', 'typing', 'csat:submit', 'identify'];

  it('checks every client event of socket-types.ts', () => {
    const covered = new Set([
      ...socketRows.map(([, event]) => `/agents ${event}`),
      ...SUPERVISOR_EVENTS.map((e) => `/supervisors ${e}`),
      ...WIDGET_EVENTS.map((e) => `/widget ${e}`),
    ]);
    expect(
      socketEvents()
        .map((e) => e.key)
        .filter((key) => !covered.has(key)),
    ).toEqual([]);
  });

  it("the staff namespaces refuse a visitor's token; /widget gives a staff token no staff power", {
    timeout: 60_000,
  }, async () => {
    for (const ns of ['/agents', '/supervisors']) {
      await expect(connect(t.url, ns, { token: tokens.visitor })).rejects.toThrow(/unauthorized/);
      await expect(connect(t.url, ns, { visitorId: 'v', token: tokens.visitor })).rejects.toThrow(
        /unauthorized/,
      );
    }
    // A staff token presented to /widget is no visitor's credential: a new, empty visitor.
    const w = await connect(t.url, '/widget', { token: adminToken, visitorId: adminId });
    const history = await emitAck<{ messages: unknown[] }>(w, 'history', {});
    expect(history).toEqual({ ok: true, data: { messages: [] } });
    w.close();
  });

  it('widget events: a visitor acts on their own conversation only (anonymous gets a visitor of its own)', {
    timeout: 60_000,
  }, async () => {
    // Someone else's resolved ticket with a message in it.
    const theirs = await othersResolved();
    // The visitor: writes, reads back only their own, types, and cannot rate another's ticket.
    const sent = await emitAck<{ message: { id: string } }>(visitor, 'message:send', {
      clientMessageId: randomUUID(),
      text: 'hello from the matrix',
    });
    expect(sent.ok).toBe(true);
    const history = await emitAck<{ messages: { id: string; customerId: string }[] }>(visitor, 'history', {});
    expect(history.ok).toBe(true);
    if (history.ok) {
      expect(history.data.messages.length).toBeGreaterThan(0);
      expect(history.data.messages.every((m) => m.customerId !== theirs.customerId)).toBe(true);
    }
    visitor.emit('typing', { typing: true });
    const rate = await emitAck(visitor, 'csat:submit', { ticketId: theirs.id, score: 5 });
    expect(rate.ok).toBe(false);
    // Anonymous: no auth is a brand-new visitor, who sees nothing and rates nothing.
    const anon = await connect(t.url, '/widget');
    expect(await emitAck(anon, 'history', {})).toEqual({ ok: true, data: { messages: [] } });
    const anonRate = await emitAck(anon, 'csat:submit', { ticketId: theirs.id, score: 5 });
    expect(anonRate.ok).toBe(false);
    // identify: the site's signed token verifies a visitor; a forged one does not.
    const forged = await emitAck(anon, 'identify', {
      token: await signIdentity('matrix-customer', `${IDENTITY_SECRET}-forged`),
    });
    expect(forged.ok).toBe(false);
    anon.close();
    const verified = await connect(t.url, '/widget');
    const identified = await emitAck<{ verified: boolean }>(verified, 'identify', {
      token: await signIdentity('matrix-customer'),
    });
    expect(identified).toMatchObject({ ok: true, data: { verified: true } });
    // Verified, they still see only their own conversation and rate nobody else's ticket.
    const own = await emitAck<{ messages: { customerId: string }[] }>(verified, 'history', {});
    expect(own.ok && own.data.messages.every((m) => m.customerId !== theirs.customerId)).toBe(true);
    expect((await emitAck(verified, 'csat:submit', { ticketId: theirs.id, score: 5 })).ok).toBe(false);
    verified.close();
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
