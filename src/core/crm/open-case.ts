import type { InboundMessage } from '../ingest/inbound-message.js';
import type { IngestAck, IngestPipeline, ProcessOutcome } from '../ingest/ingest-pipeline.js';
import type { TicketKind } from '../views/ticket.js';
import { ALL_STAFF, authorize, type Caller } from './access.js';

/**
 * A consultation or complaint opened by an integration (POST /api/v1/consult, /complaint): the
 * message goes through the same pipeline as a chat message (validation, identity, conversation,
 * classification, priority, SLA, assignment, events) and is handed to a person as that kind,
 * whatever the bot would have answered. Resends of the same clientMessageId are stored once.
 */
export async function openCase(
  deps: { pipeline: IngestPipeline },
  caller: Caller,
  inbound: InboundMessage,
  kind: TicketKind,
): Promise<IngestAck & ProcessOutcome> {
  authorize(caller, { roles: ALL_STAFF, scope: 'tickets:write' }, `opening a ${kind}`);
  return deps.pipeline.receiveAndProcess({ ...inbound, handoffKind: kind });
}
