import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * Widget visitors have no password: the server gives each a random id and an HMAC of it, kept
 * in the browser. Presenting the pair proves the visitor is the one who got it, so nobody can
 * read another visitor's conversation by guessing an id.
 */
export class VisitorTokens {
  constructor(private readonly secret: string) {}

  issue(): { visitorId: string; token: string } {
    const visitorId = randomUUID();
    return { visitorId, token: this.sign(visitorId) };
  }

  verify(visitorId: unknown, token: unknown): visitorId is string {
    if (typeof visitorId !== 'string' || typeof token !== 'string' || visitorId.length > 100) return false;
    const expected = Buffer.from(this.sign(visitorId));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private sign(visitorId: string): string {
    return createHmac('sha256', this.secret).update(`visitor:${visitorId}`).digest('base64url');
  }
}
