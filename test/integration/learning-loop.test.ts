import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntentClassifier } from '../../src/nlp/intent-classifier.js';
import { activatePromoted, retrainAndMaybePromote } from '../../src/nlp/learning-loop.js';
import { readCorpus } from '../../src/nlp/shipped-corpus.js';
import { trainTextClassifier } from '../../src/nlp/trainer.js';
import { login, staffToken } from '../helpers/staff.js';
import { API_KEY, startTestApp, type TestApp } from '../helpers/test-app.js';

/** A fixed slice of the corpus keeps training to a fraction of a second. */
const corpus = readCorpus().filter((_, i) => i % 4 === 0);

async function waitFor(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('learning loop: corrections, retraining, promotion, hot reload', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: string;
  const deps = (t: TestApp) => ({
    registry: t.app.ctx.modelRegistry,
    holder: t.app.ctx.classifier,
    events: t.app.ctx.events,
    log: t.app.ctx.log,
  });

  beforeAll(async () => {
    a = await startTestApp('learn', { env: { RUN_WORKERS: 'true' } });
    // A second process of the same deployment: same database, same Redis prefix.
    b = await startTestApp('learn', { dbName: a.dbName });
    admin = await login(a.url);
  });
  afterAll(async () => {
    await b?.app.close();
    await a?.close();
  });

  const post = (t: TestApp, path: string, body: unknown, token: string) =>
    fetch(`${t.url}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const customerMessage = async (text: string) => {
    const res = await fetch(`${a.url}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify({ userId: `u-${Math.random()}`, clientMessageId: 'c1', text }),
    });
    return (await res.json()) as { message: { id: string }; replies: { id: string }[] };
  };

  it('stores one correction per message and lets only staff make it', async () => {
    const agent = await staffToken(a, 'ag@test.local');
    const { message, replies } = await customerMessage('Hello!');
    expect((await post(a, `/messages/${message.id}/intent`, { intent: 'greeting' }, 'nope')).status).toBe(
      401,
    );
    const first = await post(a, `/messages/${message.id}/intent`, { intent: 'consultation' }, agent);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ intent: 'consultation', previousIntent: 'greeting' });
    expect((await post(a, `/messages/${message.id}/intent`, { intent: 'complaint' }, agent)).status).toBe(
      200,
    );
    expect(await a.app.ctx.models.IntentCorrection.countDocuments({ messageId: message.id })).toBe(1);
    expect((await a.app.ctx.models.IntentCorrection.findOne({ messageId: message.id }).lean())?.intent).toBe(
      'complaint',
    );

    expect((await post(a, `/messages/${message.id}/intent`, { intent: 'angry' }, agent)).status).toBe(400);
    expect(
      (await post(a, '/messages/0123456789abcdef01234567/intent', { intent: 'greeting' }, agent)).status,
    ).toBe(404);
    const botReply = replies[0]?.id;
    expect((await post(a, `/messages/${botReply}/intent`, { intent: 'greeting' }, agent)).status).toBe(400);
    const list = (token: string) =>
      fetch(`${a.url}/api/v1/nlp/corrections`, { headers: { authorization: `Bearer ${token}` } });
    expect((await list(agent)).status).toBe(403);
    expect(((await (await list(admin)).json()) as { corrections: unknown[] }).corrections).toHaveLength(1);
    expect((await post(a, '/nlp/retrain', {}, agent)).status).toBe(403);
  });

  it('rejects a candidate that is worse than the model in use, and keeps the model', async () => {
    const before = a.app.ctx.classifier.current().version;
    // The shipped model learned from the whole corpus; a candidate from a quarter of it is worse.
    const outcome = await retrainAndMaybePromote(deps(a), { corpus });
    expect(outcome.promoted).toBe(false);
    expect(outcome.candidateMacroF1).toBeLessThan(outcome.activeMacroF1 ?? 0);
    expect(a.app.ctx.classifier.current().version).toBe(before);
    const stored = await a.app.ctx.models.ModelVersion.findOne({ version: outcome.version }).lean();
    expect(stored?.status).toBe('rejected');
  });

  it('promotes a candidate that is not worse, and every process switches without a restart', async () => {
    // Put a deliberately bad model in use: trained with every label shifted by one intent.
    const labels = [...new Set(corpus.map((e) => e.label))].sort();
    const shifted = corpus.map((e) => ({
      text: e.text,
      label: labels[(labels.indexOf(e.label) + 1) % labels.length] ?? e.label,
    }));
    const bad = trainTextClassifier(shifted, { name: 'bad' });
    const registry = a.app.ctx.modelRegistry;
    await registry.saveVersion({
      version: bad.version,
      status: 'promoted',
      trainedOn: { corpus: shifted.length, corrections: 0 },
      metrics: { heldOut: 0, candidateMacroF1: 0, activeMacroF1: null, activeVersion: null },
      json: JSON.stringify(bad.toJSON()),
    });
    await registry.setActive(bad.version);
    expect(await activatePromoted({ registry, holder: a.app.ctx.classifier, log: a.app.ctx.log })).toBe(true);
    expect(a.app.ctx.classifier.current().version).toBe(bad.version);

    const outcome = await retrainAndMaybePromote(deps(a), { corpus });
    expect(outcome.promoted).toBe(true);
    expect(outcome.candidateMacroF1).toBeGreaterThanOrEqual(outcome.activeMacroF1 ?? 0);
    expect(await registry.activeVersion()).toBe(outcome.version);
    // Both processes pick the new version up from the event.
    expect(await waitFor(() => a.app.ctx.classifier.current().version === outcome.version)).toBe(true);
    expect(await waitFor(() => b.app.ctx.classifier.current().version === outcome.version)).toBe(true);
    // And classify with it: the stored message names the model that classified it.
    const r = await b.app.ctx.pipeline.receiveAndProcess({
      channel: 'api',
      externalUserId: 'after-promotion',
      clientMessageId: 'p1',
      text: 'Where is my order 10023?',
    });
    const stored = await b.app.ctx.models.Message.findById(r.message.id).lean();
    expect(stored?.classification?.modelVersion).toBe(outcome.version);
    expect(createIntentClassifier(bad).version).toBe(bad.version);
  });

  it('retrains through the BullMQ worker when a supervisor asks, and lists the versions', async () => {
    const versionsBefore = await a.app.ctx.models.ModelVersion.countDocuments();
    const res = await post(a, '/nlp/retrain', {}, admin);
    expect(res.status).toBe(202);
    expect(
      await waitFor(
        async () => (await a.app.ctx.models.ModelVersion.countDocuments()) > versionsBefore,
        60_000,
      ),
    ).toBe(true);
    const models = await fetch(`${a.url}/api/v1/nlp/models`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const body = (await models.json()) as {
      active: string;
      versions: { version: string; status: string; metrics: { heldOut: number } }[];
    };
    expect(body.versions.length).toBeGreaterThanOrEqual(3);
    expect(body.versions[0]?.metrics.heldOut).toBeGreaterThan(0);
    expect(body.versions.some((v) => v.version === body.active)).toBe(true);
  });
});
