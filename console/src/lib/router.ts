import { createStore } from './store.js';

/** The console's pages live under /console/… (the server answers every such path with the app). */
export const BASE = '/console';

export type Route =
  | { page: 'inbox'; ticketId?: string }
  | { page: 'live' }
  | { page: 'segments' }
  | { page: 'campaigns' }
  | { page: 'staff' }
  | { page: 'canned' }
  | { page: 'account' }
  | { page: 'set-password'; token: string };

export function parse(pathname: string, search: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split('/').filter(Boolean);
  switch (parts[0]) {
    case 'tickets':
      return parts[1] && /^[a-f0-9]{24}$/i.test(parts[1])
        ? { page: 'inbox', ticketId: parts[1] }
        : { page: 'inbox' };
    case 'live':
      return { page: 'live' };
    case 'segments':
      return { page: 'segments' };
    case 'campaigns':
      return { page: 'campaigns' };
    case 'staff':
      return { page: 'staff' };
    case 'canned':
      return { page: 'canned' };
    case 'account':
      return { page: 'account' };
    case 'set-password':
      return { page: 'set-password', token: new URLSearchParams(search).get('token') ?? '' };
    default:
      return { page: 'inbox' };
  }
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'inbox':
      return route.ticketId ? `${BASE}/tickets/${route.ticketId}` : BASE;
    case 'set-password':
      return `${BASE}/set-password?token=${encodeURIComponent(route.token)}`;
    default:
      return `${BASE}/${route.page}`;
  }
}

export const routeStore = createStore({ route: parse(location.pathname, location.search) });

export function navigate(route: Route, opts: { replace?: boolean } = {}): void {
  const href = hrefOf(route);
  if (href !== location.pathname + location.search) {
    if (opts.replace) history.replaceState(null, '', href);
    else history.pushState(null, '', href);
  }
  routeStore.set({ route });
}

window.addEventListener('popstate', () =>
  routeStore.set({ route: parse(location.pathname, location.search) }),
);

/** A link inside the console: a real href (new tab works), navigation without a reload. */
export function linkHandler(route: Route) {
  return (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(route);
  };
}
