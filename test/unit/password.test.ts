import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from '../../src/auth/password.js';
import { VisitorTokens } from '../../src/auth/visitor-token.js';

describe('staff passwords (scrypt) and visitor tokens', () => {
  it('verifies the right password only, with a fresh salt each time', async () => {
    const a = await hashPassword('s3cret pass');
    const b = await hashPassword('s3cret pass');
    expect(a).not.toBe(b);
    // OWASP's current scrypt cost: N = 2^17, r = 8, p = 1.
    expect(a).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(needsRehash(a)).toBe(false);
    expect(needsRehash(a.replace('$131072$', '$32768$'))).toBe(true);
    expect(await verifyPassword('s3cret pass', a)).toBe(true);
    expect(await verifyPassword('s3cret pasS', a)).toBe(false);
    expect(await verifyPassword('s3cret pass', 'garbage')).toBe(false);
  });

  it('accepts a visitor token only for its own visitor id and secret', () => {
    const tokens = new VisitorTokens('x'.repeat(32));
    const { visitorId, token } = tokens.issue();
    expect(tokens.verify(visitorId, token)).toBe(true);
    expect(tokens.verify(tokens.issue().visitorId, token)).toBe(false);
    expect(new VisitorTokens('y'.repeat(32)).verify(visitorId, token)).toBe(false);
    expect(tokens.verify(visitorId, 42)).toBe(false);
  });
});
