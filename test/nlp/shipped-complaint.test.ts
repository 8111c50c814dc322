import { describe, expect, it } from 'vitest';
import { SHIPPED_MODES, useShippedClassifier } from '../helpers/shipped-classifier.js';

/**
 * Complaint vs rest of the shipped model on social-media and review-style messages written for
 * this test (not in the corpus): rants and sarcasm are complaints; praise, chatter and neutral
 * brand mentions are not. Most of each group, not all: it is a statistical model.
 */
describe.each(SHIPPED_MODES)(
  'shipped model: complaint vs rest on customer-style messages, %s',
  (_name, withEncoder) => {
    const shipped = useShippedClassifier(withEncoder);
    const complaintShare = async (texts: readonly string[]) => {
      const kinds = await Promise.all(texts.map(async (t) => (await shipped().classify(t)).kind));
      return kinds.filter((k) => k === 'complaint').length / texts.length;
    };

    it('flags tweets and reviews that complain', async () => {
      expect(
        await complaintShare([
          '@BlueLine second time this month my train is cancelled with no notice, absolutely useless',
          '@NovaTel great, another bill with charges I never agreed to. thanks a lot',
          '@FoodieGo the rider ate half my chips I swear, bag was open and cold',
          '收到的耳机一边没声音，找客服三天了都没人回复',
          '房间又脏又吵，空调还是坏的，再也不住了',
          '鞋子穿了一周就开胶，质量太差，退货还要自己出运费',
        ]),
      ).toBeGreaterThanOrEqual(4 / 6);
    });

    it('does not flag praise, chit-chat or neutral mentions', async () => {
      expect(
        await complaintShare([
          '@BlueLine shout out to the conductor who found my lost wallet, you are a star',
          'my dog refuses to walk in the rain, drama queen',
          'off to the @NovaTel store to pick up my new phone, excited!',
          '东西很好，物流也快，包装很仔细，下次还来',
          '这个酒店早餐很丰盛，服务员也很热情，推荐',
          '周末去公园放风筝，天气特别好',
        ]),
      ).toBeLessThanOrEqual(1 / 6);
    });
  },
);
