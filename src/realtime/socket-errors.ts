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

/**
 * Every client event is `(payload, ack?)`. A client that sends only an ack (no payload) or more
 * than one payload would otherwise have its ack taken for the payload (or a payload for the
 * ack) and wait forever; this puts the arguments back in that shape, so such a call is answered
 * (with validation_failed) instead of left hanging.
 */
export function keepPayloadAckShape(socket: {
  use(fn: (packet: unknown[], next: (err?: Error) => void) => void): unknown;
}): void {
  socket.use((packet, next) => {
    const args = packet.slice(1);
    const last = args.at(-1);
    if (typeof last === 'function') {
      const payload = args.length > 1 ? args[0] : undefined;
      packet.splice(1, packet.length - 1, payload, last);
    } else if (args.length > 1) {
      packet.splice(2);
    }
    next();
  });
}
