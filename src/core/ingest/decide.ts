import type { Classification } from '../ports/classifier.js';
import type { TicketKind } from '../views/views.js';
import type { BotTextKey } from './bot-texts.js';

/** What to do with a classified customer message. */
export type Decision =
  | { action: 'bot_answer'; text: BotTextKey }
  | { action: 'handoff'; kind: TicketKind; notice: BotTextKey | null };

/**
 * The bot answers small talk itself; anything else goes to a person as a consultation or a
 * complaint. (The NLP work extends this with FAQ answers, order status and confidence rules.)
 * When the conversation already has a live ticket the customer is not told again.
 */
export function decide(c: Classification, hasLiveTicket: boolean): Decision {
  if (c.intent === 'greeting' && !hasLiveTicket) return { action: 'bot_answer', text: 'greeting' };
  if (c.intent === 'thanks_bye' && !hasLiveTicket) return { action: 'bot_answer', text: 'thanks_bye' };
  const kind: TicketKind = c.kind === 'complaint' || c.intent === 'complaint' ? 'complaint' : 'consultation';
  const notice: BotTextKey | null = hasLiveTicket
    ? null
    : kind === 'complaint'
      ? 'handoff_complaint'
      : 'handoff';
  return { action: 'handoff', kind, notice };
}
