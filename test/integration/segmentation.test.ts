import { Types } from 'mongoose';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/core/segmentation/math/index.js';
import type { SegmentationRunView, SegmentView } from '../../src/core/views/segmentation.js';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { ARCHETYPES, syntheticPopulation } from '../fixtures/synthetic-customers.js';
import { connect } from '../helpers/sockets.js';
import { staffToken } from '../helpers/staff.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const N = 3000;
const DAY = 86_400_000;

async function api<T>(t: TestApp, token: string | null, method: string, path: string, body?: unknown) {
  const res = await fetch(`${t.url}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function waitForRun(t: TestApp, token: string, done: (runs: SegmentationRunView[]) => boolean) {
  for (let waited = 0; waited < 120_000; waited += 250) {
    const { body } = await api<{ runs: SegmentationRunView[] }>(t, token, 'GET', '/segmentation/runs');
    if (done(body.runs)) return body.runs;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('segmentation run did not finish');
}

describe('customer segmentation', () => {
  let t: TestApp;
  let supervisor: string;
  let agent: string;
  const truth = new Map<string, number>();

  beforeAll(async () => {
    t = await startTestApp('segmentation', {
      classifier: new KeywordClassifier(),
      env: { NLP_SENTENCE_ENCODER: 'false', SEGMENTATION_CRON: 'off', SEGMENTATION_SAMPLE_SIZE: '2000' },
    });
    supervisor = await staffToken(t, 'sup@seg.test', 'supervisor');
    agent = await staffToken(t, 'agent@seg.test', 'agent');
    const now = Date.now();
    const docs = [...syntheticPopulation(N, { seed: 3, nowMs: now })].map((c, i) => {
      const _id = new Types.ObjectId();
      truth.set(String(_id), ARCHETYPES.indexOf(c.archetype));
      return {
        _id,
        name: `Customer ${i}`,
        firstSeenAt: new Date(c.firstSeenAt),
        features: {
          frequency: c.frequency,
          monetary: c.monetary,
          ...(c.lastOrderAt != null ? { lastOrderAt: new Date(c.lastOrderAt) } : {}),
          consultations: c.consultations,
          complaints: c.complaints,
          sentimentSum: c.sentimentSum,
          sentimentCount: c.sentimentCount,
          ...(c.lastCsat != null ? { lastCsat: c.lastCsat, lastCsatAt: new Date(now - DAY) } : {}),
          channels: c.channelList,
        },
      };
    });
    await t.app.core.infra.models.Customer.insertMany(docs);
  }, 120_000);
  afterAll(async () => t?.close());

  it('refuses agents and anonymous callers what is for supervisors', async () => {
    expect((await api(t, null, 'GET', '/segments')).status).toBe(401);
    expect((await api(t, agent, 'POST', '/segmentation/runs', {})).status).toBe(403);
    expect((await api(t, agent, 'GET', '/segmentation/runs')).status).toBe(403);
    expect((await api(t, supervisor, 'POST', '/segmentation/runs', { k: 1 })).status).toBe(400);
    expect((await api(t, supervisor, 'POST', '/segmentation/runs', { k: 3, extra: 1 })).status).toBe(400);
    // Agents read the segments in use (empty before any run).
    const none = await api<{ run: null; segments: [] }>(t, agent, 'GET', '/segments');
    expect(none).toEqual({ status: 200, body: { run: null, segments: [] } });
  });

  it('recovers the known groups (ARI ≥ 0.9) through the queue, names them, and shows progress live', async () => {
    const watcher: Socket = await connect(t.url, '/agents', { token: supervisor });
    const progress: SegmentationRunView[] = [];
    watcher.on('segmentation:progress', (run: SegmentationRunView) => progress.push(run));
    const first = await api<{ jobId: string }>(t, supervisor, 'POST', '/segmentation/runs', {});
    expect(first.status).toBe(202);
    // A second request while it waits or runs joins it.
    const second = await api<{ jobId: string }>(t, supervisor, 'POST', '/segmentation/runs', {});
    expect(second.body.jobId).toBe(first.body.jobId);

    const runs = await waitForRun(t, supervisor, (r) => r.some((x) => x.status !== 'running'));
    const run = runs[0]!;
    expect(run.status).toBe('done');
    expect(run.k).toBe(4);
    expect(run.customers).toBe(N);
    expect(run.current).toBe(true);
    expect(run.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(run.sizes.reduce((a, b) => a + b, 0)).toBe(N);

    // Every customer has a segment in the run.
    const members = await t.app.core.infra.models.SegmentMember.find({ runId: run.id }).lean();
    expect(members).toHaveLength(N);
    const customers = members.map((mb) => ({ _id: mb.customerId, segmentId: mb.segmentId }));
    const segmentIds = [...new Set(customers.map((c) => String(c.segmentId)))];
    const predicted = customers.map((c) => segmentIds.indexOf(String(c.segmentId)));
    const expected = customers.map((c) => truth.get(String(c._id))!);
    expect(adjustedRandIndex(expected, predicted)).toBeGreaterThanOrEqual(0.9);

    const { body } = await api<{ run: SegmentationRunView; segments: SegmentView[] }>(
      t,
      agent,
      'GET',
      '/segments',
    );
    expect(body.run.id).toBe(run.id);
    const byKind = new Map<string, SegmentView>();
    for (const segment of body.segments) {
      const kinds = customers
        .filter((c) => String(c.segmentId) === segment.id)
        .map((c) => ARCHETYPES[truth.get(String(c._id))!]);
      const top = [...new Set(kinds)].sort(
        (a, b) => kinds.filter((k) => k === b).length - kinds.filter((k) => k === a).length,
      )[0]!;
      byKind.set(top, segment);
      expect(segment.size).toBe(kinds.length);
    }
    expect(byKind.get('loyal')?.name).toBe('loyal, high value');
    expect(byKind.get('complaining')?.name).toMatch(/complaint|unhappy/);
    expect(byKind.get('new')?.name).toBe('new customers');
    expect(byKind.get('lapsed')?.name).toBe('lapsed buyers');
    // Centroids in the features' own units.
    expect(byKind.get('lapsed')!.centroid.recencyDays).toBeGreaterThan(200);
    expect(byKind.get('loyal')!.centroid.frequency).toBeGreaterThan(8);
    expect(byKind.get('complaining')!.centroid.complaintRatio).toBeGreaterThan(0.5);

    // The CRM reads segments from the run in use: its analytics count each one, and its customer
    // list filtered by a segment gives that segment's members only.
    const analytics = await api<{
      total: number;
      bySegment: { segmentId: string | null; name: string; customers: number }[];
    }>(t, supervisor, 'GET', '/analytics/customers');
    expect(analytics.status).toBe(200);
    for (const segment of body.segments) {
      expect(analytics.body.bySegment).toContainEqual({
        segmentId: segment.id,
        name: segment.name,
        customers: segment.size,
      });
    }
    expect(analytics.body.bySegment.some((s) => s.segmentId === null)).toBe(false);
    const lapsed = byKind.get('lapsed')!;
    const memberIds = new Set(
      customers.filter((c) => String(c.segmentId) === lapsed.id).map((c) => String(c._id)),
    );
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { customers: { id: string }[]; nextCursor: string | null } } =
        await api(
          t,
          supervisor,
          'GET',
          `/customers?segmentId=${lapsed.id}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        );
      expect(page.status).toBe(200);
      listed.push(...page.body.customers.map((c) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(listed)).toEqual(memberIds);
    expect(listed).toHaveLength(memberIds.size);

    // A customer's segment, for the sidebar.
    const someone = customers[0]!;
    const mine = await api<{ segment: SegmentView }>(t, agent, 'GET', `/segments/customer/${someone._id}`);
    expect(mine.body.segment.id).toBe(String(someone.segmentId));
    const stranger = await api<{ segment: null }>(
      t,
      agent,
      'GET',
      `/segments/customer/${new Types.ObjectId()}`,
    );
    expect(stranger.body.segment).toBeNull();

    // The console's picture: up to 2,000 customers on two axes, each with a segment of the run.
    const projection = await api<{ points: { segmentId: string; x: number }[]; explained: number[] }>(
      t,
      supervisor,
      'GET',
      `/segmentation/runs/${run.id}/projection`,
    );
    expect(projection.body.points.length).toBeGreaterThan(100);
    expect(projection.body.points.length).toBeLessThanOrEqual(2000);
    expect(
      projection.body.points.every((p) => segmentIds.includes(p.segmentId) && Number.isFinite(p.x)),
    ).toBe(true);
    expect(projection.body.explained).toHaveLength(2);

    // Progress reached the supervisor's socket, ending with the finished run.
    for (let waited = 0; !progress.some((p) => p.status === 'done') && waited < 5000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(progress.some((p) => p.status === 'running' && p.stage === 'assigning')).toBe(true);
    expect(progress.at(-1)?.status).toBe('done');
    watcher.close();
  }, 180_000);

  it('keeps a name a supervisor gave when the next run finds the same group; a fixed k is honoured', async () => {
    const { body } = await api<{ segments: SegmentView[] }>(t, supervisor, 'GET', '/segments');
    const loyal = body.segments.find((s) => s.name === 'loyal, high value')!;
    expect((await api(t, agent, 'PATCH', `/segments/${loyal.id}`, { name: 'VIPs' })).status).toBe(403);
    const renamed = await api<SegmentView>(t, supervisor, 'PATCH', `/segments/${loyal.id}`, { name: 'VIPs' });
    expect(renamed.body).toMatchObject({ name: 'VIPs', nameEdited: true });

    const outcome = await t.app.core.useCases.segmentation.run({ trigger: 'api', k: 4 });
    expect(outcome.status).toBe('done');
    const next = await api<{ run: SegmentationRunView; segments: SegmentView[] }>(
      t,
      supervisor,
      'GET',
      '/segments',
    );
    expect(next.body.run.id).not.toBe(body.segments[0]!.runId);
    const vip = next.body.segments.find((s) => s.name === 'VIPs');
    expect(vip?.nameEdited).toBe(true);
    expect(vip?.size).toBe(loyal.size);

    const fixed = await t.app.core.useCases.segmentation.run({ trigger: 'api', k: 6 });
    expect(fixed).toMatchObject({ status: 'done', k: 6 });
  }, 180_000);

  it('never runs two at once: a second run while one holds the lock is skipped', async () => {
    const run = t.app.core.useCases.segmentation.run;
    const [a, b] = await Promise.all([run({ trigger: 'api' }), run({ trigger: 'schedule' })]);
    expect([a.status, b.status].sort()).toEqual(['done', 'skipped']);
    const runs = await t.app.core.stores.segmentation.listRuns(50);
    expect(runs.filter((r) => r.status === 'running')).toHaveLength(0);
  }, 180_000);

  it('marks a run left behind by a dead worker as failed', async () => {
    const store = t.app.core.stores.segmentation;
    const orphan = await store.createRun({ trigger: 'schedule', features: [], startedAt: new Date() });
    const outcome = await t.app.core.useCases.segmentation.run({ trigger: 'api', k: 4 });
    expect(outcome.status).toBe('done');
    expect((await store.getRun(orphan.id))?.status).toBe('failed');
  }, 180_000);
});
