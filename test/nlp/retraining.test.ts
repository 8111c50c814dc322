import { describe, expect, it } from 'vitest';
import type { MessageClassifier } from '../../src/core/ports/classifier.js';
import { ClassifierHolder } from '../../src/core/ports/classifier-holder.js';
import {
  bucketOf,
  closeEnsemble,
  createModelActivator,
  EmbeddingHead,
  headsForVersion,
  judgeCandidate,
  loadDefaultEncoderEnsemble,
  type ModelRegistry,
  PermanentRetrainError,
  readCorpus,
  readHoldout,
  splitForRetraining,
  TrainingInterrupted,
  trainInThread,
  trainTextClassifier,
} from '../../src/nlp/index.js';

const corpus = readCorpus();
const holdout = readHoldout();
const corrections = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ text: `customer message number ${from + i}`, label: 'complaint' }));

describe('retraining split: nothing judged on was ever trained on', () => {
  it('keeps the written hold-out for evaluation and the corpus for training', () => {
    const s = splitForRetraining({ corpus, holdout, corrections: [] });
    expect(s.evaluation).toHaveLength(holdout.length);
    expect(s.train).toHaveLength(corpus.length);
    expect(s.evaluationCorrections).toBe(0);
  });

  it('gives each correction a side that never changes as corrections grow', () => {
    const few = corrections(200);
    const many = [...few, ...corrections(800, 200)];
    const evalText = (cs: typeof few) =>
      new Set(splitForRetraining({ corpus: [], holdout: [], corrections: cs }).evaluation.map((e) => e.text));
    const before = evalText(few);
    const after = evalText(many);
    for (const c of few) expect(after.has(c.text)).toBe(before.has(c.text));
    // About the asked share lands in evaluation.
    expect(after.size / many.length).toBeGreaterThan(0.14);
    expect(after.size / many.length).toBeLessThan(0.26);
  });

  it('puts case and spacing variants on one side, the latest label winning', () => {
    const text = 'My parcel is LATE   again';
    expect(bucketOf(text)).toBe(bucketOf('my parcel is late again'));
    const s = splitForRetraining({
      corpus: [],
      holdout: [],
      corrections: [
        { text, label: 'order_status' },
        { text: 'my parcel is late again', label: 'complaint' },
      ],
      correctionEvalFraction: 0,
    });
    expect(s.trainCorrections).toEqual([{ text: 'my parcel is late again', label: 'complaint' }]);
  });

  it('judges a correction of a hold-out text, and never trains on it or on a corpus twin', () => {
    const h = holdout[0]!;
    const s = splitForRetraining({
      corpus: [...corpus, { text: h.text.toUpperCase(), label: h.label }],
      holdout,
      corrections: [{ text: h.text, label: 'complaint' }],
      correctionEvalFraction: 0,
    });
    expect(s.trainCorrections).toHaveLength(0);
    expect(s.evaluationCorrections).toBe(1);
    expect(s.evaluation.find((e) => e.text === h.text)?.label).toBe('complaint');
    expect(s.train).toHaveLength(corpus.length);
  });

  it('tells a training stopped from outside (a dead thread, may be retried) from a permanent failure', async () => {
    const input = {
      corpus: corpus.slice(0, 200),
      holdout: corpus.filter((_, i) => i % 50 === 0),
      corrections: [],
      active: null,
    };
    const interrupted = judgeCandidate({
      ...input,
      train: () => Promise.reject(new TrainingInterrupted('training thread exited (code 1)')),
    });
    await expect(interrupted).rejects.toBeInstanceOf(TrainingInterrupted);
    await expect(interrupted).rejects.not.toBeInstanceOf(PermanentRetrainError);
    const broken = judgeCandidate({ ...input, train: () => Promise.reject(new Error('no features')) });
    await expect(broken).rejects.toBeInstanceOf(PermanentRetrainError);
  });

  it('refuses, as a permanent problem, to judge on nothing', async () => {
    await expect(
      judgeCandidate({ corpus: corpus.slice(0, 50), holdout: [], corrections: [], active: null }),
    ).rejects.toThrow(PermanentRetrainError);
  });
});

describe('training in a worker thread (the retraining job: the app keeps serving meanwhile)', () => {
  const some = corpus.filter((_, i) => i % 8 === 0);
  const options = { name: 'threaded', calibrationFraction: 0.15 };

  it('gives the same model as training here, while the event loop keeps running', async () => {
    let done = false;
    const threaded = trainInThread(some, options).then((m) => {
      done = true;
      return m;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    expect((await threaded).toJSON()).toEqual(trainTextClassifier(some, options).toJSON());
  });

  it("reports the trainer's error, as training here would", async () => {
    let here: string | null = null;
    try {
      trainTextClassifier([], options);
    } catch (err) {
      here = (err as Error).message;
    }
    expect(here).not.toBeNull();
    await expect(trainInThread([], options)).rejects.toThrow(here!);
  });
});

describe('model activator: every process ends on the stored active model', () => {
  const small = (k: number, name: string) =>
    trainTextClassifier(
      corpus.filter((_, i) => i % k === 0),
      { name, calibrationFraction: 0 },
    );

  it('follows the stored pointer, one switch at a time, even when announcements arrive out of order', async () => {
    const first = small(16, 'first');
    const second = small(17, 'second');
    const stored = new Map([first, second].map((m) => [m.version, JSON.stringify(m.toJSON())]));
    let pointer: string | null = null;
    const registry = {
      activeVersion: async () => pointer,
      modelJson: async (v: string) => stored.get(v) ?? null,
    } as unknown as ModelRegistry;
    const shipped: MessageClassifier = {
      version: 'shipped',
      classify: () => {
        throw new Error('unused');
      },
    };
    const holder = new ClassifierHolder(shipped);
    const logs: object[] = [];
    const log = { info: (o: object) => logs.push(o), warn: () => {}, error: () => {} };
    const activator = createModelActivator({ registry, holder, log });

    expect(await activator.sync('start')).toBeNull();
    expect(holder.current().version).toBe('shipped');

    pointer = second.version; // first was promoted, then second, before any process heard of first
    const [a, b] = await Promise.all([
      activator.sync('model.promoted', first.version),
      activator.sync('model.promoted', second.version),
    ]);
    expect([a, b]).toEqual([second.version, null]);
    expect(holder.current().version).toBe(second.version);
    expect(logs).toContainEqual(
      expect.objectContaining({ version: second.version, previous: 'shipped', announced: first.version }),
    );

    pointer = 'missing';
    expect(await activator.sync('model.promoted', 'missing')).toBeNull();
    expect(holder.current().version).toBe(second.version);
  });

  it("serves a version with its own encoder heads, and falls back to the shipped heads for other encoders'", async () => {
    const ensemble = await loadDefaultEncoderEnsemble();
    try {
      const model = small(3, 'with-head');
      const labels = [...ensemble[0]!.head.labels];
      // Heads that always say greeting: averaged in, two of them outvote the n-gram model's complaint.
      const greetingHead = (encoder: string, dimensions: number) =>
        new EmbeddingHead(
          encoder,
          labels,
          dimensions,
          new Float32Array(labels.length * dimensions),
          Float64Array.from(labels, (l) => (l === 'greeting' ? 50 : 0)),
        );
      const greetingHeads = (names: string[]) =>
        JSON.stringify(ensemble.map((m, i) => greetingHead(names[i]!, m.encoder.dimensions).toJSON()));
      const heads = new Map<string, string>();
      const registry = {
        activeVersion: async () => model.version,
        modelJson: async () => JSON.stringify(model.toJSON()),
        headsJson: async (v: string) => heads.get(v) ?? null,
      } as unknown as ModelRegistry;
      const warnings: object[] = [];
      const log = { info: () => {}, warn: (o: object) => warnings.push(o), error: () => {} };
      const complaint = 'my order arrived smashed and nobody answers';

      heads.set(model.version, greetingHeads(ensemble.map((m) => m.encoder.name)));
      const holder = new ClassifierHolder({
        version: 'shipped',
        classify: () => Promise.reject(new Error('unused')),
      });
      await createModelActivator({ registry, holder, log, ensemble }).sync('start');
      expect((await holder.current().classify(complaint)).intent).toBe('greeting');

      heads.set(model.version, greetingHeads(['another-encoder', 'yet-another-encoder']));
      const holder2 = new ClassifierHolder({
        version: 'shipped',
        classify: () => Promise.reject(new Error('unused')),
      });
      await createModelActivator({ registry, holder: holder2, log, ensemble }).sync('start');
      expect((await holder2.current().classify(complaint)).intent).toBe('complaint');
      expect(warnings).toContainEqual(
        expect.objectContaining({
          heads: ['another-encoder', 'yet-another-encoder'],
          encoder: ensemble[0]!.encoder.name,
        }),
      );

      // A version stored before there were two encoders: one head object, for MiniLM.
      heads.set(model.version, JSON.stringify(greetingHead(ensemble[0]!.encoder.name, 384).toJSON()));
      const served = await headsForVersion(registry, model.version, ensemble, log);
      expect(served.map((m) => m.head.encoder)).toEqual(ensemble.map((m) => m.encoder.name));
      expect(served[0]!.head).not.toBe(ensemble[0]!.head);
      expect(served[1]!.head).toBe(ensemble[1]!.head);
    } finally {
      await closeEnsemble(ensemble);
    }
  });
});
