import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignView } from '../../src/core/views/campaign.js';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { staffToken } from '../helpers/staff.js';
import { serverUri, startTestApp, type TestApp } from '../helpers/test-app.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RECIPIENTS = 2000;

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  ms: number,
): Promise<T> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * The workers' own process (workers/main.ts, as `npm run workers` and docker compose run it), on
 * this test's database and Redis prefix, sending to the test's SMTP server.
 */
function startWorkers(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'workers/main.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => output };
}

describe('a workers process killed in the middle of a campaign', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let supervisor: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    // A little slow, like a real server, so the campaign is still going when the worker dies.
    smtp = await startTestSmtp({ delayMs: 4 });
    t = await startTestApp('outreach-crash', {
      classifier: new KeywordClassifier(),
      // Only the child process sends.
      workers: false,
      env: { NLP_SENTENCE_ENCODER: 'false', SEGMENTATION_CRON: 'off', SMTP_URL: smtp.url },
    });
    supervisor = await staffToken(t, 'sup@crash.test', 'supervisor');
    await t.app.core.infra.models.Customer.insertMany(
      Array.from({ length: RECIPIENTS }, (_, i) => ({
        _id: new Types.ObjectId(),
        name: `Reader ${i}`,
        email: `reader${i}@crash.test`,
        marketingConsent: { granted: true, at: new Date(), source: 'import' },
      })),
    );
  }, 120_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await t?.close();
    await smtp?.stop();
  });

  it('resumes after a restart: everyone gets exactly one email, except those reported unknown, who get at most one', async () => {
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      MONGODB_URI: serverUri(),
      MONGODB_DB: t.dbName,
      REDIS_URL: t.app.core.infra.redisUrl,
      REDIS_PREFIX: t.app.core.redisPrefix,
      SMTP_URL: smtp.url,
      NLP_SENTENCE_ENCODER: 'false',
      SEGMENTATION_CRON: 'off',
      OUTREACH_SCAN_INTERVAL_SECONDS: '1',
      OUTREACH_RATE_PER_SECOND: '5000',
      DATA_DIR: '.data/test',
    };
    const res = await fetch(`${t.url}/api/v1/campaigns`, {
      method: 'POST',
      headers: { authorization: `Bearer ${supervisor}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Newsletter',
        subject: 'News for {{firstName}}',
        text: 'Hello {{name}}, here is the news.',
        target: { filter: {} },
      }),
    });
    const campaign = (await res.json()) as CampaignView;
    await fetch(`${t.url}/api/v1/campaigns/${campaign.id}/schedule`, {
      method: 'POST',
      headers: { authorization: `Bearer ${supervisor}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const ours = () => smtp.received.filter((m) => m.headers.get('x-parley-campaign') === campaign.id);

    const first = startWorkers(env);
    children.push(first.child);
    await waitFor('a third of the emails', async () => ours().length >= RECIPIENTS / 3, 120_000).catch(
      (err) => {
        throw new Error(`${(err as Error).message}\n${first.output()}`);
      },
    );
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    const atKill = ours().length;
    const stored = await t.app.core.stores.campaigns.get(campaign.id);
    expect(stored?.status).toBe('sending');
    const queueAtKill = await t.app.core.stores.campaignDeliveries.queue(campaign.id);
    expect(atKill).toBeLessThan(RECIPIENTS);

    const second = startWorkers(env);
    children.push(second.child);
    const done = await waitFor(
      'the campaign to finish after the restart',
      async () => {
        const c = await t.app.core.stores.campaigns.get(campaign.id);
        return c?.status === 'done' ? c : null;
      },
      240_000,
    ).catch((err) => {
      throw new Error(`${(err as Error).message}\n${second.output()}`);
    });
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');

    const stats = await t.app.core.stores.campaignDeliveries.stats(campaign.id);
    const deliveries = await t.app.core.stores.campaignDeliveries.list(campaign.id, { limit: 5000 });
    expect(deliveries).toHaveLength(RECIPIENTS);
    const received = new Map<string, number>();
    for (const m of ours()) for (const to of m.to) received.set(to, (received.get(to) ?? 0) + 1);
    const unknown = deliveries.filter((d) => d.status === 'unknown');
    for (const d of deliveries) {
      const n = received.get(d.email) ?? 0;
      if (d.status === 'unknown') expect(n).toBeLessThanOrEqual(1);
      else {
        expect(d.status).toBe('sent');
        expect(n).toBe(1);
      }
    }
    // Nobody outside the campaign, and nobody twice.
    expect([...received.values()].every((n) => n === 1)).toBe(true);
    expect(stats.unknown).toBe(unknown.length);
    expect(stats.sent + stats.unknown).toBe(RECIPIENTS);
    // At most three chunks (of 10, with the default 5 pooled connections) were claimed and
    // unrecorded when the worker died.
    expect(unknown.length).toBeLessThanOrEqual(30);
    expect(done.status).toBe('done');
    console.log(
      `killed after ${atKill} accepted emails (claimed ${queueAtKill?.claimed}, recorded below ${queueAtKill?.settled}); ` +
        `after the restart: ${stats.sent} sent, ${stats.unknown} unknown ` +
        `(${unknown.filter((d) => received.has(d.email)).length} of them had in fact been accepted)`,
    );
  }, 480_000);
});
