import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendToCustomer } from '../../src/core/outbound/send-to-customer.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { readUntil } from '../helpers/wait.js';

describe('the channel seam', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('seam', { env: { NLP_SENTENCE_ENCODER: 'false' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists the configured channels and refuses one that is not', () => {
    const { channels } = t.app.core;
    expect(channels.list().sort()).toEqual(['api', 'widget']);
    expect(channels.has('discord')).toBe(false);
    expect(() => channels.get('discord')).toThrow(/not configured/);
  });

  it('identifies a conversation by its thread: two threads of one customer are two conversations', async () => {
    const { pipeline } = t.app.core;
    const base = { channel: 'api' as const, externalUserId: 'threads-user' };
    const a = await pipeline.receive({
      ...base,
      threadKey: 'T1',
      externalMessageId: 'm1',
      text: 'hello there',
    });
    const b = await pipeline.receive({
      ...base,
      threadKey: 'T2',
      externalMessageId: 'm2',
      text: 'hello again',
    });
    const a2 = await pipeline.receive({
      ...base,
      threadKey: 'T1',
      externalMessageId: 'm3',
      text: 'still me',
    });
    expect(a.message.customerId).toBe(b.message.customerId);
    expect(a.message.conversationId).not.toBe(b.message.conversationId);
    expect(a2.message.conversationId).toBe(a.message.conversationId);
  });

  it('marks a widget message sent once it is pushed, and fails for good a channel that is not configured', async () => {
    const { pipeline, stores, events, outbox } = t.app.core;
    const { message } = await pipeline.receiveAndProcess({
      channel: 'widget',
      externalUserId: 'visitor-seam',
      clientMessageId: 'c1',
      text: 'hi',
    });
    const [greeting] = await stores.messages
      .listForConversation(message.conversationId, { limit: 10 })
      .then((ms) => ms.filter((m) => m.direction === 'out'));
    expect(greeting).toBeDefined();
    const sent = await readUntil(
      () => stores.messages.get(greeting?.id as string),
      (m) => m?.delivery?.status === 'sent',
    );
    expect(sent?.delivery?.status).toBe('sent');

    // A message stored for a channel this deployment has no adapter for.
    const discord = await pipeline.receive({
      channel: 'discord',
      externalUserId: 'd-user',
      externalMessageId: 'd-1',
      text: 'hello',
    });
    const { message: out } = await sendToCustomer(
      { stores, events, outbox },
      {
        conversationId: discord.message.conversationId,
        customerId: discord.message.customerId,
        channel: 'discord',
        author: { kind: 'bot' },
        text: 'nobody can carry this',
        replyKey: 'seam-test',
        at: new Date(),
      },
    );
    const failed = await readUntil(
      () => stores.messages.get(out.id),
      (m) => m?.delivery?.status === 'failed',
    );
    expect(failed?.delivery).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed?.delivery?.lastError).toMatch(/discord channel is not configured/);
  });
});
