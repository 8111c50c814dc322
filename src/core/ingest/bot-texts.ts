import type { Language } from '../ports/classifier.js';

/** What the bot says, per language; English for languages it does not speak. */
const TEXTS = {
  greeting: {
    en: 'Hello! How can I help you today?',
    zh: '您好！请问有什么可以帮您？',
  },
  thanks_bye: {
    en: "You're welcome! If anything else comes up, just write here.",
    zh: '不客气！如有其他问题，随时在这里留言。',
  },
  handoff: {
    en: 'Thanks, I have passed this to our team. A person will reply here shortly.',
    zh: '收到，已为您转接人工客服，工作人员会尽快在这里回复您。',
  },
  handoff_complaint: {
    en: "I'm sorry about this. I have passed it to our team as a priority; a person will reply here shortly.",
    zh: '非常抱歉给您带来不便，已作为优先事项转交人工客服，工作人员会尽快回复您。',
  },
} as const;

export type BotTextKey = keyof typeof TEXTS;

export function botText(key: BotTextKey, language: Language): string {
  return TEXTS[key][language === 'zh' ? 'zh' : 'en'];
}
