import { useState } from 'preact/hooks';
import { changeOwnPassword, errorText, signIn } from '../actions.js';
import { api } from '../lib/api.js';
import { useT } from '../lib/i18n.js';
import { navigate } from '../lib/router.js';
import { store } from '../state.js';
import { LanguageSwitch } from './TopBar.js';

export function SignIn() {
  const t = useT();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ended = store.get().endedReason;
  return (
    <main class="card-page">
      <form
        class="card"
        aria-labelledby="signin-title"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await signIn(email, password);
          } catch (err) {
            setError(errorText(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <div class="row">
          <span class="brand grow">{t('app.name')}</span>
          <LanguageSwitch />
        </div>
        <h1 id="signin-title">{t('signin.title')}</h1>
        {ended && !error && (
          <p class="alert info" role="status">
            {ended}
          </p>
        )}
        <label class="field">
          {t('signin.email')}
          <input
            type="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          {t('signin.password')}
          <input
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="alert" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t('signin.busy') : t('signin.submit')}
        </button>
      </form>
    </main>
  );
}

/** New password twice, checked here before the server sees it. */
export function ChangePasswordForm(props: { forced?: boolean; onDone?: () => void }) {
  const t = useT();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="card"
      aria-labelledby="pw-title"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        const refused = newPasswordProblem(t, next, again);
        if (refused) return setError(refused);
        setBusy(true);
        try {
          await changeOwnPassword(current, next);
          setDone(true);
          setCurrent('');
          setNext('');
          setAgain('');
          props.onDone?.();
        } catch (err) {
          setError(errorText(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2 id="pw-title">{t('password.change')}</h2>
      {props.forced && <p class="alert info">{t('password.mustChange')}</p>}
      <label class="field">
        {t('password.current')}
        <input
          type="password"
          autocomplete="current-password"
          required
          value={current}
          onInput={(e) => setCurrent(e.currentTarget.value)}
        />
      </label>
      <NewPasswordFields next={next} setNext={setNext} again={again} setAgain={setAgain} />
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      {done && (
        <p class="alert ok" role="status">
          {t('password.changed')}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {t('common.save')}
      </button>
    </form>
  );
}

/** The page of a set-password link (new accounts and resets): no session needed. */
export function SetPassword(props: { token: string }) {
  const t = useT();
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  return (
    <main class="card-page">
      <form
        class="card"
        aria-labelledby="setpw-title"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          const refused = newPasswordProblem(t, next, again);
          if (refused) return setError(refused);
          try {
            await api('POST', '/auth/set-password', { token: props.token, password: next });
            setDone(true);
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        <div class="row">
          <span class="brand grow">{t('app.name')}</span>
          <LanguageSwitch />
        </div>
        <h1 id="setpw-title">{t('password.set.title')}</h1>
        {!props.token && <p class="alert">{t('password.set.missing')}</p>}
        {done ? (
          <>
            <p class="alert ok" role="status">
              {t('password.set.done')}
            </p>
            <button type="button" onClick={() => navigate({ page: 'inbox' }, { replace: true })}>
              {t('signin.submit')}
            </button>
          </>
        ) : (
          <>
            <NewPasswordFields next={next} setNext={setNext} again={again} setAgain={setAgain} />
            {error && (
              <p class="alert" role="alert">
                {error}
              </p>
            )}
            <button type="submit" disabled={!props.token}>
              {t('password.set.submit')}
            </button>
          </>
        )}
      </form>
    </main>
  );
}

/** What is wrong with a new password typed twice, checked before the server sees it; null when fine. */
function newPasswordProblem(t: ReturnType<typeof useT>, next: string, again: string): string | null {
  if (next.length < 8) return t('password.tooShort');
  if (next !== again) return t('password.mismatch');
  return null;
}

/** The new password and its confirmation, as the change-password form and a set-password link ask them. */
function NewPasswordFields(props: {
  next: string;
  setNext: (value: string) => void;
  again: string;
  setAgain: (value: string) => void;
}) {
  const t = useT();
  return (
    <>
      <label class="field">
        {t('password.new')}
        <input
          type="password"
          autocomplete="new-password"
          required
          minLength={8}
          value={props.next}
          onInput={(e) => props.setNext(e.currentTarget.value)}
        />
      </label>
      <label class="field">
        {t('password.confirm')}
        <input
          type="password"
          autocomplete="new-password"
          required
          value={props.again}
          onInput={(e) => props.setAgain(e.currentTarget.value)}
        />
      </label>
    </>
  );
}
