import type { TicketSummaryView, TicketView } from './types.js';

export type Slaish = Pick<TicketView, 'sla' | 'status'> | Pick<TicketSummaryView, 'sla' | 'status'>;

/** Where a ticket stands against its first-response deadline. */
export function slaState(
  tk: Slaish,
  now: number,
  atRiskMinutes = 10,
): { kind: 'breached' | 'risk' | 'ok' | 'answered'; seconds: number } {
  if (tk.sla.firstRespondedAt) return { kind: 'answered', seconds: 0 };
  const due = Date.parse(tk.sla.firstResponseDueAt);
  const left = (due - now) / 1000;
  if (tk.sla.breachedAt || left <= 0) return { kind: 'breached', seconds: -left };
  return { kind: left <= atRiskMinutes * 60 ? 'risk' : 'ok', seconds: left };
}

/** Seconds a ticket has waited: in the queue since queuedAt, otherwise since it opened. */
export const waitedSeconds = (tk: { queuedAt?: string; createdAt: string }, now: number): number =>
  Math.max(0, (now - Date.parse(tk.queuedAt ?? tk.createdAt)) / 1000);
