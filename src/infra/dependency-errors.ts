import { DomainError } from '../core/errors.js';

const MONGO_DOWN = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
  'MongoServerClosedError',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
const REDIS_DOWN =
  /^(Connection is closed|Stream isn't writeable|Reached the max retries per request limit|connect ECONNREFUSED)/;

/**
 * True when an error means MongoDB or Redis did not answer (an outage, a restart), rather than a
 * bug: the caller should try again later, and is told so with a 503.
 */
export function isDependencyDown(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (MONGO_DOWN.has(err.name)) return true;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  if (err.name === 'MongooseError' && /buffering timed out/.test(err.message)) return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  return REDIS_DOWN.test(err.message);
}

/** Seconds a client should wait before trying again after a dependency outage. */
export const RETRY_AFTER_OUTAGE_SECONDS = 5;

export function unavailable(): DomainError {
  return new DomainError(
    'unavailable',
    'A service Parley depends on is not answering; please try again shortly.',
    RETRY_AFTER_OUTAGE_SECONDS,
  );
}
