import { ApiError, api, qs, setToken } from './lib/api.js';
import { t } from './lib/i18n.js';
import { navigate, routeStore } from './lib/router.js';
import type {
  AgentStatus,
  CannedResponseView,
  CustomerContextView,
  MessageView,
  StaffMemberView,
  StaffView,
  TicketView,
} from './lib/types.js';
import {
  canSee,
  initialData,
  laterIso,
  mergeMessages,
  notify,
  type PendingReply,
  type Session,
  saveSession,
  store,
} from './state.js';

type TicketList = { tickets: TicketView[]; syncedAt: string; removedIds: string[] };

export const uuid = (): string =>
  crypto.randomUUID?.() ??
  `${Date.now().toString(16)}-${Math.random().toString(16).slice(2)}-${Math.random().toString(16).slice(2)}`;

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.code === 'network' ? t('common.networkError') : err.message;
  return err instanceof Error ? err.message : String(err);
}

/** Runs an action; a failure becomes a notice instead of an unhandled rejection. */
export async function attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (err) {
    notify('error', t('common.error', { message: errorText(err) }));
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Session

export async function signIn(email: string, password: string): Promise<void> {
  const res = await api<{ token: string; staff: StaffView; mustChangePassword: boolean }>(
    'POST',
    '/auth/login',
    { email, password },
  );
  const session: Session = { token: res.token, staff: res.staff, mustChangePassword: res.mustChangePassword };
  setToken(session.token);
  saveSession(session);
  store.set({ session, endedReason: null, ...initialData() });
}

/** Forgets the session here (the server already ended it, or is told to). */
export function endSession(reason: string | null): void {
  setToken(null);
  saveSession(null);
  store.set({ session: null, endedReason: reason, ...initialData() });
}

export async function signOut(): Promise<void> {
  await api('POST', '/auth/logout').catch(() => {});
  endSession(null);
  navigate({ page: 'inbox' }, { replace: true });
}

export async function changeOwnPassword(currentPassword: string, newPassword: string): Promise<void> {
  await api('POST', '/me/password', { currentPassword, newPassword });
  const s = store.get().session;
  if (s?.mustChangePassword) {
    const session = { ...s, mustChangePassword: false };
    saveSession(session);
    store.set({ session });
  }
}

export async function setOwnStatus(status: AgentStatus): Promise<void> {
  const me = await api<StaffMemberView>('PUT', '/me/status', { status });
  store.set((s) => ({ me, staff: { ...s.staff, [me.id]: me } }));
}

// ---------------------------------------------------------------------------------------------
// Tickets and what the console holds

const rank = (t: TicketView | undefined) => (t ? t.rev : -1);

/** Takes a ticket copy unless an equal or newer revision is held; drops what is no longer ours to see. */
export function upsertTicket(ticket: TicketView, opts: { live?: boolean } = {}): void {
  store.set((s) => {
    const session = s.session;
    if (!session) return {};
    const held = s.tickets[ticket.id];
    if (held && held.rev > ticket.rev) return {};
    const me = { agentId: session.staff.id, role: session.staff.role };
    const tickets = { ...s.tickets };
    const visible = canSee(ticket, me);
    if (visible) tickets[ticket.id] = ticket;
    else delete tickets[ticket.id];
    const open =
      s.open?.id === ticket.id && rank(s.open.ticket ?? undefined) <= ticket.rev
        ? { ...s.open, ticket }
        : s.open;
    const fresh =
      opts.live && !held && visible && s.open?.id !== ticket.id
        ? { ...s.fresh, [ticket.id]: true as const }
        : s.fresh;
    return { tickets, open, fresh, syncedAt: laterIso(s.syncedAt, ticket.updatedAt) };
  });
}

export function removeTickets(ids: string[]): void {
  if (ids.length === 0) return;
  store.set((s) => {
    const tickets = { ...s.tickets };
    for (const id of ids) delete tickets[id];
    return { tickets };
  });
}

export async function loadInitial(): Promise<void> {
  const [list, me, agents, canned] = await Promise.all([
    api<TicketList>('GET', `/tickets${qs({ limit: 500 })}`),
    api<StaffMemberView>('GET', '/me'),
    api<{ agents: StaffMemberView[] }>('GET', '/agents'),
    api<{ cannedResponses: CannedResponseView[] }>('GET', '/canned-responses'),
  ]);
  const tickets: Record<string, TicketView> = {};
  for (const tk of list.tickets) tickets[tk.id] = tk;
  store.set((s) => ({
    tickets: { ...tickets, ...keepNewer(s.tickets, tickets) },
    ticketsLoaded: true,
    syncedAt: laterIso(s.syncedAt, list.syncedAt),
    me,
    staff: Object.fromEntries(agents.agents.map((a) => [a.id, a])),
    canned: canned.cannedResponses,
    cannedAt: Date.now(),
  }));
}

/** Copies in `held` that are newer than in `fresh` (an event that raced a list request). */
function keepNewer(held: Record<string, TicketView>, fresh: Record<string, TicketView>) {
  const out: Record<string, TicketView> = {};
  for (const [id, tk] of Object.entries(held)) if (fresh[id] && fresh[id].rev < tk.rev) out[id] = tk;
  return out;
}

export async function reloadCanned(): Promise<void> {
  const res = await api<{ cannedResponses: CannedResponseView[] }>('GET', '/canned-responses');
  store.set({ canned: res.cannedResponses, cannedAt: Date.now() });
}

export async function reloadStaff(): Promise<void> {
  const res = await api<{ agents: StaffMemberView[] }>('GET', '/agents');
  store.set({ staff: Object.fromEntries(res.agents.map((a) => [a.id, a])) });
}

export function upsertStaff(member: StaffMemberView): void {
  store.set((s) => ({
    staff: { ...s.staff, [member.id]: member },
    me: s.me?.id === member.id ? member : s.me,
  }));
}

/**
 * After a reconnect or a `resync`: what changed since the last thing this console saw — the
 * tickets (newer revisions win; tickets that left an agent's sight go), and the open ticket's
 * messages, from the earlier of the last one seen and any reply still waiting on its delivery.
 */
export async function catchUp(reason: string): Promise<void> {
  const s0 = store.get();
  if (!s0.session || !s0.ticketsLoaded || !s0.syncedAt) return;
  let since: string = s0.syncedAt;
  let ticketCount = 0;
  for (let page = 0; page < 10; page++) {
    const res = await api<TicketList>('GET', `/tickets${qs({ updatedSince: since, limit: 500 })}`);
    for (const tk of res.tickets) upsertTicket(tk);
    removeTickets(res.removedIds.filter((id) => id !== store.get().open?.id));
    ticketCount += res.tickets.length;
    store.set((s) => ({ syncedAt: laterIso(s.syncedAt, res.syncedAt) }));
    const last = res.tickets[res.tickets.length - 1];
    if (res.tickets.length < 500 || !last) break;
    since = last.updatedAt;
  }
  let messageCount = 0;
  const open = store.get().open;
  if (open?.ticket) {
    const waiting = open.messages.filter((m) => m.delivery?.status === 'queued').map((m) => m.createdAt);
    const after = [open.seenUpTo ?? open.ticket.createdAt, ...waiting].sort()[0];
    const res = await api<{ messages: MessageView[]; syncedAt: string }>(
      'GET',
      `/tickets/${open.id}/messages${qs({ after, limit: 1000 })}`,
    );
    messageCount = res.messages.length;
    addMessages(res.messages);
  }
  await reloadStaff().catch(() => {});
  store.set({
    lastCatchUp: { at: new Date().toISOString(), reason, tickets: ticketCount, messages: messageCount },
  });
}

/** Conversations whose messages belong to the open ticket (its own and merged tickets'). */
const conversationsOf = (tk: TicketView) => new Set([tk.conversationId, ...tk.extraConversationIds]);

export function addMessages(messages: MessageView[]): void {
  store.set((s) => {
    const open = s.open;
    if (!open?.ticket) return {};
    const mine = conversationsOf(open.ticket);
    const relevant = messages.filter((m) => m.ticketId === open.id || mine.has(m.conversationId));
    if (relevant.length === 0) return {};
    const merged = mergeMessages(open.messages, relevant);
    const newest = relevant.reduce<string | undefined>(
      (a, m) => laterIso(a, m.createdAt) ?? undefined,
      open.seenUpTo,
    );
    const sent = new Set(relevant.map((m) => m.clientMessageId).filter(Boolean));
    return {
      open: { ...open, messages: merged, ...(newest ? { seenUpTo: newest } : {}) },
      pending: s.pending.filter((p) => !sent.has(p.clientMessageId)),
    };
  });
}

export async function openTicket(id: string): Promise<void> {
  const current = store.get().open;
  if (current?.id === id && current.ticket) return;
  store.set((s) => {
    const { [id]: _, ...fresh } = s.fresh;
    return { open: { id, ticket: s.tickets[id] ?? null, messages: [], context: null, loading: true }, fresh };
  });
  try {
    const res = await api<{ ticket: TicketView; messages: MessageView[] }>('GET', `/tickets/${id}`);
    if (store.get().open?.id !== id) return;
    const newest = res.messages[res.messages.length - 1]?.createdAt;
    store.set((s) => ({
      open: s.open && {
        ...s.open,
        ticket: s.open.ticket && s.open.ticket.rev > res.ticket.rev ? s.open.ticket : res.ticket,
        messages: mergeMessages(s.open.messages, res.messages),
        loading: false,
        seenUpTo: laterIso(s.open.seenUpTo, newest) ?? res.ticket.createdAt,
      },
      seen: { ...s.seen, [id]: res.ticket.messageCount },
    }));
    if (
      canSee(res.ticket, {
        agentId: store.get().session?.staff.id ?? '',
        role: store.get().session?.staff.role ?? 'agent',
      })
    )
      upsertTicket(res.ticket);
  } catch (err) {
    if (store.get().open?.id !== id) return;
    store.set((s) => ({ open: s.open && { ...s.open, loading: false, error: errorText(err) } }));
    return;
  }
  try {
    const context = await api<CustomerContextView>('GET', `/tickets/${id}/context`);
    store.set((s) => ({ open: s.open?.id === id ? { ...s.open, context } : s.open }));
  } catch (err) {
    store.set((s) => ({ open: s.open?.id === id ? { ...s.open, contextError: errorText(err) } : s.open }));
  }
}

export function closeTicketView(): void {
  store.set({ open: null });
}

/** Marks the open ticket's messages as read (called while it is on screen). */
export function markSeen(ticket: TicketView): void {
  const s = store.get();
  if (s.seen[ticket.id] === ticket.messageCount) return;
  store.set({ seen: { ...s.seen, [ticket.id]: ticket.messageCount } });
}

// ---------------------------------------------------------------------------------------------
// Working a ticket (REST; the same use cases as the socket's events)

async function ticketAction(id: string, action: string, body?: unknown): Promise<TicketView> {
  const res = await api<{ ticket: TicketView }>('POST', `/tickets/${id}/${action}`, body);
  upsertTicket(res.ticket);
  return res.ticket;
}

export const claim = (id: string) => ticketAction(id, 'claim');
export const resolve = (id: string) => ticketAction(id, 'resolve');
export const reopen = (id: string) => ticketAction(id, 'reopen');
export const close = (id: string) => ticketAction(id, 'close');
export const assign = (id: string, agentId: string | null) => ticketAction(id, 'assign', { agentId });

export async function merge(id: string, into: string): Promise<{ target: TicketView; source: TicketView }> {
  const res = await api<{ target: TicketView; source: TicketView }>('POST', `/tickets/${id}/merge`, { into });
  upsertTicket(res.source);
  upsertTicket(res.target);
  return res;
}

export async function updateTicket(
  id: string,
  patch: { priority?: string; kind?: string; tags?: string[] },
): Promise<TicketView> {
  const res = await api<{ ticket: TicketView }>('PATCH', `/tickets/${id}`, patch);
  upsertTicket(res.ticket);
  return res.ticket;
}

export async function addNote(id: string, text: string): Promise<void> {
  const res = await api<{ ticket: TicketView }>('POST', `/tickets/${id}/notes`, { text });
  upsertTicket(res.ticket);
}

/** Sends a reply; it shows at once as "sending" and is kept with its error (to retry) if refused. */
export async function sendReply(ticketId: string, text: string, clientMessageId = uuid()): Promise<boolean> {
  const pending: PendingReply = { clientMessageId, ticketId, text };
  store.set((s) => ({
    pending: [...s.pending.filter((p) => p.clientMessageId !== clientMessageId), pending],
  }));
  try {
    const res = await api<{ message: MessageView; ticket: TicketView; duplicate: boolean }>(
      'POST',
      `/tickets/${ticketId}/replies`,
      { text, clientMessageId },
    );
    upsertTicket(res.ticket);
    addMessages([res.message]);
    store.set((s) => ({ pending: s.pending.filter((p) => p.clientMessageId !== clientMessageId) }));
    return true;
  } catch (err) {
    store.set((s) => ({
      pending: s.pending.map((p) =>
        p.clientMessageId === clientMessageId ? { ...p, error: errorText(err) } : p,
      ),
    }));
    return false;
  }
}

export function discardPending(clientMessageId: string): void {
  store.set((s) => ({ pending: s.pending.filter((p) => p.clientMessageId !== clientMessageId) }));
}

export async function renderCanned(id: string, ticketId: string): Promise<string> {
  const res = await api<{ text: string }>('POST', `/canned-responses/${id}/render`, { ticketId });
  return res.text;
}

/** The inbox's current list, in the order shown (the same order j/k walk). */
export function currentRouteTicketId(): string | undefined {
  const r = routeStore.get().route;
  return r.page === 'inbox' ? r.ticketId : undefined;
}
