import { Mongoose, mongo, Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import type { NewMessage } from '../../src/core/ports/store.js';
import { messageSchema } from '../../src/db/models/message.js';
import { newMessageDocument } from '../../src/db/repositories/message-document.js';

/** Keys sorted, types kept (ObjectId, Date as EJSON): equal only if the stored BSON would be. */
function canonical(doc: unknown): unknown {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return sort(mongo.BSON.EJSON.serialize(doc, { relaxed: false }));
}

/** What Model.create stores: Mongoose's casts, defaults and validation. */
const Message = new Mongoose().model('Message', messageSchema);
function mongooseDocument(msg: NewMessage, _id: Types.ObjectId) {
  const doc = new Message({
    _id,
    conversationId: msg.conversationId,
    customerId: msg.customerId,
    channel: msg.channel,
    direction: msg.direction,
    author: msg.author,
    text: msg.text,
    sourceKey: msg.sourceKey,
    clientKey: msg.clientKey,
    replyKey: msg.replyKey,
    clientMessageId: msg.clientMessageId,
    inReplyTo: msg.inReplyTo,
    ticketId: msg.ticketId,
    requestedKind: msg.requestedKind,
    ...(msg.prompt ? { prompt: msg.prompt } : {}),
    ...(msg.slackPost ? { slackPost: msg.slackPost } : {}),
    processedAt: msg.processed ? msg.at : undefined,
    pending: msg.direction === 'in' && !msg.processed ? true : undefined,
    delivery: msg.queueForDelivery ? { status: 'queued', attempts: 0, updatedAt: msg.at } : undefined,
    createdAt: msg.at,
    updatedAt: msg.at,
  });
  const invalid = doc.validateSync();
  if (invalid) throw invalid;
  return { ...doc.toObject({ depopulate: true, virtuals: false, getters: false }), __v: 0 };
}

const id = () => String(new Types.ObjectId());
const at = new Date('2026-12-07T04:00:00.000Z');
const base: NewMessage = {
  conversationId: id(),
  customerId: id(),
  channel: 'widget',
  direction: 'in',
  author: { kind: 'customer', id: 'c-1' },
  text: 'Where is my order 10023?',
  at,
};

const CASES: [string, NewMessage][] = [
  ['an inbound widget message', { ...base, clientKey: 'customer:x:1', clientMessageId: '1' }],
  ['an inbound Slack message with its source key', { ...base, channel: 'slack', sourceKey: 'slack:T1:ts' }],
  ['an integration asking for a person', { ...base, channel: 'api', requestedKind: 'complaint' }],
  [
    'a bot answer, processed, queued for delivery',
    {
      ...base,
      direction: 'out',
      author: { kind: 'bot' },
      replyKey: 'bot:abc:faq',
      inReplyTo: id(),
      ticketId: id(),
      processed: true,
      queueForDelivery: true,
    },
  ],
  [
    'a satisfaction prompt from the system',
    {
      ...base,
      direction: 'out',
      author: { kind: 'system' },
      prompt: { kind: 'csat', ticketId: id() },
      processed: true,
      queueForDelivery: true,
    },
  ],
  [
    "an agent's reply typed in Slack",
    {
      ...base,
      direction: 'out',
      author: { kind: 'agent', id: id() },
      slackPost: { channel: 'C1', ts: '1700000000.000100' },
      ticketId: id(),
      clientKey: 'agent:x:2',
      clientMessageId: '2',
      processed: true,
    },
  ],
];

describe('a new message document is the one Mongoose would store', () => {
  it.each(CASES)('%s', (_, msg) => {
    const _id = new Types.ObjectId();
    expect(canonical(newMessageDocument(msg, _id))).toEqual(canonical(mongooseDocument(msg, _id)));
  });

  it('refuses what the schema refuses, with a message', () => {
    const refused: NewMessage[] = [
      { ...base, text: '' },
      { ...base, text: 'x'.repeat(10001) },
      { ...base, clientMessageId: 'x'.repeat(101) },
      { ...base, channel: 'fax' as NewMessage['channel'] },
      { ...base, author: { kind: 'robot' as NewMessage['author']['kind'] } },
      { ...base, requestedKind: 'praise' as NewMessage['requestedKind'] },
      { ...base, conversationId: 'not-an-id' },
    ];
    for (const msg of refused) {
      expect(() => mongooseDocument(msg, new Types.ObjectId())).toThrow();
      expect(() => newMessageDocument(msg)).toThrow(/message not stored/);
    }
  });
});
