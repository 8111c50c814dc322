import { describe, expect, it } from 'vitest';
import { overlapChecker } from '../../scripts/nlp/benchmark-overlap.js';

/** The guard that keeps benchmark messages (evaluation only) out of the training corpus. */
describe('benchmark overlap check', () => {
  const check = overlapChecker([
    '@SomeAirline my flight was delayed three hours and nobody told us anything at the gate https://t.co/x',
    'I just gave 5 stars to Nancy at @SomeShop for the great service I received!',
    '先不说产品如何，收到货的时候已经漏了大半，盖子根本没盖紧还是怎么的。太让人失望了。',
    '质量不错，下次还会光顾！！！！！',
  ]);

  it('flags a copy or a light rewording, handles and links aside', () => {
    expect(check('@OtherAir my flight was delayed three hours and nobody told us anything')).not.toBeNull();
    expect(check('just gave 5 stars to Nancy at @Shop for the great service I received')).not.toBeNull();
    expect(check('收到货的时候已经漏了大半，盖子根本没盖紧')).not.toBeNull();
    // Short, but the same review with one word changed.
    expect(check('挺不错，下次还会光顾')).not.toBeNull();
  });

  it('lets stock phrases and new messages through', () => {
    expect(check('my flight was delayed')).toBeNull();
    expect(check('@SkyRail the 8:05 was cancelled again and the app still says on time')).toBeNull();
    expect(check('味道挺好，还会光顾的')).toBeNull();
    expect(check('外卖送到的时候汤洒了一半，盖子没盖好')).toBeNull();
  });

  it('says which benchmark message a flagged line is close to', () => {
    const hit = check('I just gave 5 stars to Nancy at @SomeShop for the great service I received!');
    expect(hit?.score).toBe(1);
    expect(hit?.closest).toContain('Nancy');
  });
});
