import type { EventBus, TicketAction, TicketChangeInfo } from '../events/domain-events.js';
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
    | 'cannedResponses'
  >;
  events: EventBus;
  audit: AuditLog;
  outbox: Outbox;
  sla: SlaSettings;
  settings: TicketSettings;
  log: DomainLogger;
  /** A random, unguessable token (CSAT links). */
  newToken: () => string;
  now: () => Date;
}

export type SystemActor = { id: 'system'; role?: undefined };
export const SYSTEM: SystemActor = { id: 'system' };

/** Announces a ticket change to every process (live updates) and writes its audit-log line. */
export async function recordTicketChange(
  deps: Pick<TicketDeps, 'events' | 'audit'>,
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
