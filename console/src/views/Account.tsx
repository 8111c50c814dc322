import { useT } from '../lib/i18n.js';
import { useStore } from '../lib/store.js';
import { store } from '../state.js';
import { ChangePasswordForm } from './SignIn.js';

export function Account() {
  const t = useT();
  const session = useStore(store, (s) => s.session);
  if (!session) return null;
  return (
    <div class="admin">
      <h1>{t('account.title')}</h1>
      <p>
        {t('account.signedInAs', {
          name: session.staff.name,
          email: session.staff.email,
          role: t(`role.${session.staff.role}`),
        })}
      </p>
      <ChangePasswordForm />
    </div>
  );
}
