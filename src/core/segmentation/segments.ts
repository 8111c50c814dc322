import { forbidden, invalid, notFound } from '../errors.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { SegmentationRequests, SegmentationStore } from '../ports/segmentation.js';
import type {
  CustomerSegmentView,
  ProjectionView,
  SegmentationRunView,
  SegmentView,
} from '../views/segmentation.js';
import type { Actor } from '../views/staff.js';

/**
 * What staff do with segments: everyone reads the segments in use and a customer's segment (the
 * console's sidebar); supervisors and admins rename segments, look at runs and start one.
 */
export interface SegmentsDeps {
  segmentation: SegmentationStore;
  requests: SegmentationRequests;
  audit: AuditLog;
}

const LEADS = new Set(['supervisor', 'admin']);
const mustLead = (actor: Actor, what: string) => {
  if (!LEADS.has(actor.role)) throw forbidden(`${what} needs the role supervisor or admin`);
};
export const MIN_K = 2;
export const MAX_K = 12;

export async function listCurrentSegments(
  deps: Pick<SegmentsDeps, 'segmentation'>,
  _actor: Actor,
): Promise<{ run: SegmentationRunView | null; segments: SegmentView[] }> {
  const run = await deps.segmentation.currentRun();
  return { run, segments: run ? await deps.segmentation.listSegments(run.id) : [] };
}

export async function customerSegment(
  deps: Pick<SegmentsDeps, 'segmentation'>,
  _actor: Actor,
  customerId: string,
): Promise<CustomerSegmentView> {
  const current = await deps.segmentation.currentRun();
  const segmentId = current ? await deps.segmentation.customerSegmentId(customerId, current.id) : null;
  const segment = segmentId ? await deps.segmentation.getSegment(segmentId) : null;
  return { customerId, segment };
}

export async function renameSegment(
  deps: Pick<SegmentsDeps, 'segmentation' | 'audit'>,
  actor: Actor,
  id: string,
  name: string,
): Promise<SegmentView> {
  mustLead(actor, 'naming segments');
  const trimmed = name.trim();
  if (!trimmed) throw invalid('a segment name must not be empty');
  const before = await deps.segmentation.getSegment(id);
  if (!before) throw notFound('segment');
  const segment = await deps.segmentation.renameSegment(id, trimmed);
  if (!segment) throw notFound('segment');
  await deps.audit.record({
    actor,
    action: 'segment.rename',
    target: { kind: 'segment', id },
    details: { from: before.name, to: trimmed },
  });
  return segment;
}

export async function requestSegmentationRun(
  deps: Pick<SegmentsDeps, 'requests' | 'audit'>,
  actor: Actor,
  input: { k?: number },
): Promise<{ jobId: string | null }> {
  mustLead(actor, 'starting a segmentation run');
  if (input.k !== undefined && (!Number.isInteger(input.k) || input.k < MIN_K || input.k > MAX_K)) {
    throw invalid(`k must be an integer from ${MIN_K} to ${MAX_K}`);
  }
  const job = await deps.requests.request({ k: input.k, requestedBy: actor.id });
  await deps.audit.record({
    actor,
    action: 'segmentation.request',
    details: { k: input.k, jobId: job.jobId },
  });
  return job;
}

export async function listSegmentationRuns(
  deps: Pick<SegmentsDeps, 'segmentation'>,
  actor: Actor,
  limit: number,
): Promise<SegmentationRunView[]> {
  mustLead(actor, 'reading segmentation runs');
  return deps.segmentation.listRuns(limit);
}

export async function getSegmentationRun(
  deps: Pick<SegmentsDeps, 'segmentation'>,
  actor: Actor,
  id: string,
): Promise<{ run: SegmentationRunView; segments: SegmentView[] }> {
  mustLead(actor, 'reading segmentation runs');
  const run = await deps.segmentation.getRun(id);
  if (!run) throw notFound('segmentation run');
  return { run, segments: await deps.segmentation.listSegments(id) };
}

export async function segmentationProjection(
  deps: Pick<SegmentsDeps, 'segmentation'>,
  actor: Actor,
  runId: string,
): Promise<ProjectionView> {
  mustLead(actor, 'reading segmentation runs');
  const projection = await deps.segmentation.projection(runId);
  if (!projection) throw notFound('segmentation run');
  return projection;
}
