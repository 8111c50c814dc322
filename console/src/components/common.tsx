import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { formatDuration, type Translate, useT } from '../lib/i18n.js';
import { type Slaish, slaState } from '../lib/sla.js';

/** The current time, refreshed every `ms` (waiting times and SLA clocks tick). */
export function useNow(ms = 1_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** A modal dialog on the native <dialog> (focus kept inside, Esc closes); focus goes back on close. */
export function Dialog(props: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const titleId = useId();
  const t = useT();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) {
      opener.current = document.activeElement;
      d.showModal();
    } else if (!props.open && d.open) {
      d.close();
    }
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={() => {
        props.onClose();
        if (opener.current instanceof HTMLElement) opener.current.focus();
      }}
    >
      {props.open && (
        <div class="dlg">
          <header>
            <h2 id={titleId}>{props.title}</h2>
            <button type="button" class="plain small" onClick={() => ref.current?.close()}>
              {t('common.close')}
            </button>
          </header>
          {props.children}
        </div>
      )}
    </dialog>
  );
}

export function SlaBadge(props: { ticket: Slaish; now: number }) {
  const t = useT();
  if (props.ticket.status !== 'open' && props.ticket.status !== 'pending') return null;
  const s = slaState(props.ticket, props.now);
  if (s.kind === 'answered') return <span class="badge sla-ok">{t('sla.answered')}</span>;
  if (s.kind === 'breached') return <span class="badge sla-breached">{t('sla.breached')}</span>;
  const time = formatDuration(s.seconds);
  return (
    <span class={`badge ${s.kind === 'risk' ? 'sla-risk' : ''}`}>
      {t(s.kind === 'risk' ? 'sla.atRisk' : 'sla.due', { time })}
    </span>
  );
}

export function PriorityBadge(props: { priority: string }) {
  const t = useT();
  if (props.priority === 'normal') return null;
  return <span class={`badge p-${props.priority}`}>{t(`priority.${props.priority}` as 'priority.low')}</span>;
}

export function KindBadge(props: { kind: string }) {
  const t = useT();
  return <span class={`badge k-${props.kind}`}>{t(`kind.${props.kind}` as 'kind.complaint')}</span>;
}

export function StatusBadge(props: { status: string }) {
  const t = useT();
  return <span class={`badge s-${props.status}`}>{t(`status.${props.status}` as 'status.open')}</span>;
}

export const channelLabel = (t: Translate, channel: string) => t(`channel.${channel}` as 'channel.widget');

export const splitList = (value: string): string[] =>
  value
    .split(/[,，\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);

export { slaState, waitedSeconds } from '../lib/sla.js';
