import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('ingest is idempotent on real MongoDB', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('ingest', { classifier: new KeywordClassifier(), listen: false });
  });
  afterAll(async () => t?.close());

  it('stores the same client message id once, even sent concurrently, and opens one ticket', async () => {
    const {
      pipeline,
      infra: { models },
    } = t.app.core;
    const send = () =>
      pipeline.receiveAndProcess({
        channel: 'widget',
        externalUserId: 'visitor-1',
        clientMessageId: 'm-1',
        text: 'Can I pay with PayPal?',
      });
    const results = await Promise.all(Array.from({ length: 8 }, send));
    const ids = new Set(results.map((r) => r.message.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await models.Message.countDocuments({ direction: 'in', clientMessageId: 'm-1' })).toBe(1);
    expect(await models.Customer.countDocuments()).toBe(1);
    expect(await models.Identity.countDocuments({ channel: 'widget', externalId: 'visitor-1' })).toBe(1);
    expect(await models.Conversation.countDocuments()).toBe(1);
    expect(await models.Ticket.countDocuments()).toBe(1);
    // The hand-off notice is said once, however many times the message came.
    expect(await models.Message.countDocuments({ 'author.kind': 'bot' })).toBe(1);
  });

  it('stores a platform retry (same external message id) once', async () => {
    const {
      pipeline,
      infra: { models },
    } = t.app.core;
    const event = {
      channel: 'slack' as const,
      externalUserId: 'U1',
      externalMessageId: '1700000000.0001',
      text: 'hello',
    };
    const first = await pipeline.receiveAndProcess(event);
    const retry = await pipeline.receiveAndProcess(event);
    expect(first.duplicate).toBe(false);
    expect(retry.duplicate).toBe(true);
    expect(await models.Message.countDocuments({ sourceKey: 'slack:1700000000.0001' })).toBe(1);
  });

  it('keeps one live ticket per conversation when several messages race', async () => {
    const {
      pipeline,
      infra: { models },
    } = t.app.core;
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        pipeline.receiveAndProcess({
          channel: 'api',
          externalUserId: 'crm-42',
          clientMessageId: `race-${i}`,
          text: i % 2 ? 'The parcel arrived damaged, terrible' : 'Can I pay by invoice?',
        }),
      ),
    );
    const customer = await models.Identity.findOne({ channel: 'api', externalId: 'crm-42' }).lean();
    const tickets = await models.Ticket.find({ customerId: customer?.customerId }).lean();
    expect(tickets).toHaveLength(1);
    expect(tickets[0]?.messageCount).toBe(6);
    // A complaint among them upgrades the ticket to a complaint.
    expect(tickets[0]?.kind).toBe('complaint');
  });

  it('resumes a message that was stored but never processed', async () => {
    const {
      pipeline,
      infra: { models },
    } = t.app.core;
    const ack = await pipeline.accept({
      channel: 'widget',
      externalUserId: 'visitor-crash',
      clientMessageId: 'lost-1',
      text: 'Is the store open on Sunday?',
    });
    expect(ack.message.processed).toBe(false);
    // As if the process died here; the recovery job finds it.
    const resumed = await pipeline.recoverUnprocessed(new Date(Date.now() + 1000));
    expect(resumed).toBeGreaterThanOrEqual(1);
    const stored = await models.Message.findById(ack.message.id).lean();
    expect(stored?.processedAt).toBeInstanceOf(Date);
    expect(stored?.ticketId).toBeTruthy();
  });

  it('refuses a message without any idempotency id or with empty text', async () => {
    const { pipeline } = t.app.ctx;
    await expect(pipeline.accept({ channel: 'api', externalUserId: 'x', text: 'hi' })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(
      pipeline.accept({ channel: 'api', externalUserId: 'x', clientMessageId: 'a', text: '   ' }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
