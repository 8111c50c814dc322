import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DestinationStream, destination } from 'pino';

/**
 * Log capture for the secret scan. A test may capture its app's lines in memory (LogCapture);
 * a whole run may send every test app's lines to one file (TEST_LOG_FILE, see startTestApp),
 * with the secrets the tests used noted beside it (`<file>.secrets`), for scripts/scan-test-logs.ts.
 */
export class LogCapture implements DestinationStream {
  readonly lines: string[] = [];
  write(chunk: string): void {
    for (const line of chunk.split('\n')) if (line) this.lines.push(line);
  }
  /** Parsed lines at or above a pino level (50 error, 60 fatal). */
  atLeast(level: number): Record<string, unknown>[] {
    return this.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => typeof l.level === 'number' && l.level >= level);
  }
}

/** Every secret a test in this process used: the scan looks for each in every line. */
export const knownSecrets = new Set<string>();

const runLog = process.env.TEST_LOG_FILE;

/** Notes a password, token or key the test used (short values are too common to scan for). */
export function noteSecret(value: string | undefined | null): void {
  if (!value || value.length < 8 || knownSecrets.has(value)) return;
  knownSecrets.add(value);
  if (runLog) {
    mkdirSync(dirname(runLog), { recursive: true });
    appendFileSync(`${runLog}.secrets`, `${JSON.stringify(value)}\n`);
  }
}

/** The run's log file as a pino destination, when TEST_LOG_FILE asks for one. */
export function runLogDestination(): DestinationStream | undefined {
  if (!runLog) return undefined;
  mkdirSync(dirname(runLog), { recursive: true });
  return destination({ dest: runLog, sync: true, append: true, mkdir: true });
}

/** The lines that contain a secret, with which one (shown masked: the report must not leak it either). */
export function linesWithSecrets(
  lines: Iterable<string>,
  secrets: Iterable<string>,
): { secret: string; line: string }[] {
  const found: { secret: string; line: string }[] = [];
  const list = [...secrets];
  for (const line of lines) {
    for (const secret of list) {
      // JSON escapes some characters of a secret inside a logged string: look for both forms.
      const escaped = JSON.stringify(secret).slice(1, -1);
      if (line.includes(secret) || line.includes(escaped)) {
        found.push({ secret: mask(secret), line: line.replaceAll(secret, mask(secret)).slice(0, 400) });
      }
    }
  }
  return found;
}

export const mask = (s: string) => `${s.slice(0, 3)}…(${s.length})`;
