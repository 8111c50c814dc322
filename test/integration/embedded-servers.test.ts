import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

async function startParent() {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-embedded-'));
  const parent = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/start-embedded-redis.ts', dir], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [line] = (await once(parent.stdout, 'data')) as [Buffer];
  return { parent, info: JSON.parse(line.toString()) as { url: string; pid: number } };
}

describe('embedded servers never outlive the app', () => {
  it('stops redis-server when the app is killed with SIGKILL', async () => {
    const { parent, info } = await startParent();
    try {
      expect(alive(info.pid)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
    expect(await waitUntil(() => !alive(info.pid), 10_000)).toBe(true);
  });

  it('stops redis-server when the app exits on SIGTERM', async () => {
    const { parent, info } = await startParent();
    parent.kill('SIGTERM');
    expect(await waitUntil(() => !alive(info.pid), 10_000)).toBe(true);
  });
});
