import { errors, jwtVerify, SignJWT } from 'jose';
import type { VerifiedSiteUser } from '../core/crm/identify-visitor.js';
import { type DomainError, unauthorized } from '../core/errors.js';

/** Tokens without `exp` are taken for this long after their `iat`: a token must expire. */
const MAX_AGE_WITHOUT_EXP = '1h';
const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Verified widget visitors: the site's backend signs a short-lived JWT (HS256 with
 * WIDGET_IDENTITY_SECRET; `sub` = the site's user id, optional `email`, `name`, `exp`) and hands it
 * to the widget. Verified with `jose`; every refusal says why, in words fit for the site's developer.
 */
export class WidgetIdentityVerifier {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  /**
   * What a site's backend does, for the demo page in development only (the route that calls it
   * is not registered otherwise): a token valid for ten minutes.
   */
  async signForDemo(user: VerifiedSiteUser): Promise<string> {
    return new SignJWT({
      ...(user.email ? { email: user.email } : {}),
      ...(user.name ? { name: user.name } : {}),
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.sub)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(this.key);
  }

  async verify(token: unknown): Promise<VerifiedSiteUser> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      throw unauthorized('the identity token is missing or too long');
    }
    let payload: Record<string, unknown>;
    try {
      const result = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      payload = result.payload;
      if (result.payload.exp === undefined) {
        // No expiry of its own: accepted only shortly after it was issued.
        await jwtVerify(token, this.key, {
          algorithms: ['HS256'],
          maxTokenAge: MAX_AGE_WITHOUT_EXP,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        });
      }
    } catch (err) {
      throw refusal(err);
    }
    const { sub, email, name } = payload;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) {
      throw unauthorized('the identity token needs a `sub` (the site user id, at most 200 characters)');
    }
    return {
      sub,
      ...(typeof email === 'string' && email.length <= 320 && /^[^@\s]+@[^@\s]+$/.test(email)
        ? { email }
        : {}),
      ...(typeof name === 'string' && name.length > 0 ? { name: name.slice(0, 200) } : {}),
    };
  }
}

function refusal(err: unknown): DomainError {
  if (err instanceof errors.JWTExpired) return unauthorized('the identity token has expired');
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return unauthorized('the identity token is not signed with this site’s secret');
  if (err instanceof errors.JOSEAlgNotAllowed)
    return unauthorized('the identity token must be signed with HS256');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iat') return unauthorized('the identity token needs `exp` (or a recent `iat`)');
    return unauthorized(`the identity token's ${err.claim} claim is not valid`);
  }
  return unauthorized('the identity token is not a valid JWT');
}
