import { createStore } from './lib/store.js';
import type {
  CannedResponseView,
  CustomerContextView,
  MessageView,
  StaffMemberView,
  StaffView,
  TicketView,
} from './lib/types.js';

export interface Session {
  token: string;
  staff: StaffView;
  mustChangePassword: boolean;
}

/** A reply written in the console that the server has not confirmed yet (or refused). */
export interface PendingReply {
  clientMessageId: string;
  ticketId: string;
  text: string;
  error?: string;
}

export interface OpenTicket {
  id: string;
  ticket: TicketView | null;
  messages: MessageView[];
  context: CustomerContextView | null;
  contextError?: string;
  error?: string;
  loading: boolean;
  /** The newest message time seen for this ticket: catch-up asks from here. */
  seenUpTo?: string;
}

export interface Typing {
  /** ms timestamps after which the indicator goes away (an "off" event may be lost). */
  customerUntil?: number;
  agents: Record<string, number>;
}

export type Connection = 'idle' | 'connecting' | 'online' | 'offline';

export interface AppState {
  session: Session | null;
  /** Why the last session ended, shown on the sign-in page. */
  endedReason: string | null;
  me: StaffMemberView | null;
  connection: Connection;
  /** Every ticket this console knows of (the server sends only those its person may see). */
  tickets: Record<string, TicketView>;
  ticketsLoaded: boolean;
  /** Server time up to which tickets are known: the last list's syncedAt or the newest event since. */
  syncedAt: string | null;
  staff: Record<string, StaffMemberView>;
  canned: CannedResponseView[];
  /** When the canned responses were fetched (the reply box refreshes them when they are old). */
  cannedAt: number;
  open: OpenTicket | null;
  pending: PendingReply[];
  typing: Record<string, Typing>;
  /** Message count of a ticket when it was last opened here: more since means unread. */
  seen: Record<string, number>;
  /** Tickets that arrived live and were not opened yet. */
  fresh: Record<string, true>;
  notice: { kind: 'error' | 'info'; text: string; id: number } | null;
  /** The last catch-up after a reconnect or a resync (shown briefly; tests read it). */
  lastCatchUp: { at: string; reason: string; tickets: number; messages: number } | null;
  helpOpen: boolean;
}

const SESSION_KEY = 'parley-console:session';

function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    return typeof s?.token === 'string' && s.staff ? s : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  try {
    if (session) localStorage.setItem(SESSION_KEY, JSON.stringify(session));
    else localStorage.removeItem(SESSION_KEY);
  } catch {}
}

export const initialData = (): Omit<AppState, 'session' | 'endedReason' | 'helpOpen'> => ({
  me: null,
  connection: 'idle',
  tickets: {},
  ticketsLoaded: false,
  syncedAt: null,
  staff: {},
  canned: [],
  cannedAt: 0,
  open: null,
  pending: [],
  typing: {},
  seen: {},
  fresh: {},
  notice: null,
  lastCatchUp: null,
});

export const store = createStore<AppState>({
  session: loadSession(),
  endedReason: null,
  helpOpen: false,
  ...initialData(),
});

export const isLeadRole = (role: string | undefined): boolean => role === 'supervisor' || role === 'admin';
export const isLiveStatus = (status: string): boolean => status === 'open' || status === 'pending';

/** Whether the signed-in person sees this ticket (the server's rule, applied to what it sent). */
export function canSee(t: TicketView, me: { agentId: string; role: string }): boolean {
  if (isLeadRole(me.role)) return true;
  return (
    t.assigneeId === me.agentId ||
    t.participantIds.includes(me.agentId) ||
    (!t.assigneeId && isLiveStatus(t.status))
  );
}

export const laterIso = (a: string | null | undefined, b: string | null | undefined): string | null =>
  !a ? (b ?? null) : !b ? a : a > b ? a : b;

/** Messages in transcript order, each once (a later copy of a message replaces the earlier one). */
export function mergeMessages(current: MessageView[], incoming: MessageView[]): MessageView[] {
  if (incoming.length === 0) return current;
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) {
    const had = byId.get(m.id);
    // A delivery update may arrive before or after the copy that created it: keep the most advanced.
    if (had?.delivery && m.delivery && had.delivery.updatedAt > m.delivery.updatedAt) continue;
    byId.set(m.id, m);
  }
  return [...byId.values()].sort((a, b) =>
    a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1,
  );
}

export function notify(kind: 'error' | 'info', text: string): void {
  store.set({ notice: { kind, text, id: Date.now() } });
}

export const staffName = (id: string | undefined, s = store.get()): string => {
  if (!id) return '';
  if (id === s.session?.staff.id) return s.session.staff.name;
  return s.staff[id]?.name ?? id.slice(-6);
};
