/**
 * Domain errors: a stable code and a message fit for the caller, no transport in them.
 * The HTTP error handler and the socket ack mapper translate codes to status codes.
 */
export type DomainErrorCode =
  | 'validation_failed'
  | 'not_found'
  | 'forbidden'
  | 'unauthorized'
  | 'conflict'
  | 'rate_limited'
  | 'too_many_attempts'
  | 'unavailable'
  /** The record was merged into another; `MovedError.to` names it. */
  | 'moved';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** For rate_limited, too_many_attempts and unavailable: when to try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string) => new DomainError('not_found', `${what} not found`);
export const forbidden = (why: string) => new DomainError('forbidden', why);
export const invalid = (why: string) => new DomainError('validation_failed', why);
export const unauthorized = (why: string) => new DomainError('unauthorized', why);
export const conflict = (why: string) => new DomainError('conflict', why);

/** A record that was merged into another: reads answer with a pointer to it (HTTP 301). */
export class MovedError extends DomainError {
  constructor(
    readonly from: string,
    readonly to: string,
    what: string,
  ) {
    super('moved', `${what} was merged into ${to}`);
    this.name = 'MovedError';
  }
}

/** A background job that can never succeed by retrying (bad data): the job runner stops retrying it. */
export class PermanentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentFailure';
  }
}
