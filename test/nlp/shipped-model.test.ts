import { describe, expect, it } from 'vitest';
import type { Intent } from '../../src/core/ports/classifier.js';
import { SHIPPED_MODES, useShippedClassifier } from '../helpers/shipped-classifier.js';

/**
 * The shipped default model on messages written for this test, not taken from its corpus:
 * every intent, in both languages.
 */
const UNSEEN: Record<Intent, { en: string[]; zh: string[] }> = {
  consultation: {
    en: [
      'Is the walnut desk also available in oak?',
      'What payment methods do you accept for business accounts?',
      'how long is the warranty on the headphones',
    ],
    zh: ['这款沙发有没有灰色的？', '企业采购可以开增值税专票吗', '请问会员积分怎么兑换'],
  },
  complaint: {
    en: [
      'Third time my delivery is late and nobody calls back. Ridiculous.',
      'The jacket fell apart after one wash, I want my money back',
      'You charged my card twice for the same order!!',
    ],
    zh: [
      '收到的杯子是碎的，客服也不理人，太差劲了',
      '扣了两次款到现在还没退，我要投诉',
      '质量太烂了，穿一次就开线',
    ],
  },
  order_status: {
    en: [
      'Any update on order 55821? Has it left the warehouse?',
      'when will my package arrive',
      'can you check the tracking for #A7730',
    ],
    zh: ['订单55821发货了吗', '我的快递到哪里了', '帮我查下物流，单号A7730'],
  },
  greeting: {
    en: ['Good evening!', 'hey hey', 'Hi team'],
    zh: ['晚上好', '哈喽', '你好呀'],
  },
  thanks_bye: {
    en: ['Perfect, thanks a lot. Bye!', 'ok cheers mate', 'Thank you, have a good day'],
    zh: ['好的谢谢啦', '明白了，拜拜', '多谢，辛苦了'],
  },
  ask_human: {
    en: [
      'Please transfer me to a human agent',
      'I want to speak with a real person, not a bot',
      'Can someone from your staff call me?',
    ],
    zh: ['转人工', '我要找真人客服', '能不能让工作人员给我打电话'],
  },
  out_of_scope: {
    en: ['Who won the football match yesterday?', 'write me a poem about the sea', 'what is 17 times 23'],
    zh: ['今天北京天气怎么样', '给我讲个笑话吧', '宇宙有多大'],
  },
};

describe.each(SHIPPED_MODES)('the shipped intent model on unseen messages, %s', (_name, withEncoder) => {
  const shipped = useShippedClassifier(withEncoder);

  for (const [intent, byLang] of Object.entries(UNSEEN) as [Intent, { en: string[]; zh: string[] }][]) {
    for (const lang of ['en', 'zh'] as const) {
      it(`recognises ${intent} (${lang}) — at least 2 of 3`, async () => {
        const results = await Promise.all(byLang[lang].map((text) => shipped().classify(text)));
        const right = results.filter((r) => r.intent === intent).length;
        expect(
          right,
          JSON.stringify(results.map((r, i) => [byLang[lang][i], r.intent, r.confidence])),
        ).toBeGreaterThanOrEqual(2);
        for (const r of results) expect(r.language).toBe(lang);
      });
    }
  }

  it('gives calibrated confidences in [0, 1] and maps complaints to the complaint kind', async () => {
    const r = await shipped().classify('The parcel arrived damaged and support ignores me, terrible');
    expect(r.confidence).toBeGreaterThan(0);
    expect(r.confidence).toBeLessThanOrEqual(1);
    expect(r.kind).toBe('complaint');
    expect(r.sentiment).toBeLessThan(0);
  });

  it('does not read a complaint into a bare mention, link or emoji', async () => {
    // Handles and links are not features: alone they once made a 1.00-confidence complaint.
    for (const text of ['@acme', '@acme @bob', 'https://t.co/Ab12Cd', '@acme 😂😂']) {
      const r = await shipped().classify(text);
      expect(r.kind, `${text}: ${r.intent} ${r.confidence}`).not.toBe('complaint');
    }
    // ... while a mention around a real complaint changes nothing.
    expect((await shipped().classify('@acme my order arrived broken and nobody answers')).kind).toBe(
      'complaint',
    );
  });

  it('tells praise phrased with a negation from a complaint built the same way', async () => {
    for (const text of [
      'Honestly the agent could not have been more helpful, sorted in minutes',
      'never had such good service from a phone company',
      '从来没遇到过这么贴心的客服，给你们点赞',
    ]) {
      const r = await shipped().classify(text);
      expect(r.kind, `${text}: ${r.intent}`).toBe('none');
      expect(r.sentiment).toBeGreaterThan(0);
    }
    for (const text of ["couldn't have been less helpful, still no refund", '从来没遇到过这么敷衍的客服']) {
      expect((await shipped().classify(text)).kind, text).toBe('complaint');
    }
  });
});
