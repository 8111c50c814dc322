import { invalid } from '../errors.js';
import type { Audience } from '../ports/outreach.js';
import type { CampaignTarget } from '../views/campaign.js';
import type { OutreachDeps } from './outreach-deps.js';

/**
 * A campaign's target as customers are segmented now. A segment of an earlier run (segmentation
 * ran again since the campaign was written) stands for the segment of the same name in the run in
 * use; when there is none, the campaign cannot be sent as written.
 */
export async function resolveAudience(
  deps: Pick<OutreachDeps, 'segmentation'>,
  target: CampaignTarget,
): Promise<Audience> {
  const wanted = target.segmentIds ?? [];
  if (wanted.length === 0) return { filter: target.filter ?? {} };
  const current = await deps.segmentation.currentRun();
  const inUse = current ? await deps.segmentation.listSegments(current.id) : [];
  const segmentIds: string[] = [];
  for (const id of wanted) {
    const segment = await deps.segmentation.getSegment(id);
    if (!segment) throw invalid(`segment ${id} does not exist`);
    if (segment.runId === current?.id) {
      segmentIds.push(id);
      continue;
    }
    const same = inUse.find((s) => s.name === segment.name);
    if (!same) {
      throw invalid(
        `segment "${segment.name}" is from an earlier segmentation run and no segment of that name exists now; choose the segments again`,
      );
    }
    segmentIds.push(same.id);
  }
  if (!current) throw invalid('there is no segmentation run in use yet');
  return {
    segments: { runId: current.id, segmentIds: [...new Set(segmentIds)] },
    ...(target.filter ? { filter: target.filter } : {}),
  };
}

export function checkTarget(target: CampaignTarget): void {
  if (!target.segmentIds?.length && !target.filter) {
    throw invalid(
      'a campaign needs target segments, a filter, or both (an empty filter means every consenting customer)',
    );
  }
}
