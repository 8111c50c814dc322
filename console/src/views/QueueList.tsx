import {
  channelLabel,
  KindBadge,
  PriorityBadge,
  SlaBadge,
  useNow,
  waitedSeconds,
} from '../components/common.js';
import { formatDuration, useT } from '../lib/i18n.js';
import { hrefOf, linkHandler } from '../lib/router.js';
import { useStore } from '../lib/store.js';
import { CHANNELS, KINDS, PRIORITIES } from '../lib/types.js';
import { staffName, store } from '../state.js';
import { listedTickets, type QueueTab, queueViewStore, tabCounts } from './queue-model.js';

export function QueueList(props: { openId?: string }) {
  const t = useT();
  const now = useNow(5_000);
  const view = useStore(queueViewStore, (s) => s);
  const tickets = useStore(store, (s) => s.tickets);
  const loaded = useStore(store, (s) => s.ticketsLoaded);
  const seen = useStore(store, (s) => s.seen);
  const fresh = useStore(store, (s) => s.fresh);
  const staff = useStore(store, (s) => s.staff);
  const s = store.get();
  const list = listedTickets({ ...s, tickets }, view);
  const counts = tabCounts({ ...s, tickets });
  const meId = s.session?.staff.id;
  const tabs: QueueTab[] = ['all', 'mine', 'queue'];
  return (
    <section class="pane" aria-labelledby="queue-title">
      <header>
        <h2 id="queue-title">
          {t('queue.title')} <span class="sr-only">{t('queue.count', { n: list.length })}</span>
        </h2>
        <fieldset class="tabs">
          <legend class="sr-only">{t('queue.tabs')}</legend>
          {tabs.map((tab) => (
            <button
              key={tab}
              type="button"
              class="small"
              aria-pressed={view.tab === tab}
              onClick={() => queueViewStore.set({ tab })}
            >
              {t(`queue.tab.${tab}`)}
              <span class="count" data-count={tab}>
                {counts[tab]}
              </span>
            </button>
          ))}
        </fieldset>
        <fieldset class="filters">
          <legend class="sr-only">{t('queue.filters')}</legend>
          <select
            aria-label={t('queue.filter.kind')}
            value={view.kind}
            onChange={(e) => queueViewStore.set({ kind: e.currentTarget.value })}
          >
            <option value="">
              {t('queue.filter.kind')}: {t('queue.filter.any')}
            </option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kind.${k}`)}
              </option>
            ))}
          </select>
          <select
            aria-label={t('queue.filter.channel')}
            value={view.channel}
            onChange={(e) => queueViewStore.set({ channel: e.currentTarget.value })}
          >
            <option value="">
              {t('queue.filter.channel')}: {t('queue.filter.any')}
            </option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {channelLabel(t, c)}
              </option>
            ))}
          </select>
          <select
            aria-label={t('queue.filter.priority')}
            value={view.priority}
            onChange={(e) => queueViewStore.set({ priority: e.currentTarget.value })}
          >
            <option value="">
              {t('queue.filter.priority')}: {t('queue.filter.any')}
            </option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {t(`priority.${p}`)}
              </option>
            ))}
          </select>
        </fieldset>
      </header>
      <div class="scroll">
        {!loaded ? (
          <p class="empty">{t('common.loading')}</p>
        ) : list.length === 0 ? (
          <p class="empty">{t('queue.empty')}</p>
        ) : (
          <ul class="qlist" id="queue" aria-labelledby="queue-title">
            {list.map((tk) => {
              const unread = seen[tk.id] !== undefined && tk.messageCount > (seen[tk.id] ?? 0);
              const isFresh = Boolean(fresh[tk.id]);
              const current = tk.id === props.openId;
              const route = { page: 'inbox' as const, ticketId: tk.id };
              return (
                <li
                  key={tk.id}
                  class={`qitem ${isFresh ? 'fresh' : ''}`}
                  aria-current={current ? 'true' : undefined}
                  data-ticket={tk.number}
                >
                  <a
                    class="open"
                    href={hrefOf(route)}
                    onClick={linkHandler(route)}
                    aria-label={t('queue.open', { number: tk.number })}
                  >
                    <span class="qline">
                      <span class="qnum">#{tk.number}</span>
                      <span class="qsubject">{tk.subject ?? ''}</span>
                      {isFresh && <span class="badge new">{t('queue.new')}</span>}
                      {unread && <span class="unread" title={t('queue.unread')} />}
                    </span>
                    <span class="qmeta">
                      <span>{channelLabel(t, tk.channel)}</span>
                      <KindBadge kind={tk.kind} />
                      <PriorityBadge priority={tk.priority} />
                      <SlaBadge ticket={tk} now={now} />
                      <span>
                        {tk.assigneeId
                          ? t('queue.age', { time: formatDuration(waitedSeconds(tk, now)) })
                          : `${t('queue.col.wait')} ${formatDuration(waitedSeconds(tk, now))}`}
                      </span>
                      {view.tab !== 'queue' && (
                        <span>
                          {tk.assigneeId
                            ? tk.assigneeId === meId
                              ? t('common.you')
                              : staffName(tk.assigneeId, { ...s, staff })
                            : t('common.unassigned')}
                        </span>
                      )}
                    </span>
                  </a>
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </section>
  );
}
