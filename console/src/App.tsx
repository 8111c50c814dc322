import { useEffect } from 'preact/hooks';
import { endSession } from './actions.js';
import { HelpOverlay } from './components/Help.js';
import { Toast } from './components/Toast.js';
import { installShortcuts } from './keys.js';
import { setToken, whenUnauthorized } from './lib/api.js';
import { t, useT } from './lib/i18n.js';
import { navigate, routeStore } from './lib/router.js';
import { useStore } from './lib/store.js';
import { connectLive, disconnectLive } from './live.js';
import { isLeadRole, store } from './state.js';
import { Account } from './views/Account.js';
import { Campaigns } from './views/Campaigns.js';
import { CannedAdmin } from './views/CannedAdmin.js';
import { Inbox } from './views/Inbox.js';
import { LiveQueue } from './views/LiveQueue.js';
import { Segments } from './views/Segments.js';
import { ChangePasswordForm, SetPassword, SignIn } from './views/SignIn.js';
import { StaffAdmin } from './views/StaffAdmin.js';
import { TopBar } from './views/TopBar.js';

whenUnauthorized(() => endSession(t('signin.ended', { reason: t('reason.expired') })));

function Signed() {
  const tr = useT();
  const route = useStore(routeStore, (s) => s.route);
  const session = useStore(store, (s) => s.session);
  const token = session?.token;
  useEffect(() => {
    if (!token) return;
    setToken(token);
    connectLive(token);
    return () => disconnectLive();
  }, [token]);
  useEffect(() => installShortcuts(), []);
  useEffect(() => {
    const titles: Record<string, string> = {
      live: tr('nav.live'),
      segments: tr('nav.segments'),
      campaigns: tr('nav.campaigns'),
      staff: tr('nav.staff'),
      canned: tr('nav.canned'),
      account: tr('nav.account'),
    };
    document.title = `${titles[route.page] ?? tr('nav.inbox')} · ${tr('app.name')}`;
  }, [route.page, tr]);
  if (!session) return null;
  const role = session.staff.role;
  let page = null;
  switch (route.page) {
    case 'live':
      page = isLeadRole(role) ? <LiveQueue /> : <Inbox />;
      break;
    case 'segments':
      page = isLeadRole(role) ? <Segments /> : <Inbox />;
      break;
    case 'campaigns':
      page = isLeadRole(role) ? <Campaigns /> : <Inbox />;
      break;
    case 'staff':
      page = role === 'admin' ? <StaffAdmin /> : <Inbox />;
      break;
    case 'canned':
      page = <CannedAdmin />;
      break;
    case 'account':
      page = <Account />;
      break;
    default:
      page = <Inbox ticketId={route.page === 'inbox' ? route.ticketId : undefined} />;
  }
  return (
    <div class="shell">
      <TopBar />
      <main class="page" id="main">
        {page}
      </main>
      <HelpOverlay />
      <Toast />
    </div>
  );
}

export function App() {
  const route = useStore(routeStore, (s) => s.route);
  const session = useStore(store, (s) => s.session);
  if (route.page === 'set-password') return <SetPassword token={route.token} />;
  if (!session) return <SignIn />;
  if (session.mustChangePassword) {
    setToken(session.token);
    return (
      <main class="card-page">
        <ChangePasswordForm forced onDone={() => navigate({ page: 'inbox' }, { replace: true })} />
      </main>
    );
  }
  return <Signed />;
}
