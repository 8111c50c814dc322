import { ErrorCode, LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import { DeliveryError } from '../../src/core/ports/channel-adapter.js';

/**
 * Web API client options for Parley: no retries inside the client (the outbox and the mirror
 * queue retry with backoff, and a retry inside a call could post twice), and a 429 is an error
 * carrying Retry-After, so the job waits that long instead of holding a worker.
 */
export function slackClientOptions(apiUrl: string): WebClientOptions {
  return {
    slackApiUrl: apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logLevel: LogLevel.ERROR,
  };
}

export function createSlackWebClient(token: string, apiUrl: string): WebClient {
  return new WebClient(token, slackClientOptions(apiUrl));
}

// Slack answers these when trying again later can help; any other `ok: false` is about the request.
const TRANSIENT = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

/** A Web API failure as the outbox understands it: wait (429), retry, or give up (permanent). */
export function toDeliveryError(err: unknown, what: string): DeliveryError {
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string }; statusCode?: number };
  if (e.code === ErrorCode.RateLimitedError) {
    return new DeliveryError(`${what}: Slack is rate limiting`, {
      retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000,
    });
  }
  if (e.code === ErrorCode.PlatformError) {
    const code = e.data?.error ?? 'unknown_error';
    return new DeliveryError(`${what}: Slack answered ${code}`, { permanent: !TRANSIENT.has(code) });
  }
  if (e.code === ErrorCode.HTTPError) {
    const status = e.statusCode ?? 0;
    return new DeliveryError(`${what}: Slack answered HTTP ${status}`, {
      permanent: status >= 400 && status < 500 && status !== 408,
    });
  }
  return new DeliveryError(`${what}: ${(err as Error)?.message ?? String(err)}`);
}

/** Runs a Web API call, turning its failures into DeliveryErrors. */
export async function slackCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toDeliveryError(err, what);
  }
}
