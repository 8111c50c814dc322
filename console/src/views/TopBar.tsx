import { attempt, setOwnStatus, signOut } from '../actions.js';
import { type Lang, setLang, useLang, useT } from '../lib/i18n.js';
import { hrefOf, linkHandler, type Route, routeStore } from '../lib/router.js';
import { useStore } from '../lib/store.js';
import type { AgentStatus } from '../lib/types.js';
import { isLeadRole, store } from '../state.js';

export function LanguageSwitch() {
  const t = useT();
  const lang = useLang();
  return (
    <label>
      <span class="sr-only">{t('lang.label')}</span>
      <select
        aria-label={t('lang.label')}
        class="small"
        value={lang}
        onChange={(e) => setLang(e.currentTarget.value as Lang)}
      >
        <option value="en">English</option>
        <option value="zh">中文</option>
      </select>
    </label>
  );
}

function NavLink(props: { route: Route; label: string }) {
  const current = useStore(routeStore, (s) => s.route.page);
  return (
    <li>
      <a
        href={hrefOf(props.route)}
        onClick={linkHandler(props.route)}
        aria-current={current === props.route.page ? 'page' : undefined}
      >
        {props.label}
      </a>
    </li>
  );
}

export function TopBar() {
  const t = useT();
  const session = useStore(store, (s) => s.session);
  const connection = useStore(store, (s) => s.connection);
  const me = useStore(store, (s) => s.me);
  if (!session) return null;
  const role = session.staff.role;
  const status: AgentStatus = me?.status ?? 'offline';
  const connText =
    connection === 'online'
      ? t('conn.online')
      : connection === 'offline'
        ? t('conn.offline')
        : t('conn.connecting');
  return (
    <header class="topbar">
      <span class="brand">{t('app.name')}</span>
      <nav aria-label={t('nav.main')}>
        <ul>
          <NavLink route={{ page: 'inbox' }} label={t('nav.inbox')} />
          {isLeadRole(role) && <NavLink route={{ page: 'live' }} label={t('nav.live')} />}
          {isLeadRole(role) && <NavLink route={{ page: 'segments' }} label={t('nav.segments')} />}
          {isLeadRole(role) && <NavLink route={{ page: 'campaigns' }} label={t('nav.campaigns')} />}
          {role === 'admin' && <NavLink route={{ page: 'staff' }} label={t('nav.staff')} />}
          <NavLink route={{ page: 'canned' }} label={t('nav.canned')} />
          <NavLink route={{ page: 'account' }} label={t('nav.account')} />
        </ul>
      </nav>
      <span class="spacer" />
      <span class={`conn ${connection}`} role="status" aria-live="polite" data-connection={connection}>
        {connText}
      </span>
      <label>
        <span class={`dot ${status}`} aria-hidden="true" />
        {t('status.label')}
        <select
          class="small"
          value={status === 'offline' ? 'online' : status}
          onChange={(e) => void attempt(() => setOwnStatus(e.currentTarget.value as AgentStatus))}
        >
          <option value="online">{t('status.online')}</option>
          <option value="away">{t('status.away')}</option>
        </select>
      </label>
      <LanguageSwitch />
      <button
        type="button"
        class="plain small"
        aria-keyshortcuts="?"
        onClick={() => store.set({ helpOpen: true })}
        title={t('nav.help')}
      >
        ? <span class="sr-only">{t('nav.help')}</span>
      </button>
      <span class="muted" style={{ color: '#d1d5db' }}>
        {session.staff.name}
      </span>
      <button type="button" class="plain small" onClick={() => void signOut()}>
        {t('nav.signOut')}
      </button>
    </header>
  );
}
