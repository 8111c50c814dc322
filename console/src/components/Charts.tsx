import { useId } from 'preact/hooks';

/** Small hand-drawn SVG charts: a caption, bars, and the same numbers in words for screen readers. */

export interface Datum {
  label: string;
  value: number;
  /** Shown instead of the value (e.g. "3m 20s"). */
  display?: string;
  color?: string;
}

const spoken = (data: Datum[]) => data.map((d) => `${d.label}: ${d.display ?? d.value}`).join(', ');

/** Horizontal bars, one row per datum, longest = full width. */
export function BarList(props: {
  title: string;
  data: Datum[];
  empty: string;
  color?: string;
  max?: number;
}) {
  const id = useId();
  const rowH = 24;
  const width = 520;
  const labelW = 170;
  const valueW = 60;
  const barMax = width - labelW - valueW;
  const max = props.max ?? Math.max(1, ...props.data.map((d) => d.value));
  const h = Math.max(rowH, props.data.length * rowH);
  return (
    <figure aria-labelledby={id}>
      <figcaption id={id}>{props.title}</figcaption>
      {props.data.length === 0 ? (
        <p class="muted">{props.empty}</p>
      ) : (
        <svg
          viewBox={`0 0 ${width} ${h}`}
          width="100%"
          role="img"
          aria-label={`${props.title}: ${spoken(props.data)}`}
        >
          {props.data.map((d, i) => {
            const w = Math.max(d.value > 0 ? 2 : 0, (d.value / max) * barMax);
            const y = i * rowH;
            return (
              <g key={d.label}>
                <title>{`${d.label}: ${d.display ?? d.value}`}</title>
                <text x={labelW - 8} y={y + rowH / 2 + 4} text-anchor="end">
                  {d.label.length > 24 ? `${d.label.slice(0, 23)}…` : d.label}
                </text>
                <rect x={labelW} y={y + 4} width={barMax} height={rowH - 8} rx="3" fill="#f3f4f6" />
                <rect
                  x={labelW}
                  y={y + 4}
                  width={w}
                  height={rowH - 8}
                  rx="3"
                  fill={d.color ?? props.color ?? '#2563eb'}
                />
                <text x={labelW + w + 6} y={y + rowH / 2 + 4}>
                  {d.display ?? d.value}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}

/** Vertical columns over a fixed set of categories (ratings 1–5). */
export function Columns(props: { title: string; data: Datum[]; empty?: string }) {
  const id = useId();
  const width = 360;
  const height = 130;
  const base = height - 22;
  const max = Math.max(1, ...props.data.map((d) => d.value));
  const slot = width / Math.max(1, props.data.length);
  const total = props.data.reduce((a, d) => a + d.value, 0);
  return (
    <figure aria-labelledby={id}>
      <figcaption id={id}>{props.title}</figcaption>
      {total === 0 && props.empty ? (
        <p class="muted">{props.empty}</p>
      ) : (
        <svg
          viewBox={`0 0 ${width} ${height}`}
          width="100%"
          style={{ maxWidth: `${width}px` }}
          role="img"
          aria-label={`${props.title}: ${spoken(props.data)}`}
        >
          <line x1="0" x2={width} y1={base} y2={base} stroke="#d1d5db" />
          {props.data.map((d, i) => {
            const h = (d.value / max) * (base - 18);
            const x = i * slot + slot * 0.2;
            const w = slot * 0.6;
            return (
              <g key={d.label}>
                <title>{`${d.label}: ${d.display ?? d.value}`}</title>
                <rect x={x} y={base - h} width={w} height={h} rx="3" fill={d.color ?? '#2563eb'} />
                <text x={x + w / 2} y={base - h - 4} text-anchor="middle">
                  {d.display ?? d.value}
                </text>
                <text x={x + w / 2} y={height - 6} text-anchor="middle">
                  {d.label}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}

/** A load bar: open tickets against capacity (a native meter, so it is announced as one). */
export function LoadBar(props: { value: number; max: number; label: string }) {
  return (
    <meter
      class="loadbar"
      min={0}
      max={Math.max(1, props.max, props.value)}
      high={Math.max(1, props.max) - 0.5}
      value={props.value}
      aria-label={props.label}
    />
  );
}
