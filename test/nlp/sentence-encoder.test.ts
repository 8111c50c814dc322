import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeEncoders,
  createIntentClassifier,
  DEFAULT_ENCODERS,
  DEFAULT_ENCODERS_BELOW_CONFIDENCE,
  EmbeddingHead,
  type EncoderEnsemble,
  type EncoderThread,
  loadDefaultEncoders,
  loadDefaultHeads,
  loadDefaultModel,
  loadSentenceEncoder,
  MINILM,
  MPNET,
  mulberry32,
  pairHeads,
  type SentenceEncoder,
  startEncoderThread,
} from '../../src/nlp/index.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe.each(DEFAULT_ENCODERS.map((spec) => [spec.name, spec] as const))(
  'sentence encoder %s (ONNX Runtime)',
  (_, spec) => {
    let encoder: SentenceEncoder;
    beforeAll(async () => {
      encoder = await loadSentenceEncoder(spec);
    });
    afterAll(async () => {
      await encoder.close();
    });

    it(`turns text into a deterministic unit-length ${spec.dimensions}-d vector`, async () => {
      const a = await encoder.embed('my parcel never arrived');
      expect(encoder.name).toBe(spec.name);
      expect(a).toHaveLength(spec.dimensions);
      expect(dot(a, a)).toBeCloseTo(1, 4);
      expect(Array.from(await encoder.embed('my parcel never arrived'))).toEqual(Array.from(a));
    });

    it('puts a paraphrase nearer than an unrelated sentence with the same words', async () => {
      const anchor = await encoder.embed('the package I ordered has not been delivered yet');
      const paraphrase = await encoder.embed('still waiting on my shipment, it never showed up');
      const unrelated = await encoder.embed('I ordered a pizza and watched a movie yet again');
      expect(dot(anchor, paraphrase)).toBeGreaterThan(dot(anchor, unrelated) + 0.1);
    });

    it('serves concurrent callers', async () => {
      const texts = ['hello there', 'refund me now', 'where is order 10023', 'thanks, bye'];
      const one = await Promise.all(texts.map((t) => encoder.embed(t)));
      for (const [i, t] of texts.entries())
        expect(Array.from(await encoder.embed(t))).toEqual(Array.from(one[i]!));
    });
  },
);

describe('embedding head', () => {
  // Two clusters around opposite directions, plus a third: linearly separable.
  const rand = mulberry32(3);
  const point = (centre: number) => {
    const v = new Float32Array(8);
    for (let j = 0; j < 8; j++) v[j] = (j === centre ? 1 : 0) + (rand() - 0.5) * 0.4;
    return v;
  };
  const examples = Array.from({ length: 150 }, (_, i) => ({
    vector: point(i % 3),
    label: ['a', 'b', 'c'][i % 3]!,
  }));

  it('learns separable classes and survives a JSON round trip', () => {
    const head = EmbeddingHead.train(examples, 'toy', { epochs: 50, learningRate: 0.1 });
    expect(head.labels).toEqual(['a', 'b', 'c']);
    for (let i = 0; i < 30; i++) {
      const q = head.probabilities(point(i % 3));
      expect(q.indexOf(Math.max(...q))).toBe(i % 3);
    }
    const p = head.probabilities(point(1));
    expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 6);
    expect(p[1]).toBeGreaterThan(0.8);
    const again = EmbeddingHead.fromJSON(JSON.parse(JSON.stringify(head.toJSON())));
    const v = point(2);
    expect(Array.from(again.probabilities(v))).toEqual(Array.from(head.probabilities(v)));
  });

  it('trains the same head when it hands the event loop back during training', async () => {
    // Scheduled before training starts: it runs during training only if training yields.
    let ranMeanwhile = false;
    setImmediate(() => {
      ranMeanwhile = true;
    });
    const yielding = await EmbeddingHead.trainYielding(examples, 'toy', { epochs: 20 });
    expect(ranMeanwhile).toBe(true);
    expect(yielding.toJSON()).toEqual(EmbeddingHead.train(examples, 'toy', { epochs: 20 }).toJSON());
  });

  it('refuses a vector of the wrong size, an empty training set and a foreign format', () => {
    const head = EmbeddingHead.train(examples, 'toy', { epochs: 2 });
    expect(() => head.probabilities(new Float32Array(4))).toThrow(/dimensions/);
    expect(() => EmbeddingHead.train([], 'toy')).toThrow(/no examples/);
    expect(() => EmbeddingHead.fromJSON({ ...head.toJSON(), format: 'x' as never })).toThrow(/format/);
  });
});

describe('intent classifier with the encoder ensemble', () => {
  /** A SentenceEncoder of our own that records what it was asked to embed. */
  function recordingEncoder(inner: SentenceEncoder): SentenceEncoder & { seen: string[] } {
    const seen: string[] = [];
    return {
      name: inner.name,
      dimensions: inner.dimensions,
      seen,
      embed: (text) => {
        seen.push(text);
        return inner.embed(text);
      },
      close: () => inner.close(),
    };
  }
  let encoders: (SentenceEncoder & { seen: string[] })[];
  let ensemble: EncoderEnsemble;
  beforeAll(async () => {
    encoders = (await loadDefaultEncoders()).map(recordingEncoder);
    ensemble = pairHeads(encoders, loadDefaultHeads());
  });
  afterAll(async () => {
    await closeEncoders(encoders);
  });

  it('runs every encoder on English the n-gram model is unsure of, never on Chinese or a bare handle', async () => {
    const model = loadDefaultModel();
    const classifier = createIntentClassifier(model, { ensemble });
    const unsure = 'wow thanks for cancelling my order without telling me';
    const sure = 'where is my order 10023';
    expect(Math.max(...model.probabilities(unsure))).toBeLessThan(DEFAULT_ENCODERS_BELOW_CONFIDENCE);
    expect(Math.max(...model.probabilities(sure))).toBeGreaterThanOrEqual(DEFAULT_ENCODERS_BELOW_CONFIDENCE);
    const en = await classifier.classify(unsure);
    const known = await classifier.classify(sure);
    const zh = await classifier.classify('我的订单10023到哪了');
    const handle = await classifier.classify('@acme');
    expect(encoders).toHaveLength(2);
    for (const encoder of encoders) expect(encoder.seen).toEqual([unsure]);
    // The n-gram model alone reads the thanks and calls it thanks_bye; the encoders read the sarcasm.
    expect(model.predict(unsure).label).toBe('thanks_bye');
    expect(en.kind).toBe('complaint');
    expect(known.intent).toBe('order_status');
    // With the skip turned off, the sure message is read by the encoders too, to the same answer.
    const always = createIntentClassifier(model, {
      ensemble,
      encodersBelowConfidence: Number.POSITIVE_INFINITY,
    });
    expect((await always.classify(sure)).intent).toBe('order_status');
    for (const encoder of encoders) expect(encoder.seen).toEqual([unsure, sure]);
    expect(zh.intent).toBe('order_status');
    expect(handle.kind).not.toBe('complaint');
    expect(classifier.version).toBe(loadDefaultModel().version);
  });

  it('averages the n-gram model with each head: the heads change the answer, in the product classifier', async () => {
    const model = loadDefaultModel();
    const text = 'wow thanks for cancelling my order without telling me';
    const ngram = model.probabilities(text);
    const heads = await Promise.all(
      ensemble.map(async (m) => m.head.probabilities(await m.encoder.embed(text))),
    );
    const expected = model.decide(
      Float64Array.from(ngram, (p, i) => {
        const label = model.labels[i]!;
        return (p + heads.reduce((s, q, m) => s + q[ensemble[m]!.head.labels.indexOf(label)]!, 0)) / 3;
      }),
    );
    const got = await createIntentClassifier(model, { ensemble }).classify(text);
    expect(got.intent).toBe(expected.label);
    expect(got.confidence).toBeCloseTo(expected.confidence, 4);
    expect(got.intent).not.toBe(model.predict(text).label);
  });

  it('falls back to the n-gram model for a message an encoder fails on, and says so', async () => {
    const broken: SentenceEncoder = {
      name: encoders[1]!.name,
      dimensions: encoders[1]!.dimensions,
      embed: () => Promise.reject(new Error('onnx session gone')),
      close: async () => {},
    };
    const errors: unknown[] = [];
    const model = loadDefaultModel();
    const withBroken = createIntentClassifier(model, {
      ensemble: [ensemble[0]!, { encoder: broken, head: ensemble[1]!.head }],
      onEncoderError: (err) => errors.push(err),
    });
    const text = 'wow thanks for cancelling my order without telling me';
    expect(await withBroken.classify(text)).toEqual(await createIntentClassifier(model).classify(text));
    expect(errors).toEqual([expect.objectContaining({ message: 'onnx session gone' })]);
  });

  it('refuses a head whose labels do not cover the model', () => {
    const head = EmbeddingHead.train(
      [
        { vector: new Float32Array(384).fill(0.1), label: 'greeting' },
        { vector: new Float32Array(384).fill(-0.1), label: 'complaint' },
      ],
      encoders[0]!.name,
      { epochs: 1 },
    );
    expect(() =>
      createIntentClassifier(loadDefaultModel(), { ensemble: [{ encoder: encoders[0]!, head }] }),
    ).toThrow(/do not cover/);
  });

  it('pairs heads with encoders by name and refuses a missing or mis-sized head', () => {
    const heads = loadDefaultHeads();
    expect(pairHeads(encoders, [...heads].reverse()).map((m) => m.head.encoder)).toEqual(
      encoders.map((e) => e.name),
    );
    expect(() => pairHeads(encoders, heads.slice(0, 1))).toThrow(/no intent head for all-mpnet/);
    const wrongSize = EmbeddingHead.fromJSON({ ...heads[1]!.toJSON(), encoder: encoders[0]!.name });
    expect(() => pairHeads(encoders.slice(0, 1), [wrongSize])).toThrow(/expects 768-d/);
  });
});

describe('encoder threads (ONNX Runtime computes on the calling thread, so not on the app thread)', () => {
  const long = 'my parcel arrived crushed, the replacement never came and nobody answers my emails '.repeat(
    4,
  );

  it('keeps the event loop running while a message is being encoded', async () => {
    const encoder = await loadSentenceEncoder(MPNET);
    try {
      let done = false;
      const vector = encoder.embed(long).then((v) => {
        done = true;
        return v;
      });
      // In the app's thread, the whole computation would finish before any callback ran.
      await new Promise((resolve) => setImmediate(resolve));
      expect(done).toBe(false);
      expect(await vector).toHaveLength(768);
    } finally {
      await encoder.close();
    }
  });

  it('replaces a thread that died: the message in flight fails, the next one is encoded', async () => {
    const started: EncoderThread[] = [];
    const start = async (path: string) => {
      const thread = await startEncoderThread(path);
      started.push(thread);
      return thread;
    };
    const encoder = await loadSentenceEncoder(MINILM, undefined, start);
    try {
      const reference = await encoder.embed('where is my order');
      const inFlight = encoder.embed(long);
      await started[0]!.stop(); // as a crash would: the thread is gone
      await expect(inFlight).rejects.toThrow(/sentence encoder/);
      expect(Array.from(await encoder.embed('where is my order'))).toEqual(Array.from(reference));
      expect(started).toHaveLength(2);
    } finally {
      await encoder.close();
    }
    await expect(encoder.embed('hello')).rejects.toThrow(/closed/);
  });

  it('says which model file could not be loaded', async () => {
    await expect(startEncoderThread('/nonexistent/model-int8.onnx')).rejects.toThrow(
      /could not load \/nonexistent\/model-int8.onnx/,
    );
  });
});
