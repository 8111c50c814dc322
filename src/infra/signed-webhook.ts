import { createHmac, timingSafeEqual } from 'node:crypto';
import { DeliveryError } from '../core/ports/channel-adapter.js';

/**
 * Signed webhook calls, as Stripe and Slack sign theirs: header `x-parley-signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, plus `x-parley-delivery-id`, the
 * idempotency id a receiver dedupes on (a retry carries the same one).
 */
export function signatureHeader(secret: string, body: string, at = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/** For receivers (tests, the README's example): true when the header signs this body within the tolerance. */
export function verifySignature(
  secret: string,
  body: string,
  header: string | undefined,
  toleranceSeconds = 300,
  now = new Date(),
): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isFinite(t) || Math.abs(now.getTime() / 1000 - t) > toleranceSeconds || !parts.v1) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  const given = Buffer.from(parts.v1);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * POSTs a signed JSON body. A 2xx is delivered; 429 waits its Retry-After; other 4xx are
 * permanent (the receiver refuses this body); 5xx, timeouts and network errors are retried.
 */
export async function postSignedJson(
  url: string,
  secret: string,
  deliveryId: string,
  payload: unknown,
  timeoutMs = 10_000,
): Promise<{ status: number }> {
  const body = JSON.stringify(payload);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Parley-Webhook/1',
        'x-parley-delivery-id': deliveryId,
        'x-parley-signature': signatureHeader(secret, body),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
  } catch (err) {
    throw new DeliveryError(`webhook call failed: ${(err as Error).message}`);
  }
  await res.body?.cancel().catch(() => {});
  if (res.status >= 200 && res.status < 300) return { status: res.status };
  if (res.status === 429) {
    const seconds = Number(res.headers.get('retry-after'));
    throw new DeliveryError('webhook receiver is rate limiting', {
      retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 5000,
    });
  }
  const permanent = res.status >= 400 && res.status < 500 && res.status !== 408;
  throw new DeliveryError(`webhook receiver answered ${res.status}`, { permanent });
}
