import type { Static } from '@sinclair/typebox';
import type { StaffSession } from '../core/ports/staff.js';
import type { CampaignView } from '../core/views/campaign.js';
import type { MessageView } from '../core/views/message.js';
import type { SegmentationRunView } from '../core/views/segmentation.js';
import type { TicketView } from '../core/views/ticket.js';
import type { AgentReply, WidgetHistory, WidgetSend } from './payloads.js';

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
 * their TypeBox schema (payloads.ts); the Static types say what they are after that.
 */
export interface WidgetClientEvents {
  'message:send': (
    payload: Static<typeof WidgetSend>,
    ack: Ack<{ message: MessageView; duplicate: boolean }>,
  ) => void;
  history: (payload: Static<typeof WidgetHistory>, ack: Ack<{ messages: MessageView[] }>) => void;
}
export interface WidgetServerEvents {
  /** A new visitor's id and token, to keep in the browser and present at the next connection. */
  session: (session: { visitorId: string; token: string }) => void;
  /** Something said to the customer (a bot answer, an agent's reply). */
  'message:new': (message: MessageView) => void;
  /** Live updates may have been lost: fetch the history again. */
  resync: () => void;
}
export interface WidgetSocketData {
  visitorId: string;
  /** The client's address (behind TRUST_PROXY's proxies), for rate limits. */
  address: string;
  issued?: { visitorId: string; token: string };
  customerId?: string;
}

export interface AgentClientEvents {
  'reply:send': (
    payload: Static<typeof AgentReply>,
    ack: Ack<{ message: MessageView; duplicate: boolean }>,
  ) => void;
}
export interface AgentServerEvents {
  'ticket:opened': (ticket: TicketView) => void;
  'ticket:updated': (ticket: TicketView) => void;
  'sla:breached': (ticket: TicketView) => void;
  'message:new': (message: MessageView) => void;
  /** An outbound message's delivery state changed (sent, retrying, failed). */
  'message:delivery': (message: MessageView) => void;
  /** Supervisors and admins only: a campaign's figures or status (at most once a second while sending). */
  'campaign:progress': (campaign: CampaignView) => void;
  /** Supervisors and admins only: a segmentation run's progress, and its end. */
  'segmentation:progress': (run: SegmentationRunView) => void;
  /** Live updates may have been lost (the event stream restarted): fetch the queue and the open ticket again. */
  resync: () => void;
}
export interface AgentSocketData {
  session: StaffSession;
  token: string;
  sessionId: string;
}

// biome-ignore lint/complexity/noBannedTypes: Socket.IO's slot for server-to-server events, unused here
export type NoServerEvents = {};
