import type { Language } from '../ports/classifier.js';
import type { OrderView } from '../ports/store.js';

/** Everything the bot says, in English and Chinese; English for languages it does not speak. */
type Lang = 'en' | 'zh';
const pick = (language: Language): Lang => (language === 'zh' ? 'zh' : 'en');

const FIXED = {
  greeting: {
    en: 'Hello! How can I help you today?',
    zh: '您好！请问有什么可以帮您？',
  },
  thanks_bye: {
    en: "You're welcome! If anything else comes up, just write here.",
    zh: '不客气！如有其他问题，随时在这里留言。',
  },
  faq_helped: {
    en: 'Great, glad that helped! Anything else I can do for you?',
    zh: '太好了，很高兴能帮到您！还有其他可以帮您的吗？',
  },
  clarify: {
    en: "Sorry, I didn't quite get that. Could you say it another way? You can also ask for a person at any time.",
    zh: '抱歉，我没太明白您的意思，能换个说法吗？您也可以随时要求转人工客服。',
  },
  ask_order_number: {
    en: 'Which order do you mean? Please send me the order number.',
    zh: '请问是哪个订单呢？请发送订单号给我。',
  },
} as const;

export type FixedText = keyof typeof FIXED;

export function botText(key: FixedText, language: Language): string {
  return FIXED[key][pick(language)];
}

export function faqAnswerText(answer: string, language: Language): string {
  return pick(language) === 'zh'
    ? `${answer}\n\n这个回答有帮助吗？（是/否）`
    : `${answer}\n\nDid this answer your question? (yes/no)`;
}

/** "A person will reply", with a rough wait from the live queue. */
export function handoffText(
  kind: 'consultation' | 'complaint',
  waitMinutes: number,
  language: Language,
): string {
  const zh = pick(language) === 'zh';
  const wait = zh
    ? waitMinutes <= 5
      ? '通常几分钟内'
      : `预计约 ${waitMinutes} 分钟内`
    : waitMinutes <= 5
      ? 'usually within a few minutes'
      : `in about ${waitMinutes} minutes`;
  if (kind === 'complaint') {
    return zh
      ? `非常抱歉给您带来不便。已作为优先事项转交人工客服，工作人员会${wait}在这里回复您。`
      : `I'm sorry about this. I have passed it to our team as a priority; a person will reply here ${wait}.`;
  }
  return zh
    ? `收到，已为您转接人工客服，工作人员会${wait}在这里回复您。`
    : `Thanks, I have passed this to our team. A person will reply here ${wait}.`;
}

const STATUS: Record<string, { en: string; zh: string }> = {
  created: { en: 'received', zh: '已创建' },
  paid: { en: 'paid, being prepared', zh: '已付款，正在备货' },
  shipped: { en: 'shipped', zh: '已发货' },
  delivered: { en: 'delivered', zh: '已签收' },
  refunded: { en: 'refunded', zh: '已退款' },
  cancelled: { en: 'cancelled', zh: '已取消' },
};

const day = (iso: string) => iso.slice(0, 10);

export function orderStatusText(order: OrderView, language: Language): string {
  const lang = pick(language);
  const status = STATUS[order.status]?.[lang] ?? order.status;
  const history = order.history.map(
    (h) => `${day(h.at)} ${STATUS[h.status]?.[lang] ?? h.status}${h.note ? ` (${h.note})` : ''}`,
  );
  const tracking = order.trackingNumber
    ? `${order.carrier ? `${order.carrier} ` : ''}${order.trackingNumber}`
    : '';
  if (lang === 'zh') {
    return [
      `订单 ${order.number} 当前状态：${status}。`,
      ...(tracking ? [`物流单号：${tracking}`] : []),
      ...(history.length ? ['进度：', ...history.map((h) => `· ${h}`)] : []),
    ].join('\n');
  }
  return [
    `Order ${order.number} is ${status}.`,
    ...(tracking ? [`Tracking: ${tracking}`] : []),
    ...(history.length ? ['History:', ...history.map((h) => `· ${h}`)] : []),
  ].join('\n');
}

export function orderNotFoundText(number: string, language: Language): string {
  return pick(language) === 'zh'
    ? `在您的账户下没有找到订单 ${number}。请核对订单号，或回复“人工”由客服为您查询。`
    : `I couldn't find an order ${number} on your account. Please check the number, or ask for a person and we'll look into it.`;
}
