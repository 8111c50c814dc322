import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('customer features kept up to date as things happen', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('features', {
      classifier: new KeywordClassifier(),
      listen: false,
      env: { NLP_SENTENCE_ENCODER: 'false', SEGMENTATION_CRON: 'off' },
    });
  });
  afterAll(async () => t?.close());

  const featuresOf = async (customerId: string) =>
    (await t.app.core.infra.models.Customer.findById(customerId).lean())?.features;

  it('counts each classified message once (sentiment, channel) and each ticket opened by kind', async () => {
    const { pipeline } = t.app.core;
    const first = await pipeline.receiveAndProcess({
      channel: 'api',
      externalUserId: 'feat-1',
      clientMessageId: 'm1',
      text: 'This is terrible, the parcel arrived damaged and I want a refund',
    });
    const customerId = first.message.customerId;
    expect(first.ticket?.kind).toBe('complaint');
    // A resend, and the message processed again (recovery after a crash): nothing counts twice.
    await pipeline.receiveAndProcess({
      channel: 'api',
      externalUserId: 'feat-1',
      clientMessageId: 'm1',
      text: 'This is terrible, the parcel arrived damaged and I want a refund',
    });
    await pipeline.process(first.message);
    await pipeline.receiveAndProcess({
      channel: 'widget',
      externalUserId: 'feat-1',
      clientMessageId: 'm2',
      text: 'Can I change my delivery address please?',
    });
    const widgetCustomer = (await t.app.core.stores.customers.findByIdentity('widget', 'feat-1'))!;
    const api = await featuresOf(customerId);
    expect(api).toMatchObject({
      sentimentCount: 1,
      sentimentSum: -0.8,
      complaints: 1,
      consultations: 0,
      channels: ['api'],
    });
    const widget = await featuresOf(widgetCustomer);
    expect(widget).toMatchObject({ sentimentCount: 1, sentimentSum: 0, channels: ['widget'] });
  });

  it('offers the CRM and the console single-document updates for orders, refunds, CSAT and channels', async () => {
    const { customerFeatures } = t.app.core.stores;
    const { customerId } = await t.app.core.stores.customers.resolveIdentity({
      channel: 'api',
      externalId: 'feat-2',
      at: new Date(),
    });
    const may = new Date('2026-05-01');
    const april = new Date('2026-04-01');
    await Promise.all([
      customerFeatures.recordOrder(customerId, { total: 100, placedAt: may }),
      customerFeatures.recordOrder(customerId, { total: 50, placedAt: april }),
      customerFeatures.recordOrder(customerId, { total: 25, placedAt: april }),
    ]);
    await customerFeatures.recordRefund(customerId, 25);
    await customerFeatures.recordCsat(customerId, 2, may);
    // An older answer arriving late does not replace the newer one.
    await customerFeatures.recordCsat(customerId, 5, april);
    await customerFeatures.recordChannel(customerId, 'email');
    await customerFeatures.recordChannel(customerId, 'email');
    await customerFeatures.recordTicketOpened(customerId, 'consultation');
    const f = await featuresOf(customerId);
    expect(f).toMatchObject({
      frequency: 3,
      monetary: 150,
      lastCsat: 2,
      consultations: 1,
      channels: ['email'],
    });
    expect(f?.lastOrderAt).toEqual(may);
  });
});
