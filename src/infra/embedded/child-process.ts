import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Logger } from '../logger.js';

/**
 * A server started as a child of the app that never outlives it.
 *
 * The server runs under a tiny `sh` watchdog whose stdin is a pipe from this process: when the
 * app exits for any reason, SIGKILL included, the pipe closes, `read` returns and the watchdog
 * stops the server. A graceful stop just closes that pipe. The child gets its own process group
 * so a Ctrl-C in the terminal reaches only the app, which then stops its children in order.
 */
export interface SupervisedProcess {
  readonly pid: number | undefined;
  /** Resolves when a line of the server's output matches, rejects if it exits first. */
  waitForOutput(match: RegExp, timeoutMs: number): Promise<string>;
  stop(timeoutMs?: number): Promise<void>;
  readonly exited: Promise<number | null>;
}

// The reader stops the server when the pipe closes; when the server dies first, the reader goes too.
// (A background job's stdin is /dev/null in sh, so the reader takes the pipe as fd 3.)
const WATCHDOG =
  'exec 3<&0; "$@" </dev/null 3<&- & child=$!; (read -r _ <&3; kill -TERM "$child" 2>/dev/null) & reader=$!; ' +
  'wait "$child"; code=$?; kill "$reader" 2>/dev/null; exit "$code"';

export function startSupervised(
  command: string,
  args: string[],
  log: Logger,
  /** forwardOutput: the child's lines go to this process's stdout (its own logs), not only to debug. */
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; forwardOutput?: boolean } = {},
): SupervisedProcess {
  const child: ChildProcess = spawn('sh', ['-c', WATCHDOG, 'watchdog', command, ...args], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const listeners = new Set<(line: string) => void>();
  const onData = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (opts.forwardOutput) process.stdout.write(text);
    output = (output + text).slice(-8192);
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      log.debug({ line }, 'child output');
      for (const l of listeners) l(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  // Unhandled spawn errors (e.g. `sh` missing) surface through `exited`/waitForOutput.
  child.on('error', (err) => log.error({ err }, 'child process error'));

  return {
    pid: child.pid,
    exited,
    waitForOutput(match, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(`${command} did not get ready within ${timeoutMs} ms. Its last output:\n${output}`),
          );
        }, timeoutMs);
        const listener = (line: string) => {
          if (match.test(line)) {
            cleanup();
            resolve(line);
          }
        };
        const onExit = (code: number | null) => {
          cleanup();
          reject(
            new Error(`${command} exited (code ${code}) before it was ready. Its last output:\n${output}`),
          );
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(listener);
          child.off('exit', onExit);
        };
        listeners.add(listener);
        child.once('exit', onExit);
      });
    },
    async stop(timeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin?.end();
      const timer = setTimeout(() => {
        // The watchdog did not finish in time: kill the whole group.
        if (child.pid) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }
      }, timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
