import { useState } from 'preact/hooks';
import { errorText, reloadCanned } from '../actions.js';
import { Dialog } from '../components/common.js';
import { api } from '../lib/api.js';
import { useT } from '../lib/i18n.js';
import { useStore } from '../lib/store.js';
import type { CannedResponseView } from '../lib/types.js';
import { isLeadRole, notify, store } from '../state.js';

const VARIABLES = [
  'customer.name',
  'customer.firstName',
  'customer.email',
  'agent.name',
  'agent.firstName',
  'ticket.number',
  'ticket.subject',
];

interface Draft {
  shortcut: string;
  title: string;
  text: string;
  language: string;
}

function CannedForm(props: { initial: Draft; onSubmit: (d: Draft) => Promise<void>; onCancel: () => void }) {
  const t = useT();
  const [d, setD] = useState(props.initial);
  const [error, setError] = useState<string | null>(null);
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        try {
          await props.onSubmit(d);
        } catch (err) {
          setError(errorText(err));
        }
      }}
    >
      <div class="form-grid">
        <label class="field">
          {t('canned.shortcut')}
          <input
            required
            maxLength={41}
            pattern="/?[a-z0-9][a-z0-9_\-]{0,39}"
            value={d.shortcut}
            onInput={(e) => set({ shortcut: e.currentTarget.value })}
          />
          <span class="hint">{t('canned.shortcutHint')}</span>
        </label>
        <label class="field">
          {t('canned.titleField')}
          <input
            required
            maxLength={200}
            value={d.title}
            onInput={(e) => set({ title: e.currentTarget.value })}
          />
        </label>
        <label class="field">
          {t('canned.language')}
          <input
            maxLength={10}
            value={d.language}
            onInput={(e) => set({ language: e.currentTarget.value })}
          />
        </label>
      </div>
      <label class="field" style={{ marginTop: '10px' }}>
        {t('canned.text')}
        <textarea
          required
          rows={5}
          maxLength={5000}
          value={d.text}
          onInput={(e) => set({ text: e.currentTarget.value })}
        />
        <span class="hint">
          {t('canned.textHint', { vars: VARIABLES.map((v) => `{{${v}}}`).join(', ') })}
        </span>
      </label>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      <div class="form-actions">
        <button type="button" class="plain" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit">{t('common.save')}</button>
      </div>
    </form>
  );
}

/** Saved replies: everyone sees them; supervisors and admins write them. */
export function CannedAdmin() {
  const t = useT();
  const canned = useStore(store, (s) => s.canned);
  const role = useStore(store, (s) => s.session?.staff.role);
  const [editing, setEditing] = useState<CannedResponseView | 'new' | null>(null);
  const lead = isLeadRole(role);
  const save = async (d: Draft) => {
    const body = {
      shortcut: d.shortcut.trim(),
      title: d.title.trim(),
      text: d.text,
      ...(d.language.trim() ? { language: d.language.trim() } : {}),
    };
    if (editing === 'new') await api('POST', '/canned-responses', body);
    else if (editing) await api('PATCH', `/canned-responses/${editing.id}`, body);
    setEditing(null);
    await reloadCanned();
  };
  return (
    <div class="admin">
      <div class="row">
        <h1 class="grow">{t('canned.title')}</h1>
        {lead && (
          <button type="button" onClick={() => setEditing('new')}>
            {t('canned.new')}
          </button>
        )}
      </div>
      {!lead && <p class="alert info">{t('canned.readOnly')}</p>}
      <div class="box">
        {canned.length === 0 ? (
          <p class="muted">{t('canned.empty')}</p>
        ) : (
          <table class="data" aria-label={t('canned.title')}>
            <thead>
              <tr>
                <th scope="col">{t('canned.shortcut')}</th>
                <th scope="col">{t('canned.titleField')}</th>
                <th scope="col">{t('canned.text')}</th>
                <th scope="col">{t('canned.language')}</th>
                {lead && (
                  <th scope="col">
                    <span class="sr-only">{t('ticket.actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {canned.map((c) => (
                <tr key={c.id} data-shortcut={c.shortcut}>
                  <td>
                    <strong>/{c.shortcut}</strong>
                  </td>
                  <td>{c.title}</td>
                  <td style={{ whiteSpace: 'pre-wrap' }}>{c.text}</td>
                  <td>{c.language ?? ''}</td>
                  {lead && (
                    <td>
                      <div class="row">
                        <button
                          type="button"
                          class="plain small"
                          aria-label={t('canned.edit', { shortcut: c.shortcut })}
                          onClick={() => setEditing(c)}
                        >
                          {t('common.edit')}
                        </button>
                        <button
                          type="button"
                          class="danger small"
                          onClick={async () => {
                            if (!confirm(t('canned.deleteConfirm', { shortcut: c.shortcut }))) return;
                            try {
                              await api('DELETE', `/canned-responses/${c.id}`);
                              await reloadCanned();
                            } catch (err) {
                              notify('error', t('common.error', { message: errorText(err) }));
                            }
                          }}
                        >
                          {t('common.delete')}
                        </button>
                      </div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <Dialog
        open={editing !== null}
        title={
          editing === 'new'
            ? t('canned.new')
            : editing
              ? t('canned.edit', { shortcut: editing.shortcut })
              : ''
        }
        onClose={() => setEditing(null)}
      >
        {editing !== null && (
          <CannedForm
            initial={
              editing === 'new'
                ? { shortcut: '', title: '', text: '', language: '' }
                : {
                    shortcut: editing.shortcut,
                    title: editing.title,
                    text: editing.text,
                    language: editing.language ?? '',
                  }
            }
            onCancel={() => setEditing(null)}
            onSubmit={save}
          />
        )}
      </Dialog>
    </div>
  );
}
