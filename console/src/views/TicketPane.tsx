import { useEffect, useRef, useState } from 'preact/hooks';
import {
  assign,
  attempt,
  claim,
  close,
  discardPending,
  markSeen,
  merge,
  reopen,
  resolve,
  sendReply,
  updateTicket,
} from '../actions.js';
import {
  channelLabel,
  Dialog,
  KindBadge,
  PriorityBadge,
  SlaBadge,
  StatusBadge,
  useNow,
} from '../components/common.js';
import { formatTime, type Translate, useT } from '../lib/i18n.js';
import { navigate } from '../lib/router.js';
import { useStore } from '../lib/store.js';
import { KINDS, type MessageView, PRIORITIES, type TicketNote, type TicketView } from '../lib/types.js';
import { isLeadRole, isLiveStatus, type OpenTicket, staffName, store } from '../state.js';
import { ReplyBox } from './ReplyBox.js';

/** Shortcuts reach the open ticket's actions through this. */
export const ticketKeys: { claim: () => void; resolve: () => void } = { claim: () => {}, resolve: () => {} };

type Item = { at: string; kind: 'message'; m: MessageView } | { at: string; kind: 'note'; n: TicketNote };

function DeliveryState(props: { m: MessageView; t: Translate }) {
  const d = props.m.delivery;
  if (!d) return null;
  const { t } = props;
  const text =
    d.status === 'sent'
      ? t('delivery.sent')
      : d.status === 'failed'
        ? `${t('delivery.failed')}${d.lastError ? `: ${d.lastError}` : ''}`
        : d.attempts > 0
          ? t('delivery.retrying', { n: d.attempts + 1 })
          : t('delivery.queued');
  return <span class={`delivery ${d.status}`}>{text}</span>;
}

function authorOf(m: MessageView, t: Translate, customerName?: string): string {
  switch (m.author.kind) {
    case 'customer':
      return customerName ?? t('author.customer');
    case 'agent':
      return staffName(m.author.id) || t('author.agent');
    case 'bot':
      return t('author.bot');
    default:
      return t('author.system');
  }
}

function Transcript(props: { open: OpenTicket; ticket: TicketView }) {
  const t = useT();
  const { open, ticket } = props;
  const pending = useStore(store, (s) => s.pending);
  const listRef = useRef<HTMLOListElement>(null);
  const customerName = open.context?.customer.name;
  const items: Item[] = [
    ...open.messages.map((m) => ({ at: m.createdAt, kind: 'message' as const, m })),
    ...ticket.notes.map((n) => ({ at: n.at, kind: 'note' as const, n })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const mine = pending.filter((p) => p.ticketId === ticket.id);
  const count = items.length + mine.length;
  // Stay at the bottom as messages arrive, unless the person scrolled up to read.
  const stick = useRef(true);
  useEffect(() => {
    const el = listRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [count, ticket.id]);
  return (
    <ol
      class="transcript"
      id="thread"
      ref={listRef}
      role="log"
      aria-live="polite"
      aria-label={t('ticket.transcript')}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
      }}
    >
      {items.map((it) =>
        it.kind === 'note' ? (
          <li key={`n-${it.n.id}`} class="msg note" data-note={it.n.id}>
            <div class="text">{it.n.text}</div>
            <div class="meta">
              <strong>{t('note.label')}</strong>
              <span>{staffName(it.n.authorId)}</span>
              <span>{formatTime(it.n.at)}</span>
            </div>
          </li>
        ) : (
          <li
            key={it.m.id}
            class={`msg ${it.m.direction} ${it.m.author.kind} ${it.m.delivery ? `d-${it.m.delivery.status}` : ''}`}
            data-id={it.m.id}
            data-delivery={it.m.delivery?.status}
          >
            <div class="text">{it.m.text}</div>
            <div class="meta">
              <span>{authorOf(it.m, t, customerName)}</span>
              {it.m.channel !== ticket.channel && <span>{channelLabel(t, it.m.channel)}</span>}
              <span>{formatTime(it.m.createdAt)}</span>
              <DeliveryState m={it.m} t={t} />
            </div>
          </li>
        ),
      )}
      {mine.map((p) => (
        <li
          key={p.clientMessageId}
          class={`msg out agent ${p.error ? 'failed' : 'pending'}`}
          data-pending={p.clientMessageId}
        >
          <div class="text">{p.text}</div>
          <div class="meta">
            {p.error ? (
              <>
                <span class="delivery failed">{t('reply.failed', { message: p.error })}</span>
                <button
                  type="button"
                  class="link"
                  onClick={() => void sendReply(p.ticketId, p.text, p.clientMessageId)}
                >
                  {t('common.retry')}
                </button>
                <button type="button" class="link" onClick={() => discardPending(p.clientMessageId)}>
                  {t('common.delete')}
                </button>
              </>
            ) : (
              <span class="delivery queued">{t('delivery.sending')}</span>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}

function TypingLine(props: { ticketId: string }) {
  const t = useT();
  const now = useNow(1_000);
  const typing = useStore(store, (s) => s.typing[props.ticketId]);
  const who: string[] = [];
  if (typing?.customerUntil && typing.customerUntil > now) who.push(t('typing.customer'));
  for (const [id, until] of Object.entries(typing?.agents ?? {}))
    if (until > now) who.push(t('typing.agent', { name: staffName(id) }));
  return (
    <div class="typing" aria-live="polite">
      {who.join(' ')}
    </div>
  );
}

function TagEditor(props: { ticket: TicketView }) {
  const t = useT();
  const [value, setValue] = useState('');
  const { ticket } = props;
  const save = (tags: string[]) => void attempt(() => updateTicket(ticket.id, { tags }));
  return (
    <fieldset class="tags">
      <legend class="hint">{t('ticket.tags')}:</legend>
      {ticket.tags.map((tag) => (
        <span class="tag" key={tag}>
          {tag}
          <button
            type="button"
            aria-label={t('ticket.removeTag', { tag })}
            onClick={() => save(ticket.tags.filter((x) => x !== tag))}
          >
            ×
          </button>
        </span>
      ))}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const tag = value.trim().toLowerCase();
          if (!tag || ticket.tags.includes(tag)) return setValue('');
          setValue('');
          save([...ticket.tags, tag]);
        }}
      >
        <input
          aria-label={t('ticket.addTag')}
          placeholder={t('ticket.addTag')}
          maxLength={40}
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
      </form>
    </fieldset>
  );
}

function MergeDialog(props: {
  ticket: TicketView;
  open: boolean;
  onClose: () => void;
  context: OpenTicket['context'];
}) {
  const t = useT();
  const tickets = useStore(store, (s) => s.tickets);
  const [into, setInto] = useState('');
  const [error, setError] = useState<string | null>(null);
  const { ticket } = props;
  const candidates = new Map<string, { id: string; number: number; subject?: string; status: string }>();
  for (const p of props.context?.pastTickets ?? []) if (p.status !== 'closed') candidates.set(p.id, p);
  for (const other of Object.values(tickets))
    if (other.customerId === ticket.customerId && other.status !== 'closed') candidates.set(other.id, other);
  candidates.delete(ticket.id);
  const list = [...candidates.values()].sort((a, b) => b.number - a.number);
  return (
    <Dialog
      open={props.open}
      title={t('ticket.mergeTitle', { number: ticket.number })}
      onClose={props.onClose}
    >
      <p class="hint">{t('ticket.mergeHint')}</p>
      {list.length === 0 ? (
        <p>{t('ticket.mergeNone')}</p>
      ) : (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            if (!into) return;
            try {
              const res = await merge(ticket.id, into);
              props.onClose();
              navigate({ page: 'inbox', ticketId: res.target.id });
            } catch (err) {
              setError(err instanceof Error ? err.message : String(err));
            }
          }}
        >
          <fieldset>
            <legend>{t('ticket.mergeInto')}</legend>
            {list.map((c) => (
              <label class="check" key={c.id}>
                <input
                  type="radio"
                  name="into"
                  value={c.id}
                  checked={into === c.id}
                  onChange={() => setInto(c.id)}
                />
                #{c.number} {c.subject ?? ''} <StatusBadge status={c.status} />
              </label>
            ))}
          </fieldset>
          {error && (
            <p class="alert" role="alert">
              {error}
            </p>
          )}
          <div class="form-actions">
            <button type="submit" disabled={!into}>
              {t('ticket.merge').replace('…', '')}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function Actions(props: { ticket: TicketView; context: OpenTicket['context'] }) {
  const t = useT();
  const session = useStore(store, (s) => s.session);
  const staff = useStore(store, (s) => s.staff);
  const [merging, setMerging] = useState(false);
  const { ticket } = props;
  const meId = session?.staff.id ?? '';
  const lead = isLeadRole(session?.staff.role);
  const live = isLiveStatus(ticket.status);
  const canClaim = live && ticket.assigneeId !== meId && (lead || !ticket.assigneeId);
  const canMove = live && (lead || !ticket.assigneeId || ticket.assigneeId === meId);
  useEffect(() => {
    ticketKeys.claim = () => canClaim && void attempt(() => claim(ticket.id));
    ticketKeys.resolve = () => live && void attempt(() => resolve(ticket.id));
  });
  const colleagues = Object.values(staff)
    .filter((a) => a.active && a.id !== ticket.assigneeId)
    .sort((a, b) => (a.status === b.status ? a.name.localeCompare(b.name) : a.status === 'online' ? -1 : 1));
  return (
    <div class="actions" role="toolbar" aria-label={t('ticket.actions')}>
      {canClaim && (
        <button type="button" aria-keyshortcuts="c" onClick={() => void attempt(() => claim(ticket.id))}>
          {t('ticket.claim')}
        </button>
      )}
      {canMove && (
        <select
          aria-label={t('ticket.assignTo')}
          value=""
          onChange={(e) => {
            const v = e.currentTarget.value;
            e.currentTarget.value = '';
            if (v) void attempt(() => assign(ticket.id, v === 'queue' ? null : v));
          }}
        >
          <option value="">{t('ticket.assign')}</option>
          {ticket.assigneeId && <option value="queue">{t('ticket.unassign')}</option>}
          {colleagues.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} ({t(`status.${a.status}`)}, {a.openTickets}/{a.capacity})
            </option>
          ))}
        </select>
      )}
      {live && (
        <button
          type="button"
          class="plain"
          aria-keyshortcuts="e"
          onClick={() => void attempt(() => resolve(ticket.id))}
        >
          {t('ticket.resolve')}
        </button>
      )}
      {ticket.status === 'resolved' && (
        <button type="button" class="plain" onClick={() => void attempt(() => reopen(ticket.id))}>
          {t('ticket.reopen')}
        </button>
      )}
      {ticket.status !== 'closed' && (
        <>
          <button type="button" class="plain" onClick={() => setMerging(true)}>
            {t('ticket.merge')}
          </button>
          <button
            type="button"
            class="danger"
            onClick={() => {
              if (confirm(t('ticket.closeConfirm', { number: ticket.number })))
                void attempt(() => close(ticket.id));
            }}
          >
            {t('ticket.close')}
          </button>
        </>
      )}
      <MergeDialog ticket={ticket} context={props.context} open={merging} onClose={() => setMerging(false)} />
    </div>
  );
}

export function TicketPane(props: { open: OpenTicket | null }) {
  const t = useT();
  const now = useNow(5_000);
  const session = useStore(store, (s) => s.session);
  const { open } = props;
  const ticket = open?.ticket ?? null;
  useEffect(() => {
    if (ticket) markSeen(ticket);
  }, [ticket?.id, ticket?.messageCount]);
  if (!open) {
    return (
      <section class="pane" aria-label={t('ticket.transcript')}>
        <p class="center-note">{t('ticket.none')}</p>
      </section>
    );
  }
  if (!ticket) {
    return (
      <section class="pane" aria-busy={open.loading}>
        <p class="center-note" role={open.error ? 'alert' : undefined}>
          {open.error ? t('ticket.loadError', { message: open.error }) : t('common.loading')}
        </p>
      </section>
    );
  }
  const meId = session?.staff.id;
  const mergedInto = ticket.mergedInto ? store.get().tickets[ticket.mergedInto] : undefined;
  return (
    <section class="pane" aria-labelledby="ticket-title" data-ticket-id={ticket.id}>
      <header class="ticket-head">
        <h1 id="ticket-title">
          <span>{t('ticket.number', { number: ticket.number })}</span>
          <span class="subject">{ticket.subject ?? ''}</span>
        </h1>
        <div class="row">
          <StatusBadge status={ticket.status} />
          <KindBadge kind={ticket.kind} />
          <PriorityBadge priority={ticket.priority} />
          <SlaBadge ticket={ticket} now={now} />
          {ticket.csat ? (
            <span class="badge">{t('ticket.csat', { score: ticket.csat.score })}</span>
          ) : ticket.csatRequested ? (
            <span class="badge">{t('ticket.csatAsked')}</span>
          ) : null}
          {ticket.failedDeliveries > 0 && (
            <span class="badge sla-breached">
              {t('ticket.failedDeliveries', { n: ticket.failedDeliveries })}
            </span>
          )}
        </div>
        {ticket.mergedInto && (
          <p class="alert info">
            {t('ticket.mergedInto', { number: mergedInto?.number ?? '…' })}{' '}
            <button
              type="button"
              class="link"
              onClick={() => navigate({ page: 'inbox', ticketId: ticket.mergedInto })}
            >
              →
            </button>
          </p>
        )}
        <div class="props">
          <label>
            {t('ticket.priority')}
            <select
              value={ticket.priority}
              disabled={ticket.status === 'closed'}
              onChange={(e) =>
                void attempt(() => updateTicket(ticket.id, { priority: e.currentTarget.value }))
              }
            >
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {t(`priority.${p}`)}
                </option>
              ))}
            </select>
          </label>
          <label title={t('ticket.kindHint')}>
            {t('ticket.kind')}
            <select
              value={ticket.kind}
              aria-describedby="kind-hint"
              disabled={ticket.status === 'closed'}
              onChange={(e) => void attempt(() => updateTicket(ticket.id, { kind: e.currentTarget.value }))}
            >
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`kind.${k}`)}
                </option>
              ))}
            </select>
          </label>
          <span id="kind-hint" class="sr-only">
            {t('ticket.kindHint')}
          </span>
          <div class="prop">
            <span>{t('ticket.assignee')}</span>
            <span class="value">
              {ticket.assigneeId
                ? ticket.assigneeId === meId
                  ? `${staffName(ticket.assigneeId)} (${t('common.you')})`
                  : staffName(ticket.assigneeId)
                : t('common.unassigned')}
            </span>
          </div>
          <div class="prop">
            <span>{t('ticket.channel')}</span>
            <span class="value">{channelLabel(t, ticket.channel)}</span>
          </div>
          {ticket.intent && (
            <div class="prop">
              <span>{t('ticket.intent')}</span>
              <span class="value">{ticket.intent}</span>
            </div>
          )}
          {ticket.language && (
            <div class="prop">
              <span>{t('ticket.language')}</span>
              <span class="value">{ticket.language}</span>
            </div>
          )}
          <div class="prop">
            <span>{t('ticket.opened', { time: '' }).trim()}</span>
            <span class="value">{formatTime(ticket.createdAt)}</span>
          </div>
        </div>
        <Actions ticket={ticket} context={open.context} />
        <TagEditor ticket={ticket} />
      </header>
      <Transcript open={open} ticket={ticket} />
      <TypingLine ticketId={ticket.id} />
      {ticket.status === 'closed' ? (
        <p class="center-note">{t('reply.closedTicket')}</p>
      ) : (
        <ReplyBox ticket={ticket} />
      )}
    </section>
  );
}
