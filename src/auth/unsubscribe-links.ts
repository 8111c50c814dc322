import { createHmac, timingSafeEqual } from 'node:crypto';
import type { UnsubscribeLinks } from '../core/ports/outreach.js';

const ID = /^[0-9a-f]{24}$/;

/**
 * Unsubscribe links that work without signing in: `<customer>.<campaign>.<HMAC>`, so nobody can
 * unsubscribe someone else by editing an id. A test email's link names `test` instead of a customer.
 * They do not expire: an unsubscribe link must keep working for as long as the email is read.
 */
export function hmacUnsubscribeLinks(secret: string, publicUrl: string): UnsubscribeLinks {
  const sign = (payload: string) =>
    createHmac('sha256', secret).update(`unsubscribe:${payload}`).digest('base64url').slice(0, 32);
  return {
    url({ customerId, campaignId }) {
      const payload = `${customerId ?? 'test'}.${campaignId}`;
      return `${publicUrl}/unsubscribe/${payload}.${sign(payload)}`;
    },
    verify(token) {
      const parts = token.split('.');
      if (parts.length !== 3) return null;
      const [customer, campaign, signature] = parts as [string, string, string];
      if ((customer !== 'test' && !ID.test(customer)) || !ID.test(campaign)) return null;
      const expected = Buffer.from(sign(`${customer}.${campaign}`));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
      return { customerId: customer === 'test' ? null : customer, campaignId: campaign };
    },
  };
}
