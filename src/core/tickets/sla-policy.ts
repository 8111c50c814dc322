import type { TicketKind, TicketPriority } from '../views/ticket.js';

export interface SlaSettings {
  firstResponseMinutes: Record<TicketKind, number>;
}

/** First-response deadline: by kind, halved for high priority and quartered for urgent. */
export function firstResponseDue(
  settings: SlaSettings,
  kind: TicketKind,
  priority: TicketPriority,
  from: Date,
): Date {
  const base = settings.firstResponseMinutes[kind];
  const factor = priority === 'urgent' ? 0.25 : priority === 'high' ? 0.5 : 1;
  return new Date(from.getTime() + Math.max(1, Math.round(base * factor)) * 60_000);
}
