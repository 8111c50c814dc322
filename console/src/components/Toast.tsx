import { useEffect } from 'preact/hooks';
import { useT } from '../lib/i18n.js';
import { useStore } from '../lib/store.js';
import { store } from '../state.js';

/** One notice at a time: errors stay until dismissed, information goes after a few seconds. */
export function Toast() {
  const t = useT();
  const notice = useStore(store, (s) => s.notice);
  useEffect(() => {
    if (!notice || notice.kind === 'error') return;
    const id = setTimeout(() => {
      if (store.get().notice?.id === notice.id) store.set({ notice: null });
    }, 4_000);
    return () => clearTimeout(id);
  }, [notice?.id]);
  return (
    <div aria-live="polite" aria-atomic="true">
      {notice && (
        <div class={`toast ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
          <span>{notice.text}</span>
          <button type="button" class="small" onClick={() => store.set({ notice: null })}>
            {t('common.close')}
          </button>
        </div>
      )}
    </div>
  );
}
