import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { addNote, errorText, reloadCanned, renderCanned, sendReply } from '../actions.js';
import { useT } from '../lib/i18n.js';
import { slashAt } from '../lib/slash.js';
import { useStore } from '../lib/store.js';
import type { CannedResponseView, TicketView } from '../lib/types.js';
import { stoppedTyping, typed } from '../live.js';
import { store } from '../state.js';

export type ComposerMode = 'reply' | 'note';

const CANNED_FRESH_MS = 30_000;

/** Lets keyboard shortcuts (r, n) reach the composer of the open ticket. */
export const composer: { focus: (mode: ComposerMode) => void } = { focus: () => {} };

export function ReplyBox(props: { ticket: TicketView }) {
  const t = useT();
  const { ticket } = props;
  const canned = useStore(store, (s) => s.canned);
  const [mode, setMode] = useState<ComposerMode>('reply');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [slash, setSlash] = useState<{ start: number; prefix: string } | null>(null);
  const [active, setActive] = useState(0);
  const area = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const drafts = useRef<Record<string, string>>({});

  // One draft per ticket and mode, kept while switching between tickets.
  useEffect(() => {
    setText(drafts.current[`${ticket.id}:${mode}`] ?? '');
    setSlash(null);
    setError(null);
  }, [ticket.id, mode]);
  useEffect(() => {
    composer.focus = (m) => {
      setMode(m);
      setTimeout(() => area.current?.focus(), 0);
    };
    return () => {
      composer.focus = () => {};
    };
  }, []);
  useEffect(() => () => stoppedTyping(), [ticket.id]);

  const matches: CannedResponseView[] = slash
    ? canned.filter((c) => c.shortcut.startsWith(slash.prefix)).slice(0, 8)
    : [];
  const suggesting = mode === 'reply' && slash !== null;

  const update = (value: string, caret: number) => {
    setText(value);
    drafts.current[`${ticket.id}:${mode}`] = value;
    const at = mode === 'reply' ? slashAt(value, caret) : null;
    // Colleagues may have added canned responses since they were fetched.
    if (at && !slash && Date.now() - store.get().cannedAt > CANNED_FRESH_MS)
      void reloadCanned().catch(() => {});
    setSlash(at);
    setActive(0);
    if (mode === 'reply' && value.trim()) typed(ticket.id);
  };

  const expand = async (c: CannedResponseView) => {
    const at = slash;
    if (!at) return;
    setSlash(null);
    try {
      const filled = await renderCanned(c.id, ticket.id);
      const caret = area.current?.selectionStart ?? text.length;
      const next = text.slice(0, at.start) + filled + text.slice(caret);
      setText(next);
      drafts.current[`${ticket.id}:${mode}`] = next;
      const pos = at.start + filled.length;
      setTimeout(() => {
        area.current?.focus();
        area.current?.setSelectionRange(pos, pos);
      }, 0);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const submit = async () => {
    const body = text.trim();
    if (!body || busy) return;
    setBusy(true);
    setError(null);
    try {
      if (mode === 'note') {
        await addNote(ticket.id, body);
      } else {
        stoppedTyping();
        // The reply shows in the transcript at once ("sending"); a refusal stays there to retry.
        setText('');
        drafts.current[`${ticket.id}:${mode}`] = '';
        await sendReply(ticket.id, body);
        return;
      }
      setText('');
      drafts.current[`${ticket.id}:${mode}`] = '';
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const label = mode === 'reply' ? t('reply.reply') : t('reply.note');
  return (
    <form
      class={`composer ${mode === 'note' ? 'note-mode' : ''}`}
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <fieldset class="modes">
        <legend class="sr-only">{t('reply.mode')}</legend>
        <button type="button" aria-pressed={mode === 'reply'} onClick={() => setMode('reply')}>
          {t('reply.reply')}
        </button>
        <button type="button" aria-pressed={mode === 'note'} onClick={() => setMode('note')}>
          {t('reply.note')}
        </button>
      </fieldset>
      {suggesting && (
        <div class="suggest" id={listId} role="listbox" aria-label={t('reply.cannedList')}>
          {matches.length === 0 ? (
            <div role="option" tabIndex={-1} aria-selected="false" aria-disabled="true" class="muted">
              {t('reply.cannedNone', { prefix: slash?.prefix ?? '' })}
            </div>
          ) : (
            matches.map((c, i) => (
              <div
                key={c.id}
                id={`${listId}-${i}`}
                role="option"
                tabIndex={-1}
                aria-selected={i === active}
                onMouseDown={(e) => {
                  e.preventDefault();
                  void expand(c);
                }}
              >
                <span class="sc">/{c.shortcut}</span>
                <span>{c.title}</span>
                <span class="prev">{c.text}</span>
              </div>
            ))
          )}
        </div>
      )}
      <textarea
        ref={area}
        aria-label={label}
        placeholder={mode === 'reply' ? t('reply.placeholder') : t('reply.notePlaceholder')}
        value={text}
        maxLength={mode === 'reply' ? 10_000 : 5_000}
        aria-autocomplete={mode === 'reply' ? 'list' : undefined}
        aria-controls={suggesting ? listId : undefined}
        aria-activedescendant={suggesting && matches.length > 0 ? `${listId}-${active}` : undefined}
        onInput={(e) => update(e.currentTarget.value, e.currentTarget.selectionStart ?? 0)}
        onBlur={() => setTimeout(() => setSlash(null), 150)}
        onKeyDown={(e) => {
          if (suggesting && matches.length > 0) {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              const step = e.key === 'ArrowDown' ? 1 : -1;
              setActive((a) => (a + step + matches.length) % matches.length);
              return;
            }
            if (e.key === 'Enter' || e.key === 'Tab') {
              e.preventDefault();
              const chosen = matches[active];
              if (chosen) void expand(chosen);
              return;
            }
          }
          if (e.key === 'Escape') {
            e.preventDefault();
            if (suggesting) setSlash(null);
            else e.currentTarget.blur();
            return;
          }
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            void submit();
          }
        }}
      />
      {error && (
        <p class="alert" role="alert">
          {t('reply.failed', { message: error })}
        </p>
      )}
      <div class="send-row">
        <span class="hint">{mode === 'reply' ? t('reply.hint') : t('reply.noteHint')}</span>
        <button type="submit" disabled={busy || !text.trim()}>
          {mode === 'reply' ? t('reply.send') : t('reply.addNote')}
        </button>
      </div>
    </form>
  );
}
