import { useEffect, useState } from 'preact/hooks';
import { attempt, errorText } from '../actions.js';
import { Dialog, splitList } from '../components/common.js';
import { formatTime, useT } from '../lib/i18n.js';
import { useStore } from '../lib/store.js';
import type { CampaignView, EmailPreview } from '../lib/types.js';
import {
  type CampaignDraft,
  campaignAction,
  createCampaign,
  loadCampaigns,
  loadSegments,
  marketing,
  previewCampaign,
  scheduleCampaign,
  testSendCampaign,
} from '../marketing.js';
import { segmentColor } from './Segments.js';

const FIGURES = ['recipients', 'queued', 'sent', 'failed', 'unknown', 'skipped', 'unsubscribed'] as const;

function NewCampaign(props: { onDone: () => void }) {
  const t = useT();
  const segments = useStore(marketing, (s) => s.current?.segments ?? []);
  const [d, setD] = useState({
    name: '',
    subject: '',
    text: 'Hello {{firstName}},\n\n…\n\nUnsubscribe: {{unsubscribeUrl}}',
    html: '',
    segmentIds: [] as string[],
    tags: '',
    minOrders: '',
  });
  const [error, setError] = useState<string | null>(null);
  const set = (patch: Partial<typeof d>) => setD((x) => ({ ...x, ...patch }));
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        const tags = splitList(d.tags);
        const filter = {
          ...(tags.length ? { tags } : {}),
          ...(d.minOrders ? { minOrders: Number(d.minOrders) } : {}),
        };
        const draft: CampaignDraft = {
          name: d.name.trim(),
          subject: d.subject,
          text: d.text,
          ...(d.html.trim() ? { html: d.html } : {}),
          target: {
            ...(d.segmentIds.length ? { segmentIds: d.segmentIds } : {}),
            ...(Object.keys(filter).length ? { filter } : {}),
          },
        };
        try {
          await createCampaign(draft);
          props.onDone();
        } catch (err) {
          setError(errorText(err));
        }
      }}
    >
      <div class="form-grid">
        <label class="field">
          {t('camp.name')}
          <input
            required
            maxLength={200}
            value={d.name}
            onInput={(e) => set({ name: e.currentTarget.value })}
          />
        </label>
        <label class="field">
          {t('camp.subject')}
          <input
            required
            maxLength={300}
            value={d.subject}
            onInput={(e) => set({ subject: e.currentTarget.value })}
          />
        </label>
      </div>
      <fieldset class="field">
        <legend>{t('camp.segments')}</legend>
        {segments.length === 0 && <p class="muted">{t('camp.noSegments')}</p>}
        {segments.map((s) => (
          <label key={s.id} class="check">
            <input
              type="checkbox"
              checked={d.segmentIds.includes(s.id)}
              onChange={(e) =>
                set({
                  segmentIds: e.currentTarget.checked
                    ? [...d.segmentIds, s.id]
                    : d.segmentIds.filter((x) => x !== s.id),
                })
              }
            />
            <span class="swatch" style={{ background: segmentColor(s.index) }} aria-hidden="true" />
            {s.name} ({s.size})
          </label>
        ))}
      </fieldset>
      <div class="form-grid">
        <label class="field">
          {t('camp.tags')}
          <input value={d.tags} onInput={(e) => set({ tags: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('camp.minOrders')}
          <input
            type="number"
            min={0}
            value={d.minOrders}
            onInput={(e) => set({ minOrders: e.currentTarget.value })}
          />
        </label>
      </div>
      <label class="field">
        {t('camp.text')}
        <textarea required rows={6} value={d.text} onInput={(e) => set({ text: e.currentTarget.value })} />
        <span class="hint">{t('camp.variables')}</span>
      </label>
      <label class="field">
        {t('camp.html')}
        <textarea rows={4} value={d.html} onInput={(e) => set({ html: e.currentTarget.value })} />
      </label>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      <div class="form-actions">
        <button type="button" class="plain" onClick={props.onDone}>
          {t('common.cancel')}
        </button>
        <button type="submit">{t('camp.saveDraft')}</button>
      </div>
    </form>
  );
}

function Preview(props: { campaign: CampaignView }) {
  const t = useT();
  const [preview, setPreview] = useState<EmailPreview | null>(null);
  const [to, setTo] = useState('');
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    previewCampaign(props.campaign.id)
      .then(setPreview)
      .catch((err: unknown) => setNote(errorText(err)));
  }, [props.campaign.id]);
  return (
    <div class="preview">
      {preview ? (
        <>
          <p class="muted" data-recipients={preview.recipients}>
            {t('camp.previewFor', { to: preview.to, recipients: preview.recipients })}
          </p>
          <p>
            <strong>{preview.subject}</strong>
          </p>
          <pre class="mail-text">{preview.text}</pre>
        </>
      ) : (
        !note && <p class="muted">{t('common.loading')}</p>
      )}
      <form
        class="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await testSendCampaign(props.campaign.id, to.trim());
            setNote(t('camp.testQueued', { to: to.trim() }));
          } catch (err) {
            setNote(errorText(err));
          }
        }}
      >
        <input
          type="email"
          required
          aria-label={t('camp.testTo')}
          placeholder={t('camp.testTo')}
          value={to}
          onInput={(e) => setTo(e.currentTarget.value)}
        />
        <button type="submit" class="small">
          {t('camp.testSend')}
        </button>
      </form>
      {note && <p role="status">{note}</p>}
    </div>
  );
}

function Actions(props: { campaign: CampaignView; onPreview: () => void }) {
  const t = useT();
  const c = props.campaign;
  const act = (a: 'pause' | 'resume' | 'cancel') => () => void attempt(() => campaignAction(c.id, a));
  return (
    <span class="actions">
      <button type="button" class="plain small" onClick={props.onPreview}>
        {t('camp.preview')}
      </button>
      {c.status === 'draft' && (
        <button type="button" class="small" onClick={() => void attempt(() => scheduleCampaign(c.id))}>
          {t('camp.sendNow')}
        </button>
      )}
      {(c.status === 'scheduled' || c.status === 'sending') && (
        <button type="button" class="plain small" onClick={act('pause')}>
          {t('camp.pause')}
        </button>
      )}
      {c.status === 'paused' && (
        <button type="button" class="small" onClick={act('resume')}>
          {t('camp.resume')}
        </button>
      )}
      {c.status !== 'done' && c.status !== 'cancelled' && (
        <button type="button" class="plain small" onClick={act('cancel')}>
          {t('camp.cancel')}
        </button>
      )}
    </span>
  );
}

/** Campaigns (supervisors and admins): write, preview, test, send, and watch the figures live. */
export function Campaigns() {
  const t = useT();
  const campaigns = useStore(marketing, (s) => s.campaigns);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [previewing, setPreviewing] = useState<CampaignView | null>(null);
  useEffect(() => {
    loadCampaigns().catch((err: unknown) => setError(errorText(err)));
    // The target picker lists the segments in use.
    loadSegments().catch(() => {});
  }, []);
  const list = Object.values(campaigns).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <div class="admin campaigns">
      <div class="live-head">
        <h1>{t('camp.title')}</h1>
        <span class="grow" />
        <button type="button" onClick={() => setCreating(true)}>
          {t('camp.new')}
        </button>
      </div>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      <p class="hint">{t('camp.unknownHint')}</p>
      {list.length === 0 ? (
        <p class="muted">{t('camp.none')}</p>
      ) : (
        <div class="table-scroll">
          <table class="data" id="campaigns">
            <thead>
              <tr>
                <th scope="col">{t('camp.name')}</th>
                <th scope="col">{t('camp.status')}</th>
                {FIGURES.map((f) => (
                  <th scope="col" key={f}>
                    {t(`camp.fig.${f}`)}
                  </th>
                ))}
                <th scope="col">
                  <span class="sr-only">{t('camp.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => (
                <tr key={c.id} data-campaign-id={c.id} data-status={c.status}>
                  <td>
                    {c.name}
                    <div class="sub">
                      {c.scheduledAt && c.status === 'scheduled'
                        ? t('camp.scheduledFor', { when: formatTime(c.scheduledAt) })
                        : formatTime(c.finishedAt ?? c.startedAt ?? c.createdAt)}
                    </div>
                  </td>
                  <td>
                    <span class={`badge c-${c.status}`}>{t(`camp.status.${c.status}`)}</span>
                    {c.status === 'sending' && c.stats.recipients > 0 && (
                      <progress
                        max={c.stats.recipients}
                        value={c.stats.recipients - c.stats.queued - c.stats.sending}
                        aria-label={t('camp.progress')}
                      />
                    )}
                  </td>
                  {FIGURES.map((f) => (
                    <td class="num" key={f} data-figure={f}>
                      {c.stats[f]}
                    </td>
                  ))}
                  <td>
                    <Actions campaign={c} onPreview={() => setPreviewing(c)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Dialog open={creating} title={t('camp.new')} onClose={() => setCreating(false)}>
        <NewCampaign onDone={() => setCreating(false)} />
      </Dialog>
      <Dialog
        open={previewing !== null}
        title={t('camp.previewTitle', { name: previewing?.name ?? '' })}
        onClose={() => setPreviewing(null)}
      >
        {previewing && <Preview campaign={previewing} />}
      </Dialog>
    </div>
  );
}
