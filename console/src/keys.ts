import { navigate, routeStore } from './lib/router.js';
import { isLeadRole, store } from './state.js';
import { listedTickets, queueViewStore } from './views/queue-model.js';
import { composer } from './views/ReplyBox.js';
import { ticketKeys } from './views/TicketPane.js';

/** True while someone types in a field: single-letter shortcuts must not fire then. */
function typingInField(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

function step(delta: number) {
  const list = listedTickets(store.get(), queueViewStore.get());
  if (list.length === 0) return;
  const route = routeStore.get().route;
  const current = route.page === 'inbox' ? route.ticketId : undefined;
  const at = list.findIndex((t) => t.id === current);
  const next =
    at < 0 ? (delta > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, at + delta));
  const ticket = list[next];
  if (ticket) navigate({ page: 'inbox', ticketId: ticket.id });
  setTimeout(() => {
    document
      .querySelector<HTMLElement>('#queue [aria-current="true"] a')
      ?.scrollIntoView({ block: 'nearest' });
  }, 0);
}

let pendingG = 0;

/** The console's keyboard shortcuts (listed in the help overlay, `?`). */
export function installShortcuts(): () => void {
  const onKey = (e: KeyboardEvent) => {
    const s = store.get();
    if (!s.session || s.session.mustChangePassword) return;
    if (e.metaKey || e.ctrlKey || e.altKey) return;
    if (typingInField(e)) return;
    if (document.querySelector('dialog[open]') && e.key !== '?') return;
    const inInbox = routeStore.get().route.page === 'inbox';
    if (pendingG && Date.now() - pendingG < 1_500) {
      pendingG = 0;
      if (e.key === 'i') navigate({ page: 'inbox' });
      else if (e.key === 'l' && isLeadRole(s.session.staff.role)) navigate({ page: 'live' });
      e.preventDefault();
      return;
    }
    switch (e.key) {
      case '?':
        store.set({ helpOpen: !s.helpOpen });
        break;
      case 'g':
        pendingG = Date.now();
        break;
      case 'j':
        if (!inInbox) return;
        step(1);
        break;
      case 'k':
        if (!inInbox) return;
        step(-1);
        break;
      case 'r':
        if (!s.open?.ticket) return;
        composer.focus('reply');
        break;
      case 'n':
        if (!s.open?.ticket) return;
        composer.focus('note');
        break;
      case 'c':
        if (!s.open?.ticket) return;
        ticketKeys.claim();
        break;
      case 'e':
        if (!s.open?.ticket) return;
        ticketKeys.resolve();
        break;
      default:
        return;
    }
    e.preventDefault();
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}
