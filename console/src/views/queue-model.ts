import { createStore } from '../lib/store.js';
import type { TicketView } from '../lib/types.js';
import { type AppState, isLiveStatus } from '../state.js';

export type QueueTab = 'queue' | 'mine' | 'all';

export interface QueueView {
  tab: QueueTab;
  kind: string;
  channel: string;
  priority: string;
}

const KEY = 'parley-console:queue-view';
function initial(): QueueView {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as QueueView | null;
    if (saved && ['queue', 'mine', 'all'].includes(saved.tab)) return saved;
  } catch {}
  return { tab: 'all', kind: '', channel: '', priority: '' };
}

export const queueViewStore = createStore<QueueView>(initial());
queueViewStore.subscribe(() => {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(queueViewStore.get()));
  } catch {}
});

const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

/** The order assignment uses: most urgent first, then the longest waiting. */
export function byUrgencyThenAge(a: TicketView, b: TicketView): number {
  const p = (PRIORITY_RANK[a.priority] ?? 2) - (PRIORITY_RANK[b.priority] ?? 2);
  if (p !== 0) return p;
  const at = a.queuedAt ?? a.createdAt;
  const bt = b.queuedAt ?? b.createdAt;
  return at < bt ? -1 : at > bt ? 1 : a.number - b.number;
}

export function inTab(t: TicketView, tab: QueueTab, meId: string): boolean {
  if (!isLiveStatus(t.status)) return false;
  if (tab === 'queue') return !t.assigneeId;
  if (tab === 'mine') return t.assigneeId === meId;
  return true;
}

/** The tickets the inbox lists, in the order shown (j and k walk this list). */
export function listedTickets(s: AppState, v: QueueView): TicketView[] {
  const meId = s.session?.staff.id ?? '';
  return Object.values(s.tickets)
    .filter(
      (t) =>
        inTab(t, v.tab, meId) &&
        (!v.kind || t.kind === v.kind) &&
        (!v.channel || t.channel === v.channel) &&
        (!v.priority || t.priority === v.priority),
    )
    .sort(byUrgencyThenAge);
}

export function tabCounts(s: AppState): Record<QueueTab, number> {
  const meId = s.session?.staff.id ?? '';
  const counts = { queue: 0, mine: 0, all: 0 };
  for (const t of Object.values(s.tickets)) {
    for (const tab of ['queue', 'mine', 'all'] as const) if (inTab(t, tab, meId)) counts[tab]++;
  }
  return counts;
}
