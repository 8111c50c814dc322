import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

/**
 * Fields that may carry a credential wherever they appear in a logged object (a request's
 * headers, a job's data, an error's config): logs are read by more people than the database.
 */
export const REDACTED_PATHS = [
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'secret',
  'apiKey',
  'authorization',
  'cookie',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.secret',
  '*.apiKey',
  '*.authorization',
  '*.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-api-key"]',
  '*.headers["x-slack-signature"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
];

/** One structured logger for the process; parts take children with their own `component` field. */
export function createLogger(
  level: string,
  base: Record<string, unknown> = {},
  /** Where lines go (stdout by default; tests capture them to scan for secrets). */
  destination?: DestinationStream,
): Logger {
  const options = {
    level,
    base: { service: 'parley', ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
