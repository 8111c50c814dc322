import { type Logger, pino } from 'pino';

export type { Logger };

/** One structured logger for the process; parts take children with their own `component` field. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { service: 'parley', ...base }, timestamp: pino.stdTimeFunctions.isoTime });
}
