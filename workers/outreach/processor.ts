import { DelayedError } from 'bullmq';
import type { WorkerContext } from '../../src/composition/worker-context.js';
import type { TypedProcessor } from '../job-runner.js';

/** While another worker holds the campaign (or its lock has not lapsed yet), look again after this. */
const BUSY_RETRY_MS = 5000;

/**
 * Thin: three kinds of job. `tick` (every OUTREACH_SCAN_INTERVAL_SECONDS) queues the sending of
 * due campaigns and of any left unfinished; `send` sends or resumes one campaign; `test-send`
 * sends one test email.
 */
export function outreachProcessor(ctx: WorkerContext): TypedProcessor<'outreach'> {
  const outreach = ctx.useCases.outreach;
  return async (job, token) => {
    const data = job.data;
    switch (data.kind) {
      case 'tick':
        return { outcome: 'dispatched', detail: String(await outreach.dispatchDue()) };
      case 'test-send': {
        const result = await outreach.sendTest({ campaignId: data.campaignId, to: data.to });
        return { outcome: result.status, detail: result.detail };
      }
      case 'send': {
        const result = await outreach.send(data.campaignId, (percent) => job.updateProgress(percent));
        if (result.state === 'busy' || result.state === 'not_due') {
          const at = result.state === 'not_due' ? result.at.getTime() : Date.now() + BUSY_RETRY_MS;
          await job.moveToDelayed(Math.max(Date.now() + 100, at), token);
          throw new DelayedError();
        }
        return { outcome: result.state, ...('sent' in result ? { detail: `${result.sent} sent` } : {}) };
      }
    }
  };
}
