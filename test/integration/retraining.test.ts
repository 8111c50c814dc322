import { UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentFailure } from '../../src/core/errors.js';
import { INTENTS } from '../../src/core/ports/classifier.js';
import {
  detectLanguage,
  loadDefaultModel,
  PermanentRetrainError,
  parseStoredHeads,
  readCorpus,
  readHoldout,
  runRetraining,
  trainTextClassifier,
} from '../../src/nlp/index.js';
import { withPermanentFailures } from '../../workers/job-runner.js';
import { login, staffToken } from '../helpers/staff.js';
import { API_KEY, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Deterministic on both sides (fixed seeds, fixed data): a candidate trained on a quarter of the
 * corpus is clearly worse on the written hold-out than the shipped model (full corpus), and
 * clearly better than a model trained with every label shifted by one intent.
 * (Versions are content ids: the same training data gives the same version, stored once.)
 */
const quarter = readCorpus().filter((_, i) => i % 4 === 0);
/** Another quarter: its candidate is a different version from the rejected one. */
const otherQuarter = readCorpus().filter((_, i) => i % 4 === 1);

async function waitFor(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('retraining: judged on unseen examples, versioned, hot-reloaded in every process', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: string;
  let agent: string;
  const deps = (t: TestApp) => ({
    registry: t.app.core.modelRegistry,
    holder: t.app.core.classifier,
    events: t.app.ctx.events,
    log: t.app.ctx.log,
  });
  const post = (t: TestApp, path: string, body: unknown, token: string) =>
    fetch(`${t.url}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const get = (t: TestApp, path: string, token: string) =>
    fetch(`${t.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    // The n-gram model alone here: these runs retrain on the whole corpus, and embedding it for
    // the encoder's head would add half a minute each (that path has its own test below).
    const env = { NLP_SENTENCE_ENCODER: 'false' };
    a = await startTestApp('retrain', { env });
    // A second process of the same deployment: same database, same Redis prefix, no workers.
    b = await startTestApp('retrain', { dbName: a.dbName, env, workers: false });
    admin = await login(a.url);
    agent = await staffToken(a, 'agent@test.local');
  });
  afterAll(async () => {
    await b?.app.close();
    await a?.close();
  });

  it('records a correction on the message and in the audit log, once per message', async () => {
    const res = await fetch(`${a.url}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify({ userId: 'u-corr', clientMessageId: 'c1', text: 'my blender arrived cracked' }),
    });
    const { message } = (await res.json()) as { message: { id: string } };
    expect((await post(a, `/messages/${message.id}/intent`, { intent: 'complaint' }, agent)).status).toBe(
      200,
    );
    expect((await post(a, `/messages/${message.id}/intent`, { intent: 'complaint' }, agent)).status).toBe(
      200,
    );
    expect((await post(a, `/messages/${message.id}/intent`, {}, agent)).status).toBe(400);
    const m = a.app.core.infra.models;
    expect(await m.IntentCorrection.countDocuments()).toBe(1);
    expect((await m.Message.findById(message.id).lean())?.classification?.correctedIntent).toBe('complaint');
    expect(await m.AuditLog.countDocuments({ action: 'nlp.correct_intent', 'target.id': message.id })).toBe(
      2,
    );
    const list = (await (await get(a, '/nlp/corrections', admin)).json()) as {
      corrections: { text: string; intent: string }[];
    };
    expect(list.corrections).toEqual([
      expect.objectContaining({ text: 'my blender arrived cracked', intent: 'complaint' }),
    ]);
  });

  it('rejects a candidate worse than the shipped model in use, stores it, and keeps the model', async () => {
    const shipped = a.app.core.classifier.current().version;
    expect(shipped).toBe(loadDefaultModel().version);
    const outcome = await runRetraining(deps(a), { corpus: quarter });
    expect(outcome).toMatchObject({ promoted: false, comparedWith: shipped, judgedAs: 'n-gram' });
    expect(outcome.candidateMacroF1).toBeLessThan(outcome.activeMacroF1!);
    expect(outcome.heldOut).toBeGreaterThan(500); // the written hold-out set, plus any held-out corrections
    expect(outcome.trainedOn.corpus).toBe(quarter.length);
    expect(await a.app.core.modelRegistry.activeVersion()).toBeNull();
    const stored = await a.app.core.infra.models.ModelVersion.findOne({ version: outcome.version }).lean();
    expect(stored?.status).toBe('rejected');
    expect(stored?.metrics?.activeVersion).toBe(shipped);
    expect(a.app.core.classifier.current().version).toBe(shipped);
    expect(b.app.core.classifier.current().version).toBe(shipped);
  });

  it('promotes a candidate better than the active model; both processes switch without a restart', async () => {
    const labels = [...new Set(quarter.map((e) => e.label))].sort();
    const bad = trainTextClassifier(
      quarter.map((e) => ({ text: e.text, label: labels[(labels.indexOf(e.label) + 1) % labels.length]! })),
      { name: 'bad', calibrationFraction: 0 },
    );
    const registry = a.app.core.modelRegistry;
    await registry.saveVersion({
      version: bad.version,
      status: 'promoted',
      trainedOn: { corpus: quarter.length, corrections: 0 },
      metrics: { heldOut: 0, candidateMacroF1: 0, activeMacroF1: null, activeVersion: null },
      json: JSON.stringify(bad.toJSON()),
    });
    await registry.setActive(bad.version);
    await a.app.ctx.events.publish('model.promoted', { version: bad.version });
    expect(await waitFor(() => b.app.core.classifier.current().version === bad.version)).toBe(true);
    expect(await waitFor(() => a.app.core.classifier.current().version === bad.version)).toBe(true);

    const outcome = await runRetraining(deps(a), { corpus: otherQuarter });
    expect(outcome).toMatchObject({ promoted: true, comparedWith: bad.version });
    expect(outcome.candidateMacroF1).toBeGreaterThan(outcome.activeMacroF1!);
    expect(await registry.activeVersion()).toBe(outcome.version);
    expect(await waitFor(() => b.app.core.classifier.current().version === outcome.version)).toBe(true);
    expect(await waitFor(() => a.app.core.classifier.current().version === outcome.version)).toBe(true);

    // A message classified afterwards, in the other process, names the new model.
    const r = await b.app.ctx.pipeline.receiveAndProcess({
      channel: 'api',
      externalUserId: 'after-promotion',
      clientMessageId: 'p1',
      text: 'Where is my order 10023?',
    });
    const stored = await b.app.core.infra.models.Message.findById(r.message.id).lean();
    expect(stored?.classification?.modelVersion).toBe(outcome.version);
    expect(stored?.classification?.intent).toBe('order_status');

    // A process started now loads the active model at start, not the shipped one.
    // No workers: only its model is looked at, and c.app.close() would leave them running on a
    // closed database, taking the next test's retraining job and failing it.
    const c = await startTestApp('retrain', {
      dbName: a.dbName,
      listen: false,
      workers: false,
      env: { NLP_SENTENCE_ENCODER: 'false' },
    });
    try {
      expect(c.app.core.classifier.current().version).toBe(outcome.version);
    } finally {
      await c.app.close();
    }
  });

  it('retrains through the worker on a supervisor request (deduplicated) and lists versions', async () => {
    expect((await post(a, '/nlp/retrain', {}, agent)).status).toBe(403);
    expect((await get(a, '/nlp/models', agent)).status).toBe(403);
    const before = await a.app.core.infra.models.ModelVersion.countDocuments();
    const first = await post(a, '/nlp/retrain', {}, admin);
    const second = await post(a, '/nlp/retrain', {}, admin);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    const ids = [await first.json(), await second.json()] as { jobId: string }[];
    expect(ids[0]?.jobId).toBeTruthy();
    expect(ids[1]?.jobId).toBe(ids[0]?.jobId);
    expect(
      await waitFor(
        async () => (await a.app.core.infra.models.ModelVersion.countDocuments()) > before,
        // A full-corpus training in a worker thread: seconds alone, longer on a busy machine.
        60_000,
      ),
    ).toBe(true);
    // The full corpus beats the quarter in use: promoted, and this process switches to it.
    const newest = await a.app.core.infra.models.ModelVersion.findOne({}, { version: 1, status: 1 })
      .sort({ createdAt: -1 })
      .lean();
    expect(newest?.status).toBe('promoted');
    expect(await waitFor(() => a.app.core.classifier.current().version === newest?.version)).toBe(true);

    const body = (await (await get(a, '/nlp/models', admin)).json()) as {
      active: string;
      versions: { version: string; status: string; trainedOn: { corrections: number }; model?: unknown }[];
    };
    expect(body.versions.length).toBe(before + 1);
    expect(body.versions.every((v) => v.model === undefined)).toBe(true);
    expect(body.versions.map((v) => v.status).sort()).toContain('rejected');
    expect(body.versions.some((v) => v.version === body.active)).toBe(true);
    expect(body.active).toBe(await a.app.core.modelRegistry.activeVersion());
  }, 90_000);

  it('fails a job for good on a permanent problem', async () => {
    // The use case says a problem with the data is permanent …
    const registry = a.app.core.modelRegistry;
    const corrections = registry.corrections;
    registry.corrections = async () => {
      throw new PermanentRetrainError('broken corrections');
    };
    try {
      await expect(a.app.core.useCases.learning.retrain()).rejects.toBeInstanceOf(PermanentFailure);
    } finally {
      registry.corrections = corrections;
    }
    // … and the job runner does not retry what is permanent.
    const run = withPermanentFailures<'classifier-retraining'>(async () => {
      throw new PermanentFailure('broken corrections');
    });
    await expect(run({} as never)).rejects.toBeInstanceOf(UnrecoverableError);
  });
});

describe('retraining with the sentence encoder on (the default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('retrain-encoder');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('retrains the encoder heads from the same examples, judges every part as served, and switches to all', async () => {
    const ensemble = t.app.core.ensemble;
    expect(ensemble).toHaveLength(2);
    // A twentieth of the corpus and a third of the holdout keep the embedding (about 25 ms per
    // English line through both encoders) to a few seconds.
    const twentieth = readCorpus().filter((_, i) => i % 20 === 0);
    const holdout = readHoldout().filter((_, i) => i % 3 === 0);
    const outcome = await runRetraining(
      {
        registry: t.app.core.modelRegistry,
        holder: t.app.core.classifier,
        events: t.app.ctx.events,
        log: t.app.ctx.log,
        ensemble,
      },
      { corpus: twentieth, holdout },
    );
    // Judged as served: each n-gram model with its head (the shipped one for the shipped model).
    const shipped = loadDefaultModel().version;
    expect(outcome).toMatchObject({ judgedAs: 'n-gram + encoder', comparedWith: shipped, promoted: false });
    expect(outcome.candidateMacroF1).toBeLessThan(outcome.activeMacroF1!);
    const stored = await t.app.core.infra.models.ModelVersion.findOne({ version: outcome.version }).lean();
    expect(stored?.metrics?.judgedAs).toBe('n-gram + encoder');
    const heads = parseStoredHeads((await t.app.core.modelRegistry.headsJson(outcome.version))!);
    expect(heads.map((h) => h.encoder)).toEqual(ensemble!.map((m) => m.encoder.name));
    for (const head of heads) {
      expect(head.labels).toEqual([...INTENTS].sort());
      expect(head.meta.examples).toBe(twentieth.filter((e) => detectLanguage(e.text) === 'en').length);
      expect(head.meta.modelVersion).toBe(outcome.version);
    }

    // Made active by hand, the version is served with its own heads.
    await t.app.core.modelRegistry.setActive(outcome.version);
    await t.app.ctx.events.publish('model.promoted', { version: outcome.version });
    expect(await waitFor(() => t.app.core.classifier.current().version === outcome.version)).toBe(true);
    const c = await t.app.core.classifier.current().classify('my order arrived smashed and nobody answers');
    expect(c.kind).toBe('complaint');
    // Real encoders on a 2-core machine shared with the other test files: allow for it.
  }, 90_000);
});
