import { DelayedError } from 'bullmq';
import type { WorkerContext } from '../../src/composition/worker-context.js';
import type { TypedProcessor } from '../job-runner.js';

/** While another worker posts for the same ticket, this job waits this long and looks again. */
const BUSY_RETRY_MS = 200;

/**
 * Thin: the job carries ids; the use cases post to the agents' Slack channel (a message into its
 * ticket's thread, or the ticket's post refreshed). Waiting (the ticket busy, Slack's 429) moves
 * the job back to the delayed set without spending an attempt; failures retry with backoff.
 */
export function slackMirrorProcessor(ctx: WorkerContext): TypedProcessor<'slack-mirror'> {
  return async (job, token) => {
    const data = job.data;
    const outcome =
      data.kind === 'message'
        ? await ctx.useCases.desk.mirrorMessage({
            messageId: data.messageId,
            ticketId: data.ticketId,
            opened: data.opened,
          })
        : await ctx.useCases.desk.refreshTicketCard(data.ticketId);
    if (outcome.kind === 'done') return { done: true };
    const wait = outcome.kind === 'busy' ? BUSY_RETRY_MS : outcome.ms;
    await job.moveToDelayed(Date.now() + wait, token);
    throw new DelayedError();
  };
}
