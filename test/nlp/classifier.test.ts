import { describe, expect, it } from 'vitest';
import { INTENTS, type Intent } from '../../src/core/ports/classifier.js';
import {
  accuracy,
  createIntentClassifier,
  fitTemperature,
  kindOfIntent,
  type LabelledText,
  macroF1,
  mulberry32,
  softmaxInto,
  stratifiedSplit,
  TextClassifier,
  type TextClassifierJson,
  trainTextClassifier,
} from '../../src/nlp/index.js';

/** A small synthetic task: templates x fillers, in both languages. */
function synthetic(seed: number): LabelledText[] {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const items = ['order', 'package', 'parcel', 'shipment', 'delivery'];
  const templates: Record<string, string[]> = {
    order_status: [
      'where is my {x}',
      'track my {x} please',
      'has my {x} shipped yet',
      '我的订单到哪了',
      '快递什么时候到',
    ],
    complaint: [
      'your {x} service is terrible',
      'the {x} arrived broken, awful',
      'worst {x} ever, i am angry',
      '太差了，东西坏了',
      '我要投诉',
    ],
    greeting: ['hello', 'hi there', 'good morning', '你好', '在吗'],
    thanks_bye: ['thanks a lot', 'thank you, bye', 'great, cheers', '谢谢', '好的，再见'],
    consultation: [
      'how do i return a {x}',
      'can i change the {x} address',
      'do you ship a {x} abroad',
      '怎么退货',
      '可以开发票吗',
    ],
  };
  const out: LabelledText[] = [];
  for (let i = 0; i < 400; i++) {
    const label = pick(Object.keys(templates));
    out.push({ text: pick(templates[label]!).replace('{x}', pick(items)), label });
  }
  return out;
}

describe('trainTextClassifier', () => {
  const data = synthetic(1);
  const { train, holdout } = stratifiedSplit(data, (e) => e.label, 0.25, 3);
  const model = trainTextClassifier(train, { name: 'test' });

  it('learns a small synthetic task', () => {
    const gold = holdout.map((e) => e.label);
    const pred = holdout.map((e) => model.predict(e.text).label);
    expect(accuracy(gold, pred)).toBeGreaterThan(0.95);
    expect(macroF1(gold, pred)).toBeGreaterThan(0.95);
    expect(model.predict('where is my parcel??').label).toBe('order_status');
    expect(model.predict('我的快递到哪了').label).toBe('order_status');
  });

  it('gives calibrated probabilities in [0,1] that sum to 1', () => {
    for (const text of ['hello', 'the order is broken', 'zzz qqq', '']) {
      const p = model.predict(text);
      let sum = 0;
      for (const x of p.probabilities) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
        sum += x;
      }
      expect(sum).toBeCloseTo(1, 6);
      expect(p.confidence).toBeGreaterThanOrEqual(0);
      expect(p.confidence).toBeLessThanOrEqual(1);
    }
    expect(model.temperature).toBeGreaterThan(0);
  });

  it('serialises to JSON and back with identical predictions and version', () => {
    const json = JSON.parse(JSON.stringify(model.toJSON())) as TextClassifierJson;
    const back = TextClassifier.fromJSON(json);
    expect(back.version).toBe(model.version);
    expect(back.labels).toEqual(model.labels);
    for (const e of holdout.slice(0, 50)) {
      expect([...back.probabilities(e.text)]).toEqual([...model.probabilities(e.text)]);
    }
  });

  it('is deterministic: same data and seed give the same version', () => {
    expect(trainTextClassifier(train, { name: 'test' }).version).toBe(model.version);
  });

  it('rejects low-confidence predictions when a reject rule is set', () => {
    const top = model.predict('blah blah');
    const strict = model.withReject({ label: 'out_of_scope', threshold: top.confidence + 1e-9 });
    const rejected = strict.predict('blah blah');
    expect(rejected.label).toBe('out_of_scope');
    expect(rejected.confidence).toBeCloseTo(1 - top.confidence, 9);
    expect(model.withReject({ label: 'out_of_scope', threshold: 0 }).predict('hello').label).toBe('greeting');
  });

  it('boosts the reject label by a score margin: predicts it when the top score beats it by less', () => {
    const text = 'hello';
    const raw = model.scores(text);
    const other = model.labels.indexOf('consultation');
    const top = Math.max(...raw);
    expect(model.predict(text).label).toBe('greeting');
    const gap = top - raw[other]!;
    const just = model.withReject({ label: 'consultation', threshold: 0, boost: gap + 1e-6 });
    expect(just.predict(text).label).toBe('consultation');
    expect(just.predictLabel(text)).toBe('consultation');
    const short = model.withReject({ label: 'consultation', threshold: 0, boost: gap - 1e-6 });
    expect(short.predict(text).label).toBe('greeting');
    expect(short.predictLabel(text)).toBe('greeting');
    // Raw scores are unchanged; the probabilities still sum to 1.
    expect([...just.scores(text)]).toEqual([...raw]);
    expect(just.predict(text).probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('rejects an unknown model format', () => {
    const json = { ...model.toJSON(), format: 'nope' } as unknown as TextClassifierJson;
    expect(() => TextClassifier.fromJSON(json)).toThrow(/format/);
  });
});

describe('calibration', () => {
  it('softmax sums to one and temperature sharpens', () => {
    const out = new Float64Array(3);
    softmaxInto([1, 2, 3], 1, out);
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    const sharp = softmaxInto([1, 2, 3], 0.1, new Float64Array(3));
    expect(sharp[2]!).toBeGreaterThan(out[2]!);
  });

  it('fits a larger temperature to overconfident scores', () => {
    // Scores that are always very confident but right only ~60 % of the time.
    const rand = mulberry32(9);
    const scores: Float64Array[] = [];
    const labels = new Int32Array(500);
    for (let i = 0; i < 500; i++) {
      scores.push(Float64Array.from([10, 0]));
      labels[i] = rand() < 0.6 ? 0 : 1;
    }
    const t = fitTemperature(scores, labels);
    const p = softmaxInto(scores[0]!, t, new Float64Array(2));
    expect(p[0]!).toBeGreaterThan(0.5);
    expect(p[0]!).toBeLessThan(0.7);
  });
});

describe('createIntentClassifier', () => {
  const data = synthetic(2).concat(
    Array.from({ length: 60 }, (_, i) => ({
      text: i % 2 ? 'can i talk to a human' : '转人工',
      label: 'ask_human',
    })),
  );
  const classifier = createIntentClassifier(trainTextClassifier(data, { name: 'intent-test' }));

  it('implements the port', async () => {
    const c = await classifier.classify('Where is my order?? this is terrible');
    expect(INTENTS).toContain(c.intent);
    expect(['en', 'zh', 'other']).toContain(c.language);
    expect(c.language).toBe('en');
    expect(c.confidence).toBeGreaterThanOrEqual(0);
    expect(c.confidence).toBeLessThanOrEqual(1);
    expect(c.sentiment).toBeLessThan(0);
    expect(c.urgency).toBeGreaterThanOrEqual(0);
    expect(classifier.version).toMatch(/^intent-test-[0-9a-f]{8}$/);
  });

  it('maps intents to ticket kinds', async () => {
    const expected: Record<Intent, string> = {
      complaint: 'complaint',
      consultation: 'consultation',
      ask_human: 'consultation',
      order_status: 'none',
      greeting: 'none',
      thanks_bye: 'none',
      out_of_scope: 'none',
    };
    for (const intent of INTENTS) expect(kindOfIntent(intent)).toBe(expected[intent]);
    expect((await classifier.classify('我要投诉，太差了')).kind).toBe('complaint');
    expect((await classifier.classify('转人工')).kind).toBe('consultation');
    expect((await classifier.classify('你好')).language).toBe('zh');
  });

  it('refuses models whose labels are not intents', async () => {
    const m = trainTextClassifier(
      [
        { text: 'a b', label: 'x' },
        { text: 'c d', label: 'y' },
      ],
      { calibrationFraction: 0 },
    );
    expect(() => createIntentClassifier(m)).toThrow(/not intents/);
  });
});
