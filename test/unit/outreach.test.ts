import { describe, expect, it } from 'vitest';
import { hmacUnsubscribeLinks } from '../../src/auth/unsubscribe-links.js';
import { compileCampaign, renderEmail } from '../../src/core/outreach/render-email.js';
import { resultOf } from '../../src/core/outreach/send-campaign.js';
import type { QueueSlot } from '../../src/core/ports/outreach.js';
import { classifySmtpError } from '../../src/infra/smtp-mailer.js';
import { handlebarsTemplates } from '../../src/infra/templates.js';

const slot = (attempt: number): QueueSlot => ({
  seq: 1,
  deliveryId: 'd',
  customerId: 'c',
  email: 'x@y.z',
  attempt,
});
const settings = { maxAttempts: 3, retryBaseMs: 1000 };
const at = new Date('2026-01-01T00:00:00Z');

describe('outreach rules', () => {
  it('reads SMTP answers: 5xx refused for good, 4xx and 503 for now, a broken connection unknown', () => {
    expect(classifySmtpError({ responseCode: 550, response: '550 no such user' })).toMatchObject({
      status: 'rejected',
      permanent: true,
      code: 550,
    });
    expect(classifySmtpError({ responseCode: 421, response: '421 try later' })).toMatchObject({
      status: 'rejected',
      permanent: false,
    });
    expect(classifySmtpError({ responseCode: 503 })).toMatchObject({ status: 'rejected', permanent: false });
    // Never connected: nothing can have been delivered, so retrying is safe.
    expect(
      classifySmtpError({ code: 'ESOCKET', originalCode: 'ECONNREFUSED', message: 'refused' }),
    ).toMatchObject({ status: 'rejected', permanent: false });
    expect(classifySmtpError({ code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT' })).toMatchObject({
      status: 'rejected',
      permanent: false,
    });
    // Dropped mid-conversation: the message may have been taken.
    expect(
      classifySmtpError({ code: 'ECONNECTION', message: 'Connection closed unexpectedly' }),
    ).toMatchObject({ status: 'unknown' });
    expect(classifySmtpError({ code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT' })).toMatchObject({
      status: 'unknown',
    });
  });

  it('retries a 4xx with a doubling backoff, gives up after the last attempt, records a 5xx at once', () => {
    const first = resultOf(
      slot(1),
      { status: 'rejected', permanent: false, code: 451, reason: 'later' },
      at,
      settings,
    );
    expect(first).toMatchObject({ status: 'retry', nextAttemptAt: new Date(at.getTime() + 1000) });
    const second = resultOf(
      slot(2),
      { status: 'rejected', permanent: false, code: 451, reason: 'later' },
      at,
      settings,
    );
    expect(second).toMatchObject({ status: 'retry', nextAttemptAt: new Date(at.getTime() + 2000) });
    const last = resultOf(
      slot(3),
      { status: 'rejected', permanent: false, code: 451, reason: 'later' },
      at,
      settings,
    );
    expect(last).toMatchObject({ status: 'failed', error: 'gave up after 3 attempts: 451 later' });
    const hard = resultOf(
      slot(1),
      { status: 'rejected', permanent: true, code: 550, reason: 'no such user' },
      at,
      settings,
    );
    expect(hard).toMatchObject({ status: 'failed', error: '550 no such user' });
    expect(resultOf(slot(1), { status: 'unknown', reason: 'dropped' }, at, settings).status).toBe('unknown');
  });

  it('signs unsubscribe links: a changed id or signature is refused; a test link names no one', () => {
    const links = hmacUnsubscribeLinks('s'.repeat(40), 'https://help.example.com');
    const customer = '65a1b2c3d4e5f60718293a4b';
    const campaign = '65a1b2c3d4e5f60718293a4c';
    const url = links.url({ customerId: customer, campaignId: campaign });
    expect(url).toMatch(/^https:\/\/help\.example\.com\/unsubscribe\/[0-9a-f]{24}\.[0-9a-f]{24}\.[\w-]{32}$/);
    const token = url.split('/').at(-1)!;
    expect(links.verify(token)).toEqual({ customerId: customer, campaignId: campaign });
    expect(links.verify(token.replace(customer, '65a1b2c3d4e5f60718293a4d'))).toBeNull();
    expect(links.verify(`${token.slice(0, -1)}A`)).toBeNull();
    expect(hmacUnsubscribeLinks('t'.repeat(40), 'https://x').verify(token)).toBeNull();
    const test = links.url({ customerId: null, campaignId: campaign }).split('/').at(-1)!;
    expect(links.verify(test)).toEqual({ customerId: null, campaignId: campaign });
  });

  it('escapes customer data in HTML, not in text, and always carries the unsubscribe link', () => {
    const engine = handlebarsTemplates();
    const compiled = compileCampaign(engine, {
      subject: 'Hi {{firstName}}\\r\\nBcc: x',
      text: 'Dear {{name}}',
      html: '<p>Dear {{name}}</p>{{#if email}}<p>{{email}}</p>{{/if}}',
    });
    const email = renderEmail(compiled, {
      campaignName: 'c',
      recipient: { email: 'a@b.c', name: '<script>alert(1)</script> Smith' },
      unsubscribeUrl: 'https://x/unsubscribe/t?a=1&b=2',
    });
    expect(email.text).toContain('Dear <script>alert(1)</script> Smith');
    expect(email.text).toContain('Unsubscribe: https://x/unsubscribe/t?a=1&b=2');
    expect(email.html).toContain('Dear &lt;script&gt;alert(1)&lt;/script&gt; Smith');
    expect(email.html).toContain('href="https://x/unsubscribe/t?a=1&amp;b=2"');
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(() => compileCampaign(engine, { subject: 's', text: '{{#each}}' })).toThrow();
    // Only built-in helpers: an unknown one is refused when the template is saved.
    expect(() => compileCampaign(engine, { subject: 's', text: '{{shout name}}' })).toThrow();
  });
});
