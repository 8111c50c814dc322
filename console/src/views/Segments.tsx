import { useEffect, useState } from 'preact/hooks';
import { attempt, errorText } from '../actions.js';
import { formatTime, type Translate, useT } from '../lib/i18n.js';
import { useStore } from '../lib/store.js';
import type { ProjectionView, SegmentView } from '../lib/types.js';
import { loadSegments, marketing, renameSegment, startSegmentation } from '../marketing.js';

/** One colour per segment (its index in the run), also used by the scatter plot's legend. */
export const SEGMENT_COLORS = [
  '#2563eb',
  '#dc2626',
  '#059669',
  '#d97706',
  '#7c3aed',
  '#db2777',
  '#0891b2',
  '#65a30d',
  '#4b5563',
  '#9333ea',
  '#ea580c',
  '#0d9488',
];
export const segmentColor = (index: number): string =>
  SEGMENT_COLORS[index % SEGMENT_COLORS.length] ?? '#4b5563';

type Centroid = SegmentView['centroid'];

/** The centroid's columns, in the features' own units. */
const COLUMNS: { key: keyof Centroid; label: (t: Translate) => string; format: (v: number) => string }[] = [
  { key: 'recencyDays', label: (t) => t('seg.f.recency'), format: (v) => v.toFixed(0) },
  { key: 'frequency', label: (t) => t('seg.f.frequency'), format: (v) => v.toFixed(1) },
  { key: 'monetary', label: (t) => t('seg.f.monetary'), format: (v) => v.toFixed(0) },
  { key: 'tenureDays', label: (t) => t('seg.f.tenure'), format: (v) => v.toFixed(0) },
  { key: 'consultations', label: (t) => t('seg.f.consultations'), format: (v) => v.toFixed(1) },
  { key: 'complaints', label: (t) => t('seg.f.complaints'), format: (v) => v.toFixed(1) },
  { key: 'complaintRatio', label: (t) => t('seg.f.complaintRatio'), format: (v) => v.toFixed(2) },
  { key: 'avgSentiment', label: (t) => t('seg.f.sentiment'), format: (v) => v.toFixed(2) },
  { key: 'lastCsat', label: (t) => t('seg.f.csat'), format: (v) => v.toFixed(1) },
  { key: 'channels', label: (t) => t('seg.f.channels'), format: (v) => v.toFixed(1) },
];

function SegmentName(props: { segment: SegmentView }) {
  const t = useT();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(props.segment.name);
  const [error, setError] = useState<string | null>(null);
  if (!editing) {
    return (
      <span class="seg-name">
        <span class="swatch" style={{ background: segmentColor(props.segment.index) }} aria-hidden="true" />
        <span data-segment-name>{props.segment.name}</span>{' '}
        <button
          type="button"
          class="plain small"
          aria-label={t('seg.renameLabel', { name: props.segment.name })}
          onClick={() => {
            setName(props.segment.name);
            setEditing(true);
          }}
        >
          {t('seg.rename')}
        </button>
      </span>
    );
  }
  return (
    <form
      class="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await renameSegment(props.segment.id, name.trim());
          setEditing(false);
          setError(null);
        } catch (err) {
          setError(errorText(err));
        }
      }}
    >
      <input
        aria-label={t('seg.newName')}
        required
        maxLength={100}
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      <button type="submit" class="small">
        {t('common.save')}
      </button>
      <button type="button" class="plain small" onClick={() => setEditing(false)}>
        {t('common.cancel')}
      </button>
      {error && (
        <span class="alert" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

/** Customers on the run's two principal components, one dot each, coloured by segment. */
export function Scatter(props: { projection: ProjectionView; segments: SegmentView[] }) {
  const t = useT();
  const { points } = props.projection;
  const index = new Map(props.segments.map((s) => [s.id, s.index]));
  if (points.length === 0) return <p class="muted">{t('seg.noProjection')}</p>;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const W = 520;
  const H = 360;
  const pad = 12;
  const sx = (x: number) => pad + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * pad);
  const sy = (y: number) => H - pad - ((y - y0) / (y1 - y0 || 1)) * (H - 2 * pad);
  const explained = props.projection.explained.map((e) => `${Math.round(e * 100)}%`).join(' + ');
  const sizes = props.segments.map((s) => `${s.name}: ${s.size}`).join(', ');
  return (
    <figure class="scatter">
      <figcaption>{t('seg.projection', { n: points.length, explained })}</figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="img"
        aria-label={`${t('seg.projectionLabel')} ${sizes}`}
      >
        <rect x="0" y="0" width={W} height={H} fill="#fafafa" stroke="#e5e7eb" />
        {points.map((p) => (
          <circle
            key={p.customerId}
            cx={sx(p.x).toFixed(1)}
            cy={sy(p.y).toFixed(1)}
            r="2.2"
            fill={segmentColor(index.get(p.segmentId) ?? 0)}
            fill-opacity="0.7"
            data-segment={p.segmentId}
          />
        ))}
      </svg>
      <ul class="legend">
        {props.segments.map((s) => (
          <li key={s.id}>
            <span class="swatch" style={{ background: segmentColor(s.index) }} aria-hidden="true" />
            {s.name}
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** Segments (supervisors and admins): the groups in use, how they were found, and a new run. */
export function Segments() {
  const t = useT();
  const current = useStore(marketing, (s) => s.current);
  const runs = useStore(marketing, (s) => s.runs);
  const projection = useStore(marketing, (s) => s.projection);
  const [error, setError] = useState<string | null>(null);
  const [k, setK] = useState('');
  useEffect(() => {
    loadSegments().catch((err: unknown) => setError(errorText(err)));
  }, []);
  const running = runs.find((r) => r.status === 'running');
  const lastFailed = runs[0]?.status === 'failed' ? runs[0] : undefined;
  const run = current?.run ?? null;
  const segments = [...(current?.segments ?? [])].sort((a, b) => a.index - b.index);
  const total = segments.reduce((n, s) => n + s.size, 0);
  return (
    <div class="admin segments">
      <div class="live-head">
        <h1>{t('seg.title')}</h1>
        <span class="grow" />
        <label>
          {t('seg.k')}{' '}
          <select class="small" value={k} onChange={(e) => setK(e.currentTarget.value)}>
            <option value="">{t('seg.kAuto')}</option>
            {Array.from({ length: 11 }, (_, i) => i + 2).map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={Boolean(running)}
          onClick={() => void attempt(() => startSegmentation(k ? Number(k) : undefined))}
        >
          {t('seg.runNow')}
        </button>
      </div>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      {running && (
        <section class="box" aria-label={t('seg.running')} data-run-status="running">
          <label>
            {t('seg.runningStage', { stage: running.stage, progress: Math.round(running.progress) })}
            <progress max={100} value={running.progress} />
          </label>
        </section>
      )}
      {lastFailed && !running && (
        <p class="alert" role="alert">
          {t('seg.failed', { error: lastFailed.error ?? '' })}
        </p>
      )}
      {run ? (
        <p class="muted" data-run={run.id}>
          {t('seg.summary', {
            k: run.k ?? segments.length,
            customers: run.customers,
            silhouette: run.silhouette?.toFixed(2) ?? '—',
            when: formatTime(run.finishedAt ?? run.startedAt),
            how: run.requestedK ? t('seg.kSet') : t('seg.kChosen'),
          })}
        </p>
      ) : (
        current && <p class="muted">{t('seg.none')}</p>
      )}
      {segments.length > 0 && (
        <section class="box" aria-labelledby="segments-title">
          <h2 id="segments-title">{t('seg.groups')}</h2>
          <div class="table-scroll">
            <table class="data" id="segments">
              <thead>
                <tr>
                  <th scope="col">{t('seg.name')}</th>
                  <th scope="col">{t('seg.size')}</th>
                  {COLUMNS.map((c) => (
                    <th scope="col" key={c.key}>
                      {c.label(t)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {segments.map((s) => (
                  <tr key={s.id} data-segment-id={s.id}>
                    <td>
                      <SegmentName segment={s} />
                    </td>
                    <td class="num" data-size>
                      {s.size} ({total ? Math.round((s.size / total) * 100) : 0}%)
                    </td>
                    {COLUMNS.map((c) => (
                      <td class="num" key={c.key}>
                        {c.format(s.centroid[c.key])}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="hint">{t('seg.centroidHint')}</p>
        </section>
      )}
      {projection && segments.length > 0 && (
        <section class="box" aria-labelledby="projection-title">
          <h2 id="projection-title">{t('seg.map')}</h2>
          <Scatter projection={projection} segments={segments} />
        </section>
      )}
    </div>
  );
}
