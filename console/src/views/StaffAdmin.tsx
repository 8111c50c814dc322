import { useEffect, useState } from 'preact/hooks';
import { errorText, reloadStaff } from '../actions.js';
import { Dialog, splitList } from '../components/common.js';
import { api, qs } from '../lib/api.js';
import { useT } from '../lib/i18n.js';
import type { Role, StaffMemberView } from '../lib/types.js';
import { notify } from '../state.js';

type Credentials = { oneTimePassword?: string; setPasswordUrl?: string };
const ROLES: Role[] = ['agent', 'supervisor', 'admin'];

interface Draft {
  email: string;
  name: string;
  role: Role;
  languages: string;
  skills: string;
  capacity: number;
  password: string;
  invite: 'link' | 'one_time_password';
}

const emptyDraft = (): Draft => ({
  email: '',
  name: '',
  role: 'agent',
  languages: 'en',
  skills: '',
  capacity: 5,
  password: '',
  invite: 'link',
});

function StaffForm(props: {
  initial: Draft;
  creating: boolean;
  onSubmit: (d: Draft) => Promise<void>;
  onCancel: () => void;
}) {
  const t = useT();
  const [d, setD] = useState(props.initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await props.onSubmit(d);
        } catch (err) {
          setError(errorText(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <div class="form-grid">
        <label class="field">
          {t('staff.name')}
          <input
            required
            maxLength={200}
            value={d.name}
            onInput={(e) => set({ name: e.currentTarget.value })}
          />
        </label>
        <label class="field">
          {t('staff.email')}
          <input
            type="email"
            required
            maxLength={320}
            value={d.email}
            onInput={(e) => set({ email: e.currentTarget.value })}
          />
        </label>
        <label class="field">
          {t('staff.role')}
          <select value={d.role} onChange={(e) => set({ role: e.currentTarget.value as Role })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          {t('staff.capacity')}
          <input
            type="number"
            min={0}
            max={100}
            required
            value={d.capacity}
            onInput={(e) => set({ capacity: Number(e.currentTarget.value) })}
          />
        </label>
        <label class="field">
          {t('staff.languages')}
          <input value={d.languages} onInput={(e) => set({ languages: e.currentTarget.value })} />
          <span class="hint">{t('staff.languagesHint')}</span>
        </label>
        <label class="field">
          {t('staff.skills')}
          <input value={d.skills} onInput={(e) => set({ skills: e.currentTarget.value })} />
          <span class="hint">{t('staff.skillsHint')}</span>
        </label>
        {props.creating && (
          <>
            <label class="field">
              {t('staff.password')}
              <input
                type="password"
                autocomplete="new-password"
                minLength={8}
                value={d.password}
                onInput={(e) => set({ password: e.currentTarget.value })}
              />
              <span class="hint">{t('staff.passwordHint')}</span>
            </label>
            <label class="field">
              {t('staff.invite')}
              <select
                value={d.invite}
                disabled={Boolean(d.password)}
                onChange={(e) => set({ invite: e.currentTarget.value as Draft['invite'] })}
              >
                <option value="link">{t('staff.invite.link')}</option>
                <option value="one_time_password">{t('staff.invite.otp')}</option>
              </select>
            </label>
          </>
        )}
      </div>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      <div class="form-actions">
        <button type="button" class="plain" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" disabled={busy}>
          {props.creating ? t('common.create') : t('common.save')}
        </button>
      </div>
    </form>
  );
}

function CredentialsNotice(props: { name: string; creds: Credentials; onClose: () => void }) {
  const t = useT();
  return (
    <div class="alert ok" role="status">
      <p>{t('staff.credentials', { name: props.name })}</p>
      {props.creds.oneTimePassword && (
        <p>
          {t('staff.otp')}: <span class="credentials">{props.creds.oneTimePassword}</span>
        </p>
      )}
      {props.creds.setPasswordUrl && (
        <p>
          {t('staff.link')}: <span class="credentials">{props.creds.setPasswordUrl}</span>
        </p>
      )}
      <button type="button" class="plain small" onClick={props.onClose}>
        {t('common.close')}
      </button>
    </div>
  );
}

/** Admins: create, edit, deactivate and reactivate staff, and reset passwords. */
export function StaffAdmin() {
  const t = useT();
  const [list, setList] = useState<StaffMemberView[] | null>(null);
  const [showInactive, setShowInactive] = useState(false);
  const [editing, setEditing] = useState<StaffMemberView | 'new' | null>(null);
  const [creds, setCreds] = useState<{ name: string; creds: Credentials } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    try {
      const res = await api<{ agents: StaffMemberView[] }>('GET', `/agents${qs({ includeInactive: true })}`);
      setList(res.agents);
      void reloadStaff().catch(() => {});
    } catch (err) {
      setError(errorText(err));
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      await load();
    } catch (err) {
      notify('error', t('common.error', { message: errorText(err) }));
    }
  };

  const shown = (list ?? []).filter((a) => showInactive || a.active);
  const editDraft = (a: StaffMemberView): Draft => ({
    ...emptyDraft(),
    email: a.email,
    name: a.name,
    role: a.role,
    languages: a.languages.join(', '),
    skills: a.skills.join(', '),
    capacity: a.capacity,
  });

  return (
    <div class="admin">
      <div class="row">
        <h1 class="grow">{t('staff.title')}</h1>
        <label class="check">
          <input
            type="checkbox"
            checked={showInactive}
            onChange={(e) => setShowInactive(e.currentTarget.checked)}
          />
          {t('staff.showInactive')}
        </label>
        <button type="button" onClick={() => setEditing('new')}>
          {t('staff.new')}
        </button>
      </div>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      {creds && <CredentialsNotice name={creds.name} creds={creds.creds} onClose={() => setCreds(null)} />}
      {list === null ? (
        <p>{t('common.loading')}</p>
      ) : (
        <div class="box">
          <table class="data" aria-label={t('staff.title')}>
            <thead>
              <tr>
                <th scope="col">{t('staff.name')}</th>
                <th scope="col">{t('staff.email')}</th>
                <th scope="col">{t('staff.role')}</th>
                <th scope="col">{t('staff.status')}</th>
                <th scope="col">{t('staff.load')}</th>
                <th scope="col">{t('staff.languages')}</th>
                <th scope="col">{t('staff.skills')}</th>
                <th scope="col">
                  <span class="sr-only">{t('ticket.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((a) => (
                <tr key={a.id} data-staff={a.email}>
                  <td>{a.name}</td>
                  <td>{a.email}</td>
                  <td>{t(`role.${a.role}`)}</td>
                  <td>
                    {a.active ? (
                      <>
                        <span class={`dot ${a.status}`} aria-hidden="true" /> {t(`status.${a.status}`)}
                      </>
                    ) : (
                      <span class="badge">{t('staff.inactive')}</span>
                    )}
                  </td>
                  <td class="num">
                    {a.openTickets} / {a.capacity}
                  </td>
                  <td>{a.languages.join(', ')}</td>
                  <td>{a.skills.join(', ')}</td>
                  <td>
                    <div class="row">
                      <button
                        type="button"
                        class="plain small"
                        aria-label={t('staff.edit', { name: a.name })}
                        onClick={() => setEditing(a)}
                      >
                        {t('common.edit')}
                      </button>
                      <button
                        type="button"
                        class="plain small"
                        onClick={() => {
                          if (!confirm(t('staff.resetConfirm', { name: a.name }))) return;
                          void act(async () => {
                            const c = await api<Credentials>(
                              'POST',
                              `/agents/${a.id}/password-reset${qs({ invite: 'link' })}`,
                            );
                            setCreds({ name: a.name, creds: c });
                          });
                        }}
                      >
                        {t('staff.reset')}
                      </button>
                      {a.active ? (
                        <button
                          type="button"
                          class="danger small"
                          onClick={() => {
                            if (confirm(t('staff.deactivateConfirm', { name: a.name })))
                              void act(() => api('DELETE', `/agents/${a.id}`));
                          }}
                        >
                          {t('staff.deactivate')}
                        </button>
                      ) : (
                        <button
                          type="button"
                          class="plain small"
                          onClick={() => void act(() => api('PATCH', `/agents/${a.id}`, { active: true }))}
                        >
                          {t('staff.reactivate')}
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Dialog
        open={editing !== null}
        title={editing === 'new' ? t('staff.new') : editing ? t('staff.edit', { name: editing.name }) : ''}
        onClose={() => setEditing(null)}
      >
        {editing !== null && (
          <StaffForm
            creating={editing === 'new'}
            initial={editing === 'new' ? emptyDraft() : editDraft(editing)}
            onCancel={() => setEditing(null)}
            onSubmit={async (d) => {
              const common = {
                email: d.email.trim(),
                name: d.name.trim(),
                role: d.role,
                languages: splitList(d.languages),
                skills: splitList(d.skills),
                capacity: d.capacity,
              };
              if (editing === 'new') {
                const res = await api<{ staff: StaffMemberView } & Credentials>('POST', '/agents', {
                  ...common,
                  ...(d.password ? { password: d.password } : { invite: d.invite }),
                });
                if (res.oneTimePassword || res.setPasswordUrl) setCreds({ name: res.staff.name, creds: res });
              } else {
                await api('PATCH', `/agents/${editing.id}`, common);
                notify('info', t('staff.saved'));
              }
              setEditing(null);
              await load();
            }}
          />
        )}
      </Dialog>
    </div>
  );
}
