import { Types } from 'mongoose';
import type { NewMessage } from '../../core/ports/store.js';
import { CHANNELS } from '../../core/views/channel.js';
import { AUTHOR_KINDS } from '../../core/views/message.js';
import { TICKET_KINDS } from '../../core/views/ticket.js';
import { messageSchema } from '../models/message.js';
import { isObjectId } from './object-id.js';

const channels = new Set<string>(CHANNELS);
const authorKinds = new Set<string>(AUTHOR_KINDS);
const ticketKinds = new Set<string>(TICKET_KINDS);
/** The lengths the schema allows, read from it: one place says them. */
const maxLength = (path: string) =>
  Number((messageSchema.path(path) as unknown as { options: { maxlength: number } }).options.maxlength);
const TEXT_MAX = maxLength('text');
const CLIENT_MESSAGE_ID_MAX = maxLength('clientMessageId');

/** The message schema's own limits (models/message.ts); the edges check theirs first. */
function refuse(what: string): never {
  throw new Error(`message not stored: ${what}`);
}

function objectId(id: string, what: string): Types.ObjectId {
  if (!isObjectId(id)) refuse(`${what} is not an id`);
  return new Types.ObjectId(id);
}

/**
 * The document `Model.create` would store for a new message (models/message.ts: casts,
 * defaults, validation), built directly. Every stored message is built once, and Mongoose's
 * document machinery cost about a millisecond of CPU each, a tenth of the pipeline's per
 * message (profiled under the pipeline benchmark). test/unit/message-document.test.ts
 * holds it to what Mongoose builds.
 */
export function newMessageDocument(msg: NewMessage, _id = new Types.ObjectId()): Record<string, unknown> {
  if (!channels.has(msg.channel)) refuse(`unknown channel ${msg.channel}`);
  if (msg.direction !== 'in' && msg.direction !== 'out') refuse('direction must be in or out');
  if (!authorKinds.has(msg.author.kind)) refuse(`unknown author kind ${msg.author.kind}`);
  if (typeof msg.text !== 'string' || msg.text.length === 0) refuse('text is required');
  if (msg.text.length > TEXT_MAX) refuse(`text is longer than ${TEXT_MAX} characters`);
  if (msg.clientMessageId !== undefined && msg.clientMessageId.length > CLIENT_MESSAGE_ID_MAX)
    refuse(`clientMessageId is longer than ${CLIENT_MESSAGE_ID_MAX} characters`);
  if (msg.requestedKind !== undefined && !ticketKinds.has(msg.requestedKind))
    refuse(`unknown ticket kind ${msg.requestedKind}`);
  if (msg.prompt && msg.prompt.kind !== 'csat') refuse(`unknown prompt ${msg.prompt.kind}`);

  const doc: Record<string, unknown> = {
    _id,
    conversationId: objectId(msg.conversationId, 'conversationId'),
    customerId: objectId(msg.customerId, 'customerId'),
    channel: msg.channel,
    direction: msg.direction,
    author:
      msg.author.id === undefined ? { kind: msg.author.kind } : { kind: msg.author.kind, id: msg.author.id },
    text: msg.text,
  };
  // Absent stays absent (Mongoose drops undefined paths), so the sparse unique keys hold.
  if (msg.sourceKey !== undefined) doc.sourceKey = msg.sourceKey;
  if (msg.clientKey !== undefined) doc.clientKey = msg.clientKey;
  if (msg.clientMessageId !== undefined) doc.clientMessageId = msg.clientMessageId;
  if (msg.replyKey !== undefined) doc.replyKey = msg.replyKey;
  if (msg.inReplyTo !== undefined) doc.inReplyTo = objectId(msg.inReplyTo, 'inReplyTo');
  if (msg.ticketId !== undefined) doc.ticketId = objectId(msg.ticketId, 'ticketId');
  if (msg.requestedKind !== undefined) doc.requestedKind = msg.requestedKind;
  if (msg.prompt) doc.prompt = { kind: msg.prompt.kind, ticketId: msg.prompt.ticketId };
  if (msg.slackPost) doc.slackPost = { channel: msg.slackPost.channel, ts: msg.slackPost.ts };
  if (msg.processed) doc.processedAt = msg.at;
  if (msg.direction === 'in' && !msg.processed) doc.pending = true;
  if (msg.queueForDelivery) doc.delivery = { status: 'queued', attempts: 0, updatedAt: msg.at };
  doc.createdAt = msg.at;
  doc.updatedAt = msg.at;
  doc.__v = 0;
  return doc;
}
