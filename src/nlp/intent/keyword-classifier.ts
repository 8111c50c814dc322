import type { Classification, Intent, MessageClassifier } from '../../core/ports/classifier.js';
import { detectLanguage } from '../text/language.js';

/**
 * A small rule-based classifier: the fallback when no trained model is available, and what
 * tests use when they need predictable labels. The trained model (intent-classifier.ts) replaces it.
 */
const RULES: { intent: Intent; en: RegExp; zh: RegExp }[] = [
  {
    intent: 'ask_human',
    en: /\b(human|real person|agent|representative|operator|someone real)\b/i,
    zh: /人工|真人|客服人员|转人工/,
  },
  {
    intent: 'complaint',
    en: /\b(refund|broken|damaged|terrible|awful|worst|unacceptable|complain|angry|lawyer|scam|never arrived|wrong item)\b/i,
    zh: /投诉|退款|差评|坏了|破损|太差|垃圾|骗子|曝光|律师|不满/,
  },
  {
    intent: 'order_status',
    en: /\b(where is my order|order status|tracking|shipped|delivery)\b/i,
    zh: /订单|快递|物流|发货/,
  },
  {
    intent: 'greeting',
    en: /^(hi|hello|hey|good (morning|afternoon|evening))\b[\s!.?]*$/i,
    zh: /^(你好|您好|在吗|哈喽)[\s!！。?？]*$/,
  },
  { intent: 'thanks_bye', en: /^(thanks|thank you|thx|bye|goodbye|cheers)\b/i, zh: /^(谢谢|多谢|再见|拜拜)/ },
];

const URGENT = /\b(now|asap|immediately|urgent|lawyer|sue|chargeback)\b|马上|立刻|立即|紧急|律师|曝光|12315/i;
const NEGATIVE =
  /\b(terrible|awful|worst|angry|hate|unacceptable|scam|useless|disgusting)\b|太差|垃圾|气死|骗子|恶心|失望/i;

export class KeywordClassifier implements MessageClassifier {
  readonly version = 'keyword-1';

  async classify(text: string): Promise<Classification> {
    const language = detectLanguage(text);
    const rule = RULES.find((r) => (language === 'zh' ? r.zh : r.en).test(text));
    const intent: Intent = rule?.intent ?? 'consultation';
    const sentiment = NEGATIVE.test(text) ? -0.8 : 0;
    const urgency = URGENT.test(text) ? 1 : 0;
    const kind =
      intent === 'complaint'
        ? 'complaint'
        : intent === 'consultation' || intent === 'ask_human'
          ? 'consultation'
          : 'none';
    return { language, intent, confidence: rule ? 0.9 : 0.5, sentiment, urgency, kind };
  }
}
