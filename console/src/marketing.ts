import { api } from './lib/api.js';
import { createStore } from './lib/store.js';
import type {
  CampaignView,
  EmailPreview,
  ProjectionView,
  SegmentationRunView,
  SegmentView,
} from './lib/types.js';

/**
 * Segments and campaigns for supervisors and admins: loaded when their page opens, then kept
 * live by `segmentation:progress` and `campaign:progress` on the /agents socket (sent to leads
 * only). The database is the truth: a page that opens, or a finished run, reads it again.
 */
export interface MarketingState {
  /** The segments in use and the run they came from (null before the first run). */
  current: { run: SegmentationRunView | null; segments: SegmentView[] } | null;
  /** Recent runs, newest first (a running one shows its progress). */
  runs: SegmentationRunView[];
  projection: ProjectionView | null;
  campaigns: Record<string, CampaignView>;
  campaignsLoaded: boolean;
}

export const marketing = createStore<MarketingState>({
  current: null,
  runs: [],
  projection: null,
  campaigns: {},
  campaignsLoaded: false,
});

export async function loadSegments(): Promise<void> {
  const [current, { runs }] = await Promise.all([
    api<{ run: SegmentationRunView | null; segments: SegmentView[] }>('GET', '/segments'),
    api<{ runs: SegmentationRunView[] }>('GET', '/segmentation/runs'),
  ]);
  marketing.set({ current, runs });
  const runId = current.run?.id;
  const projection = runId
    ? await api<ProjectionView>('GET', `/segmentation/runs/${runId}/projection`).catch(() => null)
    : null;
  marketing.set({ projection });
}

export async function startSegmentation(k?: number): Promise<void> {
  await api('POST', '/segmentation/runs', k ? { k } : {});
  const { runs } = await api<{ runs: SegmentationRunView[] }>('GET', '/segmentation/runs');
  marketing.set({ runs });
}

export async function renameSegment(id: string, name: string): Promise<void> {
  const segment = await api<SegmentView>('PATCH', `/segments/${id}`, { name });
  marketing.set((s) => ({
    current: s.current
      ? { ...s.current, segments: s.current.segments.map((x) => (x.id === id ? segment : x)) }
      : s.current,
  }));
}

/** A run moved on or ended (live): its row is replaced; a finished run brings its segments in. */
export function onSegmentationProgress(run: SegmentationRunView): void {
  marketing.set((s) => {
    const others = s.runs.filter((r) => r.id !== run.id);
    const runs = [run, ...others].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    return { runs };
  });
  if (run.status === 'done') void loadSegments().catch(() => {});
}

export async function loadCampaigns(): Promise<void> {
  const { campaigns } = await api<{ campaigns: CampaignView[] }>('GET', '/campaigns');
  marketing.set({ campaigns: Object.fromEntries(campaigns.map((c) => [c.id, c])), campaignsLoaded: true });
}

/** Keeps the newer copy (live figures may pass a slower reload). */
export function upsertCampaign(campaign: CampaignView): void {
  marketing.set((s) => {
    const known = s.campaigns[campaign.id];
    if (known && known.updatedAt > campaign.updatedAt) return {};
    return { campaigns: { ...s.campaigns, [campaign.id]: campaign } };
  });
}

export interface CampaignDraft {
  name: string;
  subject: string;
  text: string;
  html?: string;
  target: { segmentIds?: string[]; filter?: { tags?: string[]; minOrders?: number } };
}

export async function createCampaign(draft: CampaignDraft): Promise<CampaignView> {
  const campaign = await api<CampaignView>('POST', '/campaigns', draft);
  upsertCampaign(campaign);
  return campaign;
}

export async function campaignAction(id: string, action: 'pause' | 'resume' | 'cancel'): Promise<void> {
  upsertCampaign(await api<CampaignView>('POST', `/campaigns/${id}/${action}`));
}

export async function scheduleCampaign(id: string, at?: string): Promise<void> {
  upsertCampaign(await api<CampaignView>('POST', `/campaigns/${id}/schedule`, at ? { at } : {}));
}

export const previewCampaign = (id: string) => api<EmailPreview>('POST', `/campaigns/${id}/preview`, {});

export async function testSendCampaign(id: string, to: string): Promise<void> {
  await api('POST', `/campaigns/${id}/test`, { to });
}

/** After a reconnect or a resync: what a page already showed is read again (events may have been missed). */
export function refreshMarketing(): void {
  const s = marketing.get();
  if (s.current) void loadSegments().catch(() => {});
  if (s.campaignsLoaded) void loadCampaigns().catch(() => {});
}
