import type { Classification } from '../ports/classifier.js';
import type { BotState } from '../views/conversation.js';
import type { TicketKind } from '../views/ticket.js';

/** Thresholds of the bot's hand-off rules (configuration: BOT_MIN_CONFIDENCE, FAQ_MIN_SCORE). */
export interface BotPolicy {
  /** Below this intent confidence the bot treats a message as not understood. */
  minConfidence: number;
  /** A FAQ article answers only when its similarity reaches this. */
  faqMinScore: number;
  /** Not understood this many times in a row → a person takes over. */
  handoffAfterMisunderstandings: number;
}

export type HandoffReason =
  | 'asked_for_human'
  | 'complaint'
  | 'not_understood'
  | 'faq_did_not_help'
  | 'no_answer'
  | 'live_ticket'
  /** An integration opened it as a consultation or complaint (POST /consult, /complaint). */
  | 'requested';

/** What to do with a classified customer message; FAQ and order lookups happen after this. */
export type Decision =
  | { action: 'handoff'; kind: TicketKind; reason: HandoffReason }
  | { action: 'greet' }
  | { action: 'farewell' }
  | { action: 'faq_helped' }
  | { action: 'order_status' }
  | { action: 'answer_from_faq' }
  | { action: 'clarify' };

const NO =
  /^\s*(no+|nope|nah|not really|not at all|it did(n'?t| not)|does(n'?t| not) help|that did(n'?t| not)|没有|没用|不行|不是|不对|没帮助|沒有|沒用)/i;
const YES =
  /^\s*(yes|yeah|yep|yup|it did|that helped|helpful|perfect|great|thanks|thank you|有用|有帮助|好的|是的|解决了|谢谢|可以了|對|对)/i;

export const isNegativeFeedback = (text: string) => text.length <= 80 && NO.test(text);
export const isPositiveFeedback = (text: string) => text.length <= 80 && YES.test(text);

const ticketKind = (c: Classification): TicketKind =>
  c.intent === 'complaint' || c.kind === 'complaint' ? 'complaint' : 'consultation';

/**
 * The hand-off policy, pure so it can be tested rule by rule:
 * - a conversation a person is already on stays with that person;
 * - "no, that did not help" after a FAQ answer → a person;
 * - asking for a person, or any complaint → a person;
 * - not understood (out of scope or low confidence) twice in a row → a person; once → ask again;
 * - greetings and thanks are answered; order status is looked up; other questions are tried
 *   against the FAQ (and go to a person when no article answers well enough).
 */
export function decide(
  c: Classification,
  text: string,
  state: BotState,
  hasLiveTicket: boolean,
  policy: BotPolicy,
): Decision {
  if (hasLiveTicket) return { action: 'handoff', kind: ticketKind(c), reason: 'live_ticket' };
  if (state.awaitingFeedbackOn) {
    if (isNegativeFeedback(text))
      return { action: 'handoff', kind: 'consultation', reason: 'faq_did_not_help' };
    if (isPositiveFeedback(text) && c.intent !== 'complaint') return { action: 'faq_helped' };
  }
  if (c.intent === 'ask_human') return { action: 'handoff', kind: 'consultation', reason: 'asked_for_human' };
  if (c.intent === 'complaint' || c.kind === 'complaint')
    return { action: 'handoff', kind: 'complaint', reason: 'complaint' };
  const understood = c.intent !== 'out_of_scope' && c.confidence >= policy.minConfidence;
  if (!understood) {
    return state.lowConfidenceStreak + 1 >= policy.handoffAfterMisunderstandings
      ? { action: 'handoff', kind: 'consultation', reason: 'not_understood' }
      : { action: 'clarify' };
  }
  switch (c.intent) {
    case 'greeting':
      return { action: 'greet' };
    case 'thanks_bye':
      return { action: 'farewell' };
    case 'order_status':
      return { action: 'order_status' };
    default:
      return { action: 'answer_from_faq' };
  }
}
