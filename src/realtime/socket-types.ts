import type { Static } from '@sinclair/typebox';
import type { TicketChangeInfo } from '../core/events/domain-events.js';
import type { StaffSession } from '../core/ports/staff.js';
import type { CampaignView } from '../core/views/campaign.js';
import type { LiveQueueView } from '../core/views/live-queue.js';
import type { MessageView } from '../core/views/message.js';
import type { SegmentationRunView } from '../core/views/segmentation.js';
import type { StaffMemberView } from '../core/views/staff.js';
import type { CsatView, TicketView } from '../core/views/ticket.js';
import type {
  AgentReply,
  AgentTyping,
  NoPayload,
  StatusSet,
  TicketAssign,
  TicketEditPayload,
  TicketMerge,
  TicketNoteAdd,
  TicketRef,
  WidgetCsat,
  WidgetHistory,
  WidgetIdentify,
  WidgetSend,
  WidgetTyping,
} from './payloads.js';

/** What every socket ack carries: the result, or an error in the HTTP API's error shape. */
export type AckResponse<T> =
  | { ok: true; data: T }
  | {
      ok: false;
      error: {
        code: string;
        message: string /** seconds, for unavailable and rate_limited */;
        retryAfter?: number;
      };
    };
export type Ack<T> = (response: AckResponse<T>) => void;

/**
 * The typed events of each namespace. Payloads from clients are `unknown` until validated with
 * their TypeBox schema (payloads.ts); the Static types say what they are after that. Error codes
 * in acks are the HTTP API's: validation_failed, unauthorized, forbidden, not_found, conflict, …
 */

// ---------------------------------------------------------------------------------------------
// /widget: website visitors. Handshake auth {visitorId, token} (a new pair is sent as `session`).

export interface WidgetClientEvents {
  'message:send': (
    payload: Static<typeof WidgetSend>,
    ack: Ack<{ message: MessageView; duplicate: boolean }>,
  ) => void;
  history: (payload: Static<typeof WidgetHistory>, ack: Ack<{ messages: MessageView[] }>) => void;
  /** A signed token from the site (Parley.identify): links this visitor to that user's customer. */
  identify: (payload: Static<typeof WidgetIdentify>, ack: Ack<WidgetIdentity>) => void;
  /** The visitor is typing (true) or stopped (false); send true at most every 2 s while typing. */
  typing: (payload: Static<typeof WidgetTyping>) => void;
  /** A rating for a resolved ticket whose `csat` prompt message the widget showed (once per ticket: conflict after). */
  'csat:submit': (payload: Static<typeof WidgetCsat>, ack: Ack<{ csat: CsatView }>) => void;
}
/** The outcome of identifying a widget visitor with the site's token. */
export interface WidgetIdentity {
  verified: boolean;
  name?: string;
  /** Why a token was refused (the visitor stays anonymous). */
  error?: { code: string; message: string };
}
export interface WidgetServerEvents {
  /** A new visitor's id and token, to keep in the browser and present at the next connection. */
  session: (session: { visitorId: string; token: string }) => void;
  /**
   * Something said to the customer (a bot answer, an agent's reply, a rating request: a system
   * message with `prompt: {kind: 'csat', ticketId}`, drawn as stars).
   */
  'message:new': (message: MessageView) => void;
  /** The result of the handshake's identity token (auth.identityToken), when it had one. */
  identity: (result: WidgetIdentity) => void;
  /** An agent is typing (or stopped) in the visitor's conversation. */
  typing: (event: { from: 'agent'; typing: boolean }) => void;
  /** Live updates may have been lost: fetch the history again. */
  resync: () => void;
}
export interface WidgetSocketData {
  visitorId: string;
  /** The client's address (behind TRUST_PROXY's proxies), for rate limits. */
  address: string;
  issued?: { visitorId: string; token: string };
  customerId?: string;
  /** The site user this visitor proved to be (a verified token), if any. */
  siteUser?: string;
  lastTypingAt?: number;
}

// ---------------------------------------------------------------------------------------------
// /agents: the staff console (agents, supervisors, admins). Handshake auth {token} (a staff
// session; one that must change its password is refused). Connecting shows the agent online
// (unless they chose away); their last console going shows them offline.
//
// Who gets what: supervisors and admins every ticket event; an agent the events of tickets in
// the queue (live, unassigned), assigned to them or that they took part in, plus the event of a
// ticket leaving the queue (so it can be dropped). Messages go to whoever sees their ticket
// (messages of conversations without a ticket only to supervisors and admins).
//
// Catch-up after a reconnect: GET /api/v1/tickets?updatedSince=<syncedAt> (and removedIds), and
// for the open ticket GET /api/v1/tickets/:id/messages?after=<syncedAt>; keep the ticket copy
// with the higher `rev`, merge messages by id. Every ticket event carries the ticket's `rev` and
// `updatedAt`, every message its `createdAt`.

/** A ticket action over the socket: the same use cases as POST /api/v1/tickets/:id/<action>. */
type TicketAck = Ack<{ ticket: TicketView }>;

export interface AgentClientEvents {
  'reply:send': (
    payload: Static<typeof AgentReply>,
    ack: Ack<{ message: MessageView; duplicate: boolean }>,
  ) => void;
  'ticket:claim': (payload: Static<typeof TicketRef>, ack: TicketAck) => void;
  /** agentId null: back to the queue. */
  'ticket:assign': (payload: Static<typeof TicketAssign>, ack: TicketAck) => void;
  'ticket:resolve': (payload: Static<typeof TicketRef>, ack: TicketAck) => void;
  'ticket:reopen': (payload: Static<typeof TicketRef>, ack: TicketAck) => void;
  'ticket:close': (payload: Static<typeof TicketRef>, ack: TicketAck) => void;
  /** Merges `ticketId` into `into`. */
  'ticket:merge': (
    payload: Static<typeof TicketMerge>,
    ack: Ack<{ target: TicketView; source: TicketView }>,
  ) => void;
  'ticket:note': (payload: Static<typeof TicketNoteAdd>, ack: TicketAck) => void;
  /** priority, kind (a correction for the classifier), tags (the whole list). */
  'ticket:update': (payload: Static<typeof TicketEditPayload>, ack: TicketAck) => void;
  /** The agent is typing (true) or stopped (false) on a ticket; relayed to the customer's widget and colleagues. */
  typing: (payload: Static<typeof AgentTyping>, ack?: Ack<null>) => void;
  /** online, away or offline (see PUT /api/v1/me/status). */
  'status:set': (payload: Static<typeof StatusSet>, ack: Ack<{ staff: StaffMemberView }>) => void;
}
export interface AgentServerEvents {
  'ticket:opened': (ticket: TicketView) => void;
  /** Any change; `change` says what happened and the assignee and status just before. */
  'ticket:updated': (ticket: TicketView, change?: TicketChangeInfo) => void;
  'sla:breached': (ticket: TicketView) => void;
  'message:new': (message: MessageView) => void;
  /** An outbound message's delivery state changed (sent, retrying, failed). */
  'message:delivery': (message: MessageView) => void;
  /** Supervisors and admins only: a campaign's figures or status (at most once a second while sending). */
  'campaign:progress': (campaign: CampaignView) => void;
  /** Supervisors and admins only: a segmentation run's progress, and its end. */
  'segmentation:progress': (run: SegmentationRunView) => void;
  /** A colleague's account or status changed (online, away, offline; capacity, role…). */
  'staff:updated': (staff: StaffMemberView) => void;
  /** Someone is typing on a ticket this console sees: the customer, or a colleague (agentId). */
  typing: (event: {
    ticketId: string;
    conversationId: string;
    from: 'customer' | 'agent';
    agentId?: string;
    typing: boolean;
  }) => void;
  /** This session ended (signed out, deactivated, new role or password): the server disconnects next. */
  'session:ended': (event: { reason: string }) => void;
  /**
   * Live updates may have been lost (the event stream restarted): catch up as after a reconnect
   * (the queue and the open ticket).
   */
  resync: () => void;
}
export interface AgentSocketData {
  session: StaffSession;
  token: string;
  sessionId: string;
  connectionId: string;
  lastTypingAt?: number;
}

// ---------------------------------------------------------------------------------------------
// /supervisors: the live queue (supervisors and admins only; others are refused at the
// handshake with "forbidden"). Handshake auth {token}. `queue:live` arrives at connection and
// then at most once a second while something changes.

export interface SupervisorClientEvents {
  /** The live queue now (the same as GET /api/v1/queue/live). */
  'queue:get': (payload: Static<typeof NoPayload> | undefined, ack: Ack<LiveQueueView>) => void;
  /** Reassign from the queue: to a staff member, or agentId null back to the queue. */
  'ticket:assign': (payload: Static<typeof TicketAssign>, ack: TicketAck) => void;
}
export interface SupervisorServerEvents {
  'queue:live': (queue: LiveQueueView) => void;
  'session:ended': (event: { reason: string }) => void;
  /** Live updates may have been lost: ask `queue:get`. */
  resync: () => void;
}
export type SupervisorSocketData = AgentSocketData;

// biome-ignore lint/complexity/noBannedTypes: Socket.IO's slot for server-to-server events, unused here
export type NoServerEvents = {};
