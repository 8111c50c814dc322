import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveQueueView, StaffMemberView, TicketView } from '../../src/core/views/index.js';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { addStaff, call, customerSays, openConsole, waitFor } from '../helpers/console.js';
import { connect, emitAck, nextEvent } from '../helpers/sockets.js';
import { login } from '../helpers/staff.js';
import { ADMIN, startTestApp, type TestApp } from '../helpers/test-app.js';

const disconnected = (s: Socket) =>
  new Promise<string>((resolve) => {
    if (!s.connected) resolve('already');
    s.once('disconnect', (reason) => resolve(reason));
  });

describe('staff accounts, sessions and presence', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp('staff', {
      classifier: new KeywordClassifier(),
      env: { NLP_SENTENCE_ENCODER: 'false' },
    });
    admin = await login(t.url, ADMIN.email, ADMIN.password);
  });
  afterAll(async () => t?.close());

  const status = async (id: string) => (await t.app.core.stores.staff.getMember(id))?.status;

  // A dozen scrypt hashes and checks (OWASP's parameters): slow on purpose, so a longer timeout.
  it('admins create staff with a password, a set-password link or a one-time password', {
    timeout: 120_000,
  }, async () => {
    const withPassword = await call<{ staff: StaffMemberView }>(t, admin, 'POST', '/api/v1/agents', {
      email: 'Pat@Test.Local',
      name: 'Pat',
      role: 'agent',
      languages: ['en', 'zh'],
      skills: ['Complaint'],
      capacity: 4,
      password: 'pat-password-1',
    });
    expect(withPassword.status).toBe(201);
    expect(withPassword.body.staff).toMatchObject({
      email: 'pat@test.local',
      role: 'agent',
      languages: ['en', 'zh'],
      skills: ['complaint'],
      capacity: 4,
      openTickets: 0,
      status: 'offline',
      active: true,
    });
    expect(await login(t.url, 'pat@test.local', 'pat-password-1')).toBeTruthy();
    const dup = await call(t, admin, 'POST', '/api/v1/agents', {
      email: 'pat@test.local',
      name: 'P',
      role: 'agent',
    });
    expect(dup.status).toBe(409);

    const linked = await call<{ setPasswordUrl: string; setPasswordToken: string; staff: StaffMemberView }>(
      t,
      admin,
      'POST',
      '/api/v1/agents',
      { email: 'lin@test.local', name: 'Lin', role: 'supervisor' },
    );
    expect(linked.status).toBe(201);
    expect(linked.body.setPasswordUrl).toContain('/console/set-password?token=');
    expect(linked.body.staff.capacity).toBe(0); // supervisors take tickets only if given capacity
    const set = await call(t, null, 'POST', '/api/v1/auth/set-password', {
      token: linked.body.setPasswordToken,
      password: 'lin-chosen-password',
    });
    expect(set.status).toBe(204);
    expect(await login(t.url, 'lin@test.local', 'lin-chosen-password')).toBeTruthy();
    const reused = await call(t, null, 'POST', '/api/v1/auth/set-password', {
      token: linked.body.setPasswordToken,
      password: 'another-password',
    });
    expect(reused.status).toBe(401); // single use

    const otp = await call<{ oneTimePassword: string; staff: StaffMemberView }>(
      t,
      admin,
      'POST',
      '/api/v1/agents',
      {
        email: 'oli@test.local',
        name: 'Oli',
        role: 'agent',
        invite: 'one_time_password',
      },
    );
    expect(otp.body.oneTimePassword).toBeTruthy();
    const signIn = await call<{ token: string; mustChangePassword: boolean }>(
      t,
      null,
      'POST',
      '/api/v1/auth/login',
      {
        email: 'oli@test.local',
        password: otp.body.oneTimePassword,
      },
    );
    expect(signIn.body.mustChangePassword).toBe(true);
    const token = signIn.body.token;
    // Until a new password is chosen, only that (and /me, sign-out) is allowed; no console either.
    expect((await call(t, token, 'GET', '/api/v1/tickets')).status).toBe(403);
    expect((await call(t, token, 'GET', '/api/v1/me')).status).toBe(200);
    await expect(connect(t.url, '/agents', { token })).rejects.toThrow(/password/);
    const wrong = await call(t, token, 'POST', '/api/v1/me/password', {
      currentPassword: 'not-it',
      newPassword: 'oli-new-password',
    });
    expect(wrong.status).toBe(401);
    const changed = await call(t, token, 'POST', '/api/v1/me/password', {
      currentPassword: otp.body.oneTimePassword,
      newPassword: 'oli-new-password',
    });
    expect(changed.status).toBe(204);
    expect((await call(t, token, 'GET', '/api/v1/tickets')).status).toBe(200);
    expect(await login(t.url, 'oli@test.local', 'oli-new-password')).toBeTruthy();
    expect(await t.app.core.infra.models.AuditLog.countDocuments({ action: 'staff.create' })).toBe(3);
  });

  it('presence: a console connecting shows online (unless away was chosen), the last one going shows offline', async () => {
    const kim = await addStaff(t, 'Kim');
    expect(await status(kim.id)).toBe('offline');
    const first = await openConsole(t, kim);
    expect(await status(kim.id)).toBe('online');
    const second = await connect(t.url, '/agents', { token: kim.token });
    first.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(await status(kim.id)).toBe('online'); // one console is still there
    const away = await emitAck<{ staff: StaffMemberView }>(second, 'status:set', { status: 'away' });
    expect(away.ok && away.data.staff.status).toBe('away');
    second.close();
    await waitFor(async () => (await status(kim.id)) === 'offline', 'offline');
    // Away was chosen: a console connecting keeps Kim away.
    const third = await connect(t.url, '/agents', { token: kim.token });
    await waitFor(async () => (await status(kim.id)) === 'away', 'away');
    const online = await call<StaffMemberView>(t, kim.token, 'PUT', '/api/v1/me/status', {
      status: 'online',
    });
    expect(online.body.status).toBe('online');
    third.close();
    await waitFor(async () => (await status(kim.id)) === 'offline', 'offline again');
    // Without a console, choosing online shows offline (nobody is there to answer).
    const alone = await call<StaffMemberView>(t, kim.token, 'PUT', '/api/v1/me/status', { status: 'online' });
    expect(alone.body.status).toBe('offline');
  });

  it('a console whose process died stops counting: the sweep shows its agent offline', async () => {
    const dan = await addStaff(t, 'Dan');
    await t.app.core.presence.connect(dan.id, 'dead-process:socket-1');
    await t.app.core.stores.staff.setStatus(dan.id, 'online', new Date(Date.now() - 5 * 60_000));
    // Its process stopped renewing: the entry expires after 60 s.
    await t.app.core.infra.redis.zadd(
      `${t.dbName}:presence:${dan.id}`,
      Date.now() - 1,
      'dead-process:socket-1',
    );
    expect(await t.app.core.useCases.presence.sweep()).toBe(1);
    expect(await status(dan.id)).toBe('offline');
  });

  it('deactivating someone cuts their live socket at once, ends their sessions and returns their tickets', async () => {
    const eve = await addStaff(t, 'Eve', 'agent', { capacity: 3 });
    const socket = await openConsole(t, eve);
    const ended = nextEvent<{ reason: string }>(socket, 'session:ended');
    const gone = disconnected(socket);
    const r = await customerSays(t, 'v-deact', 'a human please');
    const ticketId = r.ticket?.id as string;
    expect((await t.app.core.stores.tickets.get(ticketId))?.assigneeId).toBe(eve.id);

    const res = await call<StaffMemberView>(t, admin, 'DELETE', `/api/v1/agents/${eve.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ active: false, status: 'offline' });
    expect((await ended).reason).toBe('deactivated');
    expect(await gone).toBe('io server disconnect');
    expect((await call(t, eve.token, 'GET', '/api/v1/me')).status).toBe(401);
    await expect(login(t.url, eve.email, eve.password)).rejects.toThrow(/401/);
    await expect(connect(t.url, '/agents', { token: eve.token })).rejects.toThrow(/unauthorized/);
    const ticket = (await t.app.core.stores.tickets.get(ticketId)) as TicketView;
    expect(ticket.assigneeId).toBeUndefined();
    expect(ticket.queuedAt).toBeTruthy();
    expect(await t.app.core.infra.models.AuditLog.countDocuments({ action: 'staff.deactivate' })).toBe(1);
  });

  it('demoting someone ends their sessions too; the last active admin cannot be demoted', async () => {
    const fay = await addStaff(t, 'Fay', 'supervisor');
    const socket = await connect(t.url, '/supervisors', { token: fay.token });
    const gone = disconnected(socket);
    const res = await call<StaffMemberView>(t, admin, 'PATCH', `/api/v1/agents/${fay.id}`, { role: 'agent' });
    expect(res.body.role).toBe('agent');
    expect(await gone).toBe('io server disconnect');
    expect((await call(t, fay.token, 'GET', '/api/v1/me')).status).toBe(401);
    // As an agent now, the supervisors' namespace refuses her.
    const again = await login(t.url, fay.email, fay.password);
    await expect(connect(t.url, '/supervisors', { token: again })).rejects.toThrow(/forbidden/);

    const me = await call<StaffMemberView>(t, admin, 'GET', '/api/v1/me');
    const last = await call(t, admin, 'PATCH', `/api/v1/agents/${me.body.id}`, { role: 'supervisor' });
    expect(last.status).toBe(409);
    expect((await call(t, admin, 'DELETE', `/api/v1/agents/${me.body.id}`)).status).toBe(409);
  });

  it('signing out disconnects the console of that session only', async () => {
    const gus = await addStaff(t, 'Gus');
    const other = await login(t.url, gus.email, gus.password);
    const a = await openConsole(t, gus);
    const b = await connect(t.url, '/agents', { token: other });
    const gone = disconnected(a);
    expect((await call(t, gus.token, 'POST', '/api/v1/auth/logout')).status).toBe(204);
    expect(await gone).toBe('io server disconnect');
    await new Promise((r) => setTimeout(r, 200));
    expect(b.connected).toBe(true);
    b.close();
  });

  it('the supervisors namespace refuses agents and pushes queue:live to supervisors as tickets arrive', async () => {
    const hal = await addStaff(t, 'Hal');
    await expect(connect(t.url, '/supervisors', { token: hal.token })).rejects.toThrow(/forbidden/);
    await expect(connect(t.url, '/supervisors', { token: 'nope' })).rejects.toThrow(/unauthorized/);
    const ivy = await addStaff(t, 'Ivy', 'supervisor');
    const snapshots: LiveQueueView[] = [];
    const sup = await connect(
      t.url,
      '/supervisors',
      { token: ivy.token },
      {
        'queue:live': (q) => snapshots.push(q as LiveQueueView),
      },
    );
    sup.on('queue:live', (q: LiveQueueView) => snapshots.push(q));
    await waitFor(() => snapshots.length > 0, 'the first queue:live');
    const before = snapshots[snapshots.length - 1] as LiveQueueView;
    const n = before.waiting.count;
    const opened = before.today.opened;
    await customerSays(t, 'v-live-1', 'I want a human');
    await customerSays(t, 'v-live-2', '我要人工');
    await waitFor(
      () => (snapshots[snapshots.length - 1] as LiveQueueView).waiting.count === n + 2,
      'the numbers to move',
    );
    const now = snapshots[snapshots.length - 1] as LiveQueueView;
    expect(now.today.opened).toBe(opened + 2);
    expect(now.today.byChannel.widget).toBeGreaterThanOrEqual(2);
    expect(now.today.byIntent.ask_human).toBeGreaterThanOrEqual(2);
    expect(now.waiting.oldestWaitSeconds).toBeGreaterThanOrEqual(0);
    expect(now.agents.map((a) => a.name)).toEqual(expect.arrayContaining(['Hal', 'Ivy']));
    const got = await emitAck<LiveQueueView>(sup, 'queue:get', {});
    expect(got.ok && got.data.waiting.count).toBe(n + 2);
    // Reassign from the live queue.
    const waitingId = now.waiting.tickets[0]?.id as string;
    const assigned = await emitAck<{ ticket: TicketView }>(sup, 'ticket:assign', {
      ticketId: waitingId,
      agentId: hal.id,
    });
    expect(assigned.ok && assigned.data.ticket.assigneeId).toBe(hal.id);
    sup.close();
  });
});
