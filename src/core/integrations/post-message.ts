import { authorize, type Caller } from '../crm/access.js';
import type { InboundMessage } from '../ingest/inbound-message.js';
import type { IngestAck, IngestPipeline, ProcessOutcome } from '../ingest/ingest-pipeline.js';

/** A customer's message from an integration (POST /api/v1/messages): tokens with messages:write. */
export async function postIntegrationMessage(
  deps: { pipeline: IngestPipeline },
  caller: Caller,
  inbound: InboundMessage,
): Promise<IngestAck & ProcessOutcome> {
  authorize(caller, { roles: [], scope: 'messages:write' }, 'posting customer messages');
  return deps.pipeline.receiveAndProcess(inbound);
}
