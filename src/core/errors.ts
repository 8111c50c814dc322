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
  | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string) => new DomainError('not_found', `${what} not found`);
export const forbidden = (why: string) => new DomainError('forbidden', why);
export const invalid = (why: string) => new DomainError('validation_failed', why);
