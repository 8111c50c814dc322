import { useEffect, useState } from 'preact/hooks';
import { io } from 'socket.io-client';
import { assign, attempt } from '../actions.js';
import { BarList, Columns, LoadBar } from '../components/Charts.js';
import {
  channelLabel,
  KindBadge,
  PriorityBadge,
  SlaBadge,
  useNow,
  waitedSeconds,
} from '../components/common.js';
import { download, getToken, qs } from '../lib/api.js';
import { formatDuration, formatTime, type Translate, useT } from '../lib/i18n.js';
import { hrefOf, linkHandler } from '../lib/router.js';
import type { DurationStats, LiveQueueView, TicketSummaryView } from '../lib/types.js';
import { staffName } from '../state.js';

type LiveAgents = LiveQueueView['agents'];

const STATUS_ORDER = { online: 0, away: 1, offline: 2 } as const;

function duration(t: Translate, stats: DurationStats): { value: string; sub: string } {
  if (stats.medianSeconds === null) return { value: '—', sub: '' };
  return {
    value: formatDuration(stats.medianSeconds),
    sub: `${t('live.p90', { value: formatDuration(stats.p90Seconds ?? 0) })} · n=${stats.count}`,
  };
}

function AssignSelect(props: { ticket: TicketSummaryView; agents: LiveAgents }) {
  const t = useT();
  const choices = props.agents
    .filter((a) => a.id !== props.ticket.assigneeId)
    .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.openTickets - b.openTickets);
  return (
    <select
      class="small"
      aria-label={t('live.reassign', { number: props.ticket.number })}
      value=""
      onChange={(e) => {
        const v = e.currentTarget.value;
        e.currentTarget.value = '';
        if (v) void attempt(() => assign(props.ticket.id, v === 'queue' ? null : v));
      }}
    >
      <option value="">{t('live.assignPlaceholder')}</option>
      {props.ticket.assigneeId && <option value="queue">{t('ticket.unassign')}</option>}
      {choices.map((a) => (
        <option key={a.id} value={a.id}>
          {a.name} — {t(`status.${a.status}`)} · {a.openTickets}/{a.capacity}
        </option>
      ))}
    </select>
  );
}

function TicketTable(props: {
  tickets: TicketSummaryView[];
  agents: LiveAgents;
  now: number;
  caption: string;
  empty: string;
  showAssignee?: boolean;
  id: string;
}) {
  const t = useT();
  if (props.tickets.length === 0) return <p class="muted">{props.empty}</p>;
  return (
    <table class="data" id={props.id}>
      <caption class="sr-only">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('queue.col.ticket')}</th>
          <th scope="col">{t('ticket.priority')}</th>
          <th scope="col">{t('queue.col.wait')}</th>
          <th scope="col">{t('queue.col.sla')}</th>
          {props.showAssignee && <th scope="col">{t('ticket.assignee')}</th>}
          <th scope="col">
            <span class="sr-only">{t('ticket.assign')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.tickets.map((tk) => (
          <tr key={tk.id} data-ticket={tk.number}>
            <td>
              <a
                href={hrefOf({ page: 'inbox', ticketId: tk.id })}
                onClick={linkHandler({ page: 'inbox', ticketId: tk.id })}
              >
                #{tk.number}
              </a>{' '}
              {tk.subject ?? ''}
              <div class="row">
                <span class="hint">{channelLabel(t, tk.channel)}</span>
                <KindBadge kind={tk.kind} />
              </div>
            </td>
            <td>
              <PriorityBadge priority={tk.priority} />
              {tk.priority === 'normal' && <span class="hint">{t('priority.normal')}</span>}
            </td>
            <td class="num">{formatDuration(waitedSeconds(tk, props.now))}</td>
            <td>
              <SlaBadge ticket={tk} now={props.now} />
            </td>
            {props.showAssignee && (
              <td>
                {tk.assigneeId
                  ? (props.agents.find((a) => a.id === tk.assigneeId)?.name ?? staffName(tk.assigneeId))
                  : t('common.unassigned')}
              </td>
            )}
            <td>
              <AssignSelect ticket={tk} agents={props.agents} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The supervisor's live queue over the /supervisors socket (`queue:live`, at most once a second). */
export function LiveQueue() {
  const t = useT();
  const now = useNow(1_000);
  const [queue, setQueue] = useState<LiveQueueView | null>(null);
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const socket = io('/supervisors', {
      auth: { token: getToken() },
      transports: ['websocket', 'polling'],
      reconnectionDelayMax: 5_000,
    });
    (window as unknown as { __parleySupervisors?: typeof socket }).__parleySupervisors = socket;
    socket.on('connect', () => {
      setConnected(true);
      setError(null);
    });
    socket.on('disconnect', () => setConnected(false));
    socket.on('connect_error', (err) => {
      setConnected(false);
      setError(err.message);
    });
    socket.on('queue:live', (q: LiveQueueView) => setQueue(q));
    // Live events may have been lost on the server: ask for the queue as it is now.
    socket.on('resync', () => {
      socket
        .timeout(10_000)
        .emit('queue:get', undefined, (err: unknown, res?: { ok: boolean; data?: LiveQueueView }) => {
          if (!err && res?.ok && res.data) setQueue(res.data);
        });
    });
    return () => {
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, []);

  if (!queue) {
    return (
      <div class="live">
        <h1>{t('live.title')}</h1>
        <p role={error ? 'alert' : 'status'}>{error ?? t('common.loading')}</p>
      </div>
    );
  }
  const today = queue.today;
  const oldest = queue.waiting.oldestQueuedAt
    ? Math.max(0, (now - Date.parse(queue.waiting.oldestQueuedAt)) / 1000)
    : 0;
  const fr = duration(t, today.firstResponse);
  const res = duration(t, today.resolution);
  const risky = [...queue.sla.breached, ...queue.sla.atRisk];
  const byChannel = Object.entries(today.byChannel)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => ({ label: channelLabel(t, k), value: v }));
  const byIntent = Object.entries(today.byIntent)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([k, v]) => ({ label: k, value: v, color: '#7c3aed' }));
  const stars = today.csat.distribution.map((n, i) => ({
    label: `${i + 1}★`,
    value: n,
    color: ['#dc2626', '#f97316', '#eab308', '#84cc16', '#16a34a'][i],
  }));
  const times = [
    { label: t('live.frMedian'), value: today.firstResponse.medianSeconds, color: '#0891b2' },
    { label: t('live.frP90'), value: today.firstResponse.p90Seconds, color: '#67e8f9' },
    { label: t('live.resMedian'), value: today.resolution.medianSeconds, color: '#059669' },
    { label: t('live.resP90'), value: today.resolution.p90Seconds, color: '#6ee7b7' },
  ]
    .filter((d): d is { label: string; value: number; color: string } => d.value !== null)
    .map((d) => ({ ...d, display: formatDuration(d.value) }));
  const agents = [...queue.agents].sort(
    (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.name.localeCompare(b.name),
  );
  const kpi = (key: string, label: string, value: string | number, sub?: string, tone?: string) => (
    <section class={`kpi ${tone ?? ''}`} data-kpi={key} aria-label={label}>
      <span class="label">{label}</span>
      <span class="value">{value}</span>
      {sub && <span class="sub">{sub}</span>}
    </section>
  );
  const startOfDay = `${today.dayKey}T00:00:00.000Z`;
  return (
    <div class="live">
      <div class="live-head">
        <h1>{t('live.title')}</h1>
        <span class={`conn ${connected ? 'online' : 'offline'}`} role="status">
          {connected ? t('conn.online') : t('conn.offline')}
        </span>
        <span class="muted">{t('live.updated', { time: formatTime(queue.at) })}</span>
        <span class="grow" />
        <button
          type="button"
          class="plain small"
          onClick={() =>
            void attempt(() =>
              download(
                `/reports/tickets${qs({ from: startOfDay, to: new Date().toISOString(), groupBy: 'channel', format: 'csv' })}`,
                `tickets-${today.dayKey}.csv`,
              ),
            )
          }
        >
          {t('live.report')}
        </button>
      </div>
      <div class="kpis">
        {kpi(
          'waiting',
          t('live.waiting'),
          queue.waiting.count,
          undefined,
          queue.waiting.count > 0 ? 'warn' : '',
        )}
        {kpi('oldest', t('live.oldest'), queue.waiting.count ? formatDuration(oldest) : '—')}
        {kpi('open', t('live.openPending'), `${queue.live.open} / ${queue.live.pending}`)}
        {kpi(
          'at-risk',
          t('live.atRisk'),
          queue.sla.atRisk.length,
          undefined,
          queue.sla.atRisk.length ? 'warn' : '',
        )}
        {kpi(
          'breached',
          t('live.breached'),
          queue.sla.breached.length,
          undefined,
          queue.sla.breached.length ? 'bad' : '',
        )}
        {kpi('opened', t('live.opened'), today.opened, `${t('live.resolved')}: ${today.resolved}`)}
        {kpi('first-response', t('live.firstResponse'), fr.value, fr.sub)}
        {kpi('resolution', t('live.resolution'), res.value, res.sub)}
        {kpi(
          'csat',
          t('live.csat'),
          today.csat.average === null ? '—' : today.csat.average.toFixed(1),
          today.csat.count
            ? t('live.csatAvg', { avg: today.csat.average?.toFixed(2) ?? '', n: today.csat.count })
            : t('live.noRatings'),
        )}
      </div>
      <div class="grid2">
        <section class="box" aria-labelledby="waiting-title">
          <h2 id="waiting-title">
            {t('live.waitingTickets')} ({queue.waiting.count})
          </h2>
          <TicketTable
            id="waiting"
            tickets={queue.waiting.tickets}
            agents={queue.agents}
            now={now}
            caption={t('live.waitingTickets')}
            empty={t('live.noneWaiting')}
          />
        </section>
        <section class="box" aria-labelledby="risk-title">
          <h2 id="risk-title">{t('live.riskTickets')}</h2>
          <TicketTable
            id="at-risk"
            tickets={risky}
            agents={queue.agents}
            now={now}
            caption={t('live.riskTickets')}
            empty={t('live.noneAtRisk')}
            showAssignee
          />
        </section>
      </div>
      <div class="grid2">
        <section class="box" aria-labelledby="agents-title">
          <h2 id="agents-title">{t('live.agents')}</h2>
          <table class="data" id="agents">
            <thead>
              <tr>
                <th scope="col">{t('staff.name')}</th>
                <th scope="col">{t('staff.status')}</th>
                <th scope="col">{t('staff.load')}</th>
                <th scope="col">{t('staff.languages')}</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((a) => (
                <tr key={a.id} data-agent={a.id}>
                  <td>{a.name}</td>
                  <td>
                    <span class={`dot ${a.status}`} aria-hidden="true" /> {t(`status.${a.status}`)}
                  </td>
                  <td class="num">
                    <LoadBar
                      value={a.openTickets}
                      max={a.capacity}
                      label={`${a.name}: ${a.openTickets}/${a.capacity}`}
                    />
                    <span data-load>
                      {t('live.agentLoad', { open: a.openTickets, capacity: a.capacity })}
                    </span>
                  </td>
                  <td>{a.languages.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section class="box" aria-label={t('live.today')}>
          <BarList title={t('live.byChannel')} data={byChannel} empty={t('live.noData')} />
          <BarList title={t('live.byIntent')} data={byIntent} empty={t('live.noData')} />
          <BarList title={t('live.times')} data={times} empty={t('live.noData')} />
          <Columns title={t('live.csatDist')} data={stars} empty={t('live.noRatings')} />
        </section>
      </div>
    </div>
  );
}
