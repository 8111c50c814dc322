import { io, type Socket } from 'socket.io-client';
import {
  addMessages,
  catchUp,
  endSession,
  errorText,
  loadInitial,
  upsertStaff,
  upsertTicket,
} from './actions.js';
import { type MessageKey, t } from './lib/i18n.js';
import type {
  CampaignView,
  MessageView,
  SegmentationRunView,
  StaffMemberView,
  TicketView,
} from './lib/types.js';
import { onSegmentationProgress, refreshMarketing, upsertCampaign } from './marketing.js';
import { notify, store } from './state.js';

/**
 * The console's live connection (/agents): tickets, messages, delivery states, colleagues and
 * typing arrive here. Nothing is missed across a drop: when the socket is back (or the server
 * says `resync`), the console asks the REST API what changed since the last thing it saw.
 */
let socket: Socket | null = null;
let everConnected = false;
let sessionEnded = false;

/** Why a session ended, in words (unknown reasons are shown as the server gave them). */
function reasonText(reason: string): string {
  const key = `reason.${reason}` as MessageKey;
  const text = t(key);
  return text === key ? reason : text;
}

export function agentSocket(): Socket | null {
  return socket;
}

async function catchUpNow(reason: string) {
  try {
    if (!store.get().ticketsLoaded) await loadInitial();
    else {
      await catchUp(reason);
      refreshMarketing();
    }
    if (reason !== 'first') notify('info', t('conn.caughtUp'));
  } catch (err) {
    notify('error', t('common.error', { message: errorText(err) }));
  }
}

export function connectLive(token: string): void {
  disconnectLive();
  sessionEnded = false;
  everConnected = false;
  store.set({ connection: 'connecting' });
  const s = io('/agents', {
    auth: { token },
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
  });
  socket = s;
  // For tests and for people debugging a console: the socket in use.
  (window as unknown as { __parleyAgents?: Socket }).__parleyAgents = s;

  s.on('connect', () => {
    store.set({ connection: 'online' });
    void catchUpNow(everConnected ? 'reconnect' : 'first');
    everConnected = true;
  });
  s.on('disconnect', (reason) => {
    if (socket !== s) return;
    store.set({ connection: 'offline' });
    // The server hung up on us (not a network drop): try again unless our session ended.
    if (reason === 'io server disconnect' && !sessionEnded)
      setTimeout(() => socket === s && s.connect(), 1_000);
  });
  s.on('connect_error', (err) => {
    if (socket !== s) return;
    store.set({ connection: 'offline' });
    if (/^unauthorized/.test(err.message)) endSession(t('signin.ended', { reason: reasonText('expired') }));
    else if (!s.active) setTimeout(() => socket === s && s.connect(), 2_000);
  });
  s.on('resync', () => void catchUpNow('resync'));
  s.on('session:ended', ({ reason }: { reason: string }) => {
    sessionEnded = true;
    endSession(t('signin.ended', { reason: reasonText(reason) }));
  });
  s.on('ticket:opened', (ticket: TicketView) => upsertTicket(ticket, { live: true }));
  s.on('ticket:updated', (ticket: TicketView) => upsertTicket(ticket, { live: true }));
  s.on('sla:breached', (ticket: TicketView) => upsertTicket(ticket));
  s.on('message:new', (m: MessageView) => {
    addMessages([m]);
    const typing = store.get().typing[m.ticketId ?? ''];
    // The customer's message ends their typing indicator.
    if (m.author.kind === 'customer' && m.ticketId && typing?.customerUntil)
      setTyping(m.ticketId, 'customer', false);
  });
  s.on('message:delivery', (m: MessageView) => addMessages([m]));
  s.on('staff:updated', (member: StaffMemberView) => upsertStaff(member));
  // Supervisors and admins only (the server sends these to them alone).
  s.on('campaign:progress', (campaign: CampaignView) => upsertCampaign(campaign));
  s.on('segmentation:progress', (run: SegmentationRunView) => onSegmentationProgress(run));
  s.on('typing', (e: { ticketId: string; from: 'customer' | 'agent'; agentId?: string; typing: boolean }) => {
    if (e.from === 'agent' && e.agentId === store.get().session?.staff.id) return;
    setTyping(e.ticketId, e.from === 'customer' ? 'customer' : (e.agentId ?? 'agent'), e.typing);
  });
}

export function disconnectLive(): void {
  if (!socket) return;
  const s = socket;
  socket = null;
  s.removeAllListeners();
  s.disconnect();
  store.set({ connection: 'idle' });
}

const TYPING_SHOWN_MS = 6_000;

function setTyping(ticketId: string, who: string, on: boolean) {
  store.set((s) => {
    const cur = s.typing[ticketId] ?? { agents: {} };
    const next = { ...cur, agents: { ...cur.agents } };
    const until = on ? Date.now() + TYPING_SHOWN_MS : undefined;
    if (who === 'customer') next.customerUntil = until;
    else if (until) next.agents[who] = until;
    else delete next.agents[who];
    return { typing: { ...s.typing, [ticketId]: next } };
  });
}

// Typing on our side: "on" at most every 2 s while keys are pressed, "off" after 3 s of quiet.
let typingTicket: string | null = null;
let lastOn = 0;
let quiet: ReturnType<typeof setTimeout> | null = null;

export function typed(ticketId: string): void {
  const s = socket;
  if (!s?.connected) return;
  if (typingTicket && typingTicket !== ticketId) stoppedTyping();
  typingTicket = ticketId;
  const now = Date.now();
  if (now - lastOn > 2_000) {
    lastOn = now;
    s.emit('typing', { ticketId, typing: true });
  }
  if (quiet) clearTimeout(quiet);
  quiet = setTimeout(stoppedTyping, 3_000);
}

export function stoppedTyping(): void {
  if (quiet) clearTimeout(quiet);
  quiet = null;
  if (typingTicket && socket?.connected) socket.emit('typing', { ticketId: typingTicket, typing: false });
  typingTicket = null;
  lastOn = 0;
}
