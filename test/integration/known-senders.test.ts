import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerStore } from '../../src/core/ports/store.js';
import { client } from '../helpers/http.js';
import { login, staffToken } from '../helpers/staff.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The pipeline remembers which customer a channel identity is, and trusts that only together
 * with an open conversation under that customer. Merges and erasures go through the HTTP API,
 * as from another process: nothing tells the pipeline, and the next message must still land
 * with the right customer.
 */
describe('known senders: one read for a message in an open conversation, right after a merge or an erasure', () => {
  let t: TestApp;
  let admin: ReturnType<typeof client>;
  let supervisor: ReturnType<typeof client>;
  /** Identity look-ups made by the pipeline, counted at the store port (the database stays real). */
  const lookups: string[] = [];

  beforeAll(async () => {
    t = await startTestApp('senders', { env: { NLP_SENTENCE_ENCODER: 'false' } });
    admin = client(t.url, { bearer: await login(t.url) });
    supervisor = client(t.url, { bearer: await staffToken(t, 'senders-sup@test.local', 'supervisor') });
    const customers = t.app.core.stores.customers as CustomerStore;
    const resolve = customers.resolveIdentity.bind(customers);
    customers.resolveIdentity = (input) => {
      lookups.push(input.externalId);
      return resolve(input);
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  const send = async (userId: string, n: number, text = `question number ${n}`) =>
    (
      await t.app.core.pipeline.accept({
        channel: 'api',
        externalUserId: userId,
        clientMessageId: `${userId}-${n}`,
        text,
      })
    ).message;
  const lookupsOf = (userId: string) => lookups.filter((x) => x === userId).length;

  it('looks the sender up once, then finds them through their open conversation', async () => {
    const first = await send('known-1', 1);
    const second = await send('known-1', 2);
    const third = await send('known-1', 3);
    expect(lookupsOf('known-1')).toBe(1);
    expect(new Set([first, second, third].map((m) => m.customerId)).size).toBe(1);
    expect(new Set([first, second, third].map((m) => m.conversationId)).size).toBe(1);
    // A resend is still stored once.
    const again = await t.app.core.pipeline.accept({
      channel: 'api',
      externalUserId: 'known-1',
      clientMessageId: 'known-1-2',
      text: 'question number 2',
    });
    expect(again.duplicate).toBe(true);
    expect(again.message.id).toBe(second.id);
  });

  it('after the sender was merged into another customer, the next message is the target’s, in the moved conversation', async () => {
    const before = await send('merged-1', 1);
    const sourceId = before.customerId;
    const target = await admin.post<{ id: string }>('/api/v1/customers', { name: 'Merge Target' });
    expect(target.status).toBe(201);
    const merged = await supervisor.post<{ merge: { status: string } }>(
      `/api/v1/customers/${target.body.id}/merge`,
      { sourceId },
    );
    expect(merged.status).toBe(200);
    expect(merged.body.merge.status).toBe('done');

    const after = await send('merged-1', 2);
    expect(after.customerId).toBe(target.body.id);
    expect(after.conversationId).toBe(before.conversationId);
    // The remembered customer found no open conversation: the identity was read again, once.
    expect(lookupsOf('merged-1')).toBe(2);
    await send('merged-1', 3);
    expect(lookupsOf('merged-1')).toBe(2);
    const m = t.app.core.infra.models;
    expect(await m.Message.countDocuments({ customerId: sourceId })).toBe(0);
    expect(await m.Message.countDocuments({ customerId: target.body.id })).toBe(3);
  });

  it('after the sender was erased, the next message opens a new customer and nothing is stored under the erased one', async () => {
    const before = await send('erased-1', 1, 'my address is 1 Secret Street');
    const erasedId = before.customerId;
    const erased = await admin.delete<{ erased: Record<string, number> }>(`/api/v1/customers/${erasedId}`);
    expect(erased.status).toBe(200);

    const after = await send('erased-1', 2, 'hello again');
    expect(after.customerId).not.toBe(erasedId);
    expect(after.conversationId).not.toBe(before.conversationId);
    expect(lookupsOf('erased-1')).toBe(2);
    const m = t.app.core.infra.models;
    const left = await m.Message.find({ customerId: erasedId, direction: 'in' }).lean();
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((x) => !x.text.includes('Secret') && !x.text.includes('hello again'))).toBe(true);
  });

  it('after the conversation was closed, the same customer gets a new one without a second customer', async () => {
    const before = await send('closed-1', 1);
    // Only merges and erasures close one today; whatever closes one later releases its key so.
    await t.app.core.infra.models.Conversation.updateOne(
      { _id: before.conversationId },
      { $set: { status: 'resolved' }, $unset: { openKey: 1 } },
    );
    const after = await send('closed-1', 2);
    expect(after.customerId).toBe(before.customerId);
    expect(after.conversationId).not.toBe(before.conversationId);
    expect(lookupsOf('closed-1')).toBe(2);
  });
});
