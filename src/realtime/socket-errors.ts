import { DomainError } from '../core/errors.js';
import { isDependencyDown, unavailable } from '../infra/dependency-errors.js';
import type { Logger } from '../infra/logger.js';
import type { Ack } from './socket-types.js';

/** Runs a socket handler and maps its outcome to an ack, the socket twin of the HTTP error handler. */
export async function answer<T>(ack: unknown, log: Logger, work: () => Promise<T>): Promise<void> {
  const reply: Ack<T> = typeof ack === 'function' ? (ack as Ack<T>) : () => {};
  try {
    reply({ ok: true, data: await work() });
  } catch (caught) {
    const err = isDependencyDown(caught) ? unavailable() : caught;
    if (err instanceof DomainError) {
      reply({
        ok: false,
        error: {
          code: err.code,
          message: err.message,
          ...(err.retryAfterSeconds !== undefined ? { retryAfter: err.retryAfterSeconds } : {}),
        },
      });
    } else {
      log.error({ err }, 'socket handler failed');
      reply({ ok: false, error: { code: 'internal', message: 'Something went wrong on our side.' } });
    }
  }
}
