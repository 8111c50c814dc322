import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors.js';
import type { Actor } from '../../src/core/views/staff.js';
import { API_KEY, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Claim, priority, resolve and notes as the Slack buttons and thread replies call them (the
 * console's use cases), with their role rules, on the real database: who may do what to which ticket.
 */
describe("the Slack desk's ticket actions and their role matrix", () => {
  let t: TestApp;
  let ann: Actor;
  let ben: Actor;
  let sue: Actor;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp('slackactions', { env: { NLP_SENTENCE_ENCODER: 'false' }, workers: false });
    const make = async (email: string, role: Actor['role']): Promise<Actor> => {
      const s = await t.app.ctx.useCases.staff.create({
        email,
        name: email.split('@')[0] ?? email,
        role,
        password: 'password-123',
      });
      return { id: s.id, role };
    };
    ann = await make('ann@test.local', 'agent');
    ben = await make('ben@test.local', 'agent');
    sue = await make('sue@test.local', 'supervisor');
  });
  afterAll(async () => t?.close());

  const uc = () => t.app.core.useCases.tickets;
  const openTicket = async () => {
    const res = await fetch(`${t.url}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify({
        userId: `u-${++n}`,
        clientMessageId: `m-${n}`,
        text: 'I want to talk to a human agent',
      }),
    });
    const body = (await res.json()) as { ticket: { id: string } };
    return body.ticket.id;
  };
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'ok';
    } catch (err) {
      if (err instanceof DomainError) return err.code;
      throw err;
    }
  };
  const load = (email: string) => t.app.core.infra.models.Agent.findOne({ email }).lean();

  it('lets an agent claim an unassigned ticket, not take another agent’s; a supervisor may take it over', async () => {
    const id = await openTicket();
    const claimed = await uc().claim(ann, id);
    expect(claimed.assigneeId).toBe(ann.id);
    // A second press changes nothing.
    expect((await uc().claim(ann, id)).rev).toBe(claimed.rev);
    expect(await code(uc().claim(ben, id))).toBe('forbidden');
    const taken = await uc().claim(sue, id);
    expect(taken.assigneeId).toBe(sue.id);
    // The open-ticket counts follow the assignee.
    expect((await load('ann@test.local'))?.openTickets).toBe(0);
    expect((await load('sue@test.local'))?.openTickets).toBe(1);
  });

  it('lets the holder (or a supervisor) set the priority and resolve; others are refused', async () => {
    const id = await openTicket();
    await uc().claim(ann, id);
    expect(await code(uc().setPriority(ben, id, 'urgent'))).toBe('forbidden');
    expect((await uc().setPriority(ann, id, 'high')).priority).toBe('high');
    expect((await uc().setPriority(sue, id, 'urgent')).priority).toBe('urgent');
    expect(await code(uc().resolve(ben, id))).toBe('forbidden');
    const done = await uc().resolve(ann, id);
    expect(done.status).toBe('resolved');
    // Resolving twice is harmless: nothing changes.
    expect((await uc().resolve(ann, id)).rev).toBe(done.rev);
    expect(await code(uc().claim(ann, id))).toBe('validation_failed');
    expect(await code(uc().setPriority(ann, id, 'low'))).toBe('validation_failed');
    expect(await code(uc().claim(ann, '0123456789abcdef01234567'))).toBe('not_found');
  });

  it('keeps a note once per key', async () => {
    const id = await openTicket();
    expect((await uc().addNote(ben, id, 'called them', { key: 'k1' })).added).toBe(true);
    expect((await uc().addNote(ben, id, 'called them', { key: 'k1' })).added).toBe(false);
    expect(await code(uc().addNote(ben, id, '   ', { key: 'k2' }))).toBe('validation_failed');
    const doc = await t.app.core.infra.models.Ticket.findById(id).lean();
    expect(doc?.notes.map((x) => x.text)).toEqual(['called them']);
  });

  it('lets one of two concurrent claims win', async () => {
    const id = await openTicket();
    const results = await Promise.all([code(uc().claim(ann, id)), code(uc().claim(ben, id))]);
    expect(results.sort()).toEqual(['forbidden', 'ok']);
    const doc = await t.app.core.infra.models.Ticket.findById(id).lean();
    expect([ann.id, ben.id]).toContain(String(doc?.assigneeId));
  });
});
