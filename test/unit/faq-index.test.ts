import { describe, expect, it } from 'vitest';
import { FaqIndex } from '../../src/nlp/index.js';

const index = new FaqIndex([
  {
    id: 'ship',
    language: 'en',
    title: 'Shipping to Canada',
    variants: ['Do you ship to Canada?', 'international shipping'],
  },
  {
    id: 'pw',
    language: 'en',
    title: 'Reset your password',
    variants: ['How do I reset my password?', 'forgot password'],
  },
  { id: 'zh-ship', language: 'zh', title: '配送范围', variants: ['你们发货到香港吗', '可以寄到国外吗'] },
  { id: 'zh-return', language: 'zh', title: '退货政策', variants: ['怎么退货', '七天无理由退货吗'] },
]);

describe('FAQ retrieval', () => {
  it('finds the article a question is about, in its language', () => {
    expect(index.search('do u ship to canada??', 'en')).toMatchObject({ id: 'ship' });
    expect(index.search('I forgot my password', 'en')).toMatchObject({ id: 'pw' });
    expect(index.search('可以退货吗', 'zh')).toMatchObject({ id: 'zh-return' });
    expect(index.search('能寄到香港吗', 'zh')).toMatchObject({ id: 'zh-ship' });
    // Articles of the other language never answer.
    expect(index.search('Do you ship to Canada?', 'zh')).toBeNull();
  });

  it('scores close questions high and unrelated ones low or not at all, so a threshold separates them', () => {
    const close = index.search('Do you ship to Canada?', 'en')?.score ?? 0;
    const partial = index.search('do you ship furniture?', 'en')?.score ?? 0;
    expect(close).toBeGreaterThan(0.9);
    expect(partial).toBeLessThan(close);
    expect(index.search('what is the weather like', 'en')).toBeNull();
    expect(index.search('今天天气怎么样', 'zh')).toBeNull();
    // Function words alone ("how do I", "怎么") do not make questions alike.
    expect(index.search('how do I', 'en')).toBeNull();
  });
});
