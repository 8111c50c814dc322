import { DomainError } from '../core/errors.js';
import type { Logger } from '../infra/logger.js';

/** What a socket ack carries: the result, or an error with a code and a message fit for the client. */
export type Ack<T> = (
  response: { ok: true; data: T } | { ok: false; error: { code: string; message: string } },
) => void;

/** Runs a socket handler and maps its outcome to an ack, the socket twin of the HTTP error handler. */
export async function answer<T>(ack: unknown, log: Logger, work: () => Promise<T>): Promise<void> {
  const reply: Ack<T> = typeof ack === 'function' ? (ack as Ack<T>) : () => {};
  try {
    reply({ ok: true, data: await work() });
  } catch (err) {
    if (err instanceof DomainError) {
      reply({ ok: false, error: { code: err.code, message: err.message } });
    } else {
      log.error({ err }, 'socket handler failed');
      reply({ ok: false, error: { code: 'internal', message: 'Something went wrong on our side.' } });
    }
  }
}
