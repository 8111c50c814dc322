import { useEffect, useState } from 'preact/hooks';
import { channelLabel, StatusBadge } from '../components/common.js';
import { api } from '../lib/api.js';
import { formatMoney, formatTime, useT } from '../lib/i18n.js';
import { hrefOf, linkHandler } from '../lib/router.js';
import type { CustomerSegmentView } from '../lib/types.js';
import type { OpenTicket } from '../state.js';
import { staffName } from '../state.js';
import { segmentColor } from './Segments.js';

/** The customer's segment in the run in use (any staff may read it). */
function CustomerSegment(props: { customerId: string }) {
  const t = useT();
  const [segment, setSegment] = useState<CustomerSegmentView['segment'] | undefined>(undefined);
  useEffect(() => {
    let live = true;
    setSegment(undefined);
    api<CustomerSegmentView>('GET', `/segments/customer/${props.customerId}`)
      .then((r) => live && setSegment(r.segment))
      .catch(() => live && setSegment(null));
    return () => {
      live = false;
    };
  }, [props.customerId]);
  if (segment === undefined) return null;
  return (
    <>
      <dt>{t('sidebar.segment')}</dt>
      <dd data-customer-segment={segment?.id ?? ''}>
        {segment ? (
          <>
            <span class="swatch" style={{ background: segmentColor(segment.index) }} aria-hidden="true" />
            {segment.name}
          </>
        ) : (
          <span class="muted">{t('sidebar.noSegment')}</span>
        )}
      </dd>
    </>
  );
}

/** Who the customer is: identities, contact details, other tickets, orders, needs and notes. */
export function CustomerSidebar(props: { open: OpenTicket | null }) {
  const t = useT();
  const open = props.open;
  if (!open?.ticket) return <aside class="pane side" aria-label={t('sidebar.title')} />;
  const ctx = open.context;
  if (!ctx) {
    return (
      <aside class="pane side" aria-label={t('sidebar.title')} aria-busy={!open.contextError}>
        <p class="empty" role={open.contextError ? 'alert' : undefined}>
          {open.contextError ? t('sidebar.error', { message: open.contextError }) : t('common.loading')}
        </p>
      </aside>
    );
  }
  const c = ctx.customer;
  const currency = ctx.orders[0]?.currency ?? 'USD';
  const nothing = <p class="sub">{t('sidebar.nothing')}</p>;
  return (
    <aside class="pane side" aria-labelledby="customer-title">
      <div class="scroll">
        <section>
          <h2 id="customer-title" class="who">
            {c.name ?? t('sidebar.unknownName')}
          </h2>
          <span class="sub">
            {t('sidebar.stats', {
              tickets: c.stats.tickets,
              orders: c.stats.orders,
              spent: formatMoney(c.stats.totalSpent, currency),
            })}
          </span>
          {c.tags.length > 0 && (
            <div class="tags">
              {c.tags.map((tag) => (
                <span key={tag} class="badge">
                  {tag}
                </span>
              ))}
            </div>
          )}
        </section>
        <section aria-labelledby="contact-title">
          <h3 id="contact-title">{t('sidebar.contact')}</h3>
          <dl>
            <CustomerSegment customerId={c.id} />
            {c.email && (
              <>
                <dt>{t('sidebar.email')}</dt>
                <dd>
                  <a href={`mailto:${c.email}`}>{c.email}</a>
                </dd>
              </>
            )}
            {c.phone && (
              <>
                <dt>{t('sidebar.phone')}</dt>
                <dd>{c.phone}</dd>
              </>
            )}
            {c.language && (
              <>
                <dt>{t('sidebar.language')}</dt>
                <dd>{c.language}</dd>
              </>
            )}
            {c.firstSeenAt && (
              <>
                <dt>{t('sidebar.firstSeen')}</dt>
                <dd>{formatTime(c.firstSeenAt)}</dd>
              </>
            )}
            {c.lastSeenAt && (
              <>
                <dt>{t('sidebar.lastSeen')}</dt>
                <dd>{formatTime(c.lastSeenAt)}</dd>
              </>
            )}
          </dl>
        </section>
        <section aria-labelledby="ids-title">
          <h3 id="ids-title">{t('sidebar.identities')}</h3>
          {ctx.identities.length === 0 ? (
            nothing
          ) : (
            <ul>
              {ctx.identities.map((i) => (
                <li key={`${i.channel}:${i.externalId}`}>
                  <strong>{channelLabel(t, i.channel)}</strong> {i.displayName ?? ''}{' '}
                  <span class="sub">{i.externalId}</span>
                  {i.verified && <span class="badge">{t('sidebar.verified')}</span>}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="past-title">
          <h3 id="past-title">{t('sidebar.pastTickets')}</h3>
          {ctx.pastTickets.length === 0 ? (
            nothing
          ) : (
            <ul>
              {ctx.pastTickets.map((p) => (
                <li key={p.id}>
                  <a
                    href={hrefOf({ page: 'inbox', ticketId: p.id })}
                    onClick={linkHandler({ page: 'inbox', ticketId: p.id })}
                  >
                    #{p.number}
                  </a>{' '}
                  {p.subject ?? ''} <StatusBadge status={p.status} />
                  <div class="sub">{formatTime(p.createdAt)}</div>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="orders-title">
          <h3 id="orders-title">{t('sidebar.orders')}</h3>
          {ctx.orders.length === 0 ? (
            nothing
          ) : (
            <ul>
              {ctx.orders.map((o) => (
                <li key={o.id}>
                  <strong>{o.number}</strong> · {formatMoney(o.total, o.currency)} ·{' '}
                  <span class="badge">{o.status}</span>
                  <div class="sub">
                    {formatTime(o.placedAt)}
                    {o.trackingNumber
                      ? ` · ${t('sidebar.tracking', { carrier: o.carrier ?? '', number: o.trackingNumber })}`
                      : ''}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="needs-title">
          <h3 id="needs-title">{t('sidebar.needs')}</h3>
          {ctx.needs.length === 0 ? (
            nothing
          ) : (
            <ul>
              {ctx.needs.map((n) => (
                <li key={n.id}>
                  {n.title} <span class="badge">{n.status}</span>
                  {n.priority !== 'normal' && <span class="badge p-high">{n.priority}</span>}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="notes-title">
          <h3 id="notes-title">{t('sidebar.notes')}</h3>
          {ctx.notes.length === 0 ? (
            nothing
          ) : (
            <ul>
              {ctx.notes.map((n) => (
                <li key={n.id}>
                  <span class="badge">{n.kind}</span> {n.summary}
                  <div class="sub">
                    {formatTime(n.at)}
                    {n.agentId ? ` · ${staffName(n.agentId)}` : ''}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </aside>
  );
}
