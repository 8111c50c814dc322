import type { EventBus, TicketAction, TicketChangeInfo } from '../events/domain-events.js';
import type { DeskMirror } from '../ports/agent-desk.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { DomainLogger } from '../ports/logger.js';
import type { Outbox } from '../ports/outbox.js';
import type { Stores } from '../ports/store.js';
import type { Actor } from '../views/staff.js';
import type { TicketView } from '../views/ticket.js';
import type { SlaSettings } from './sla-policy.js';

/** The settings the ticket rules read (configuration: REOPEN_WINDOW_HOURS, AGENT_AWAY_GRACE_MINUTES, …). */
export interface TicketSettings {
  /** A resolved ticket reopens when its customer needs a person again within this many hours; after it, it closes. */
  reopenWindowHours: number;
  /** An agent offline this long gives their live tickets back to the queue. */
  awayGraceMinutes: number;
  /** Unanswered tickets due within this many minutes are shown at risk. */
  atRiskMinutes: number;
  /** Where the rating page lives (links in CSAT requests). */
  publicUrl: string;
}

/** What the ticket use cases work with. */
export interface TicketDeps {
  stores: Pick<
    Stores,
    | 'tickets'
    | 'staff'
    | 'messages'
    | 'conversations'
    | 'dailyStats'
    | 'corrections'
    | 'customerContext'
    | 'customerFeatures'
    | 'cannedResponses'
  >;
  events: EventBus;
  audit: AuditLog;
  outbox: Outbox;
  sla: SlaSettings;
  settings: TicketSettings;
  log: DomainLogger;
  /** The agents' Slack desk: a ticket's post there is refreshed when it changes (queued; a no-op without a desk). */
  desk?: DeskMirror;
  /** A random, unguessable token (CSAT links). */
  newToken: () => string;
  now: () => Date;
}

export type SystemActor = { id: 'system'; role?: undefined };
export const SYSTEM: SystemActor = { id: 'system' };

/** Changes that leave the ticket's post in the agents' Slack channel as it was. */
const CARD_UNCHANGED: ReadonlySet<TicketAction> = new Set(['note_added', 'csat_requested', 'rated']);

/**
 * Announces a ticket change to every process (live updates), writes its audit-log line, and has
 * the ticket's Slack post refreshed when what it shows may have changed.
 */
export async function recordTicketChange(
  deps: Pick<TicketDeps, 'events' | 'audit' | 'desk'>,
  ticket: TicketView,
  action: TicketAction,
  by: Actor | SystemActor | null,
  before?: TicketView,
  details?: Record<string, unknown>,
): Promise<void> {
  const change: TicketChangeInfo = {
    action,
    ...(by?.role ? { actorId: by.id } : {}),
    ...(before
      ? {
          before: {
            status: before.status,
            ...(before.assigneeId ? { assigneeId: before.assigneeId } : {}),
          },
        }
      : {}),
  };
  await deps.events.publish('ticket.updated', { ticket, change });
  // A message (the customer's or a reply) changes the post only when it moved what the post shows.
  const byMessage = action === 'customer_wrote' || action === 'replied';
  const cardMayChange =
    !CARD_UNCHANGED.has(action) &&
    (!byMessage ||
      !before ||
      before.status !== ticket.status ||
      before.kind !== ticket.kind ||
      before.priority !== ticket.priority ||
      before.assigneeId !== ticket.assigneeId);
  if (cardMayChange) await deps.desk?.ticketChanged(ticket);
  if (by) {
    await deps.audit.record({
      actor: by,
      action: `ticket.${action}`,
      target: { kind: 'ticket', id: ticket.id },
      ...(details ? { details } : {}),
    });
  }
}

export const secondsBetween = (from: string | Date, to: Date): number =>
  Math.max(0, Math.round((to.getTime() - new Date(from).getTime()) / 1000));
