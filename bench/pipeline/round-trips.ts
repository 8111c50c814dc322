/**
 * Counts the database round trips of one message, with the MongoDB driver's command monitoring
 * (the bench connects with `monitorCommands=true`; the app has no counter of its own). Each case
 * runs alone on a quiet app, split into its stages: up to the acknowledgement, the background
 * processing, and the delivery of what was said to the customer (the delivery job's use case).
 */
import { type Connection, Types } from 'mongoose';
import type { Socket } from 'socket.io-client';
import type { ParleyApp } from '../../src/app.js';

export interface StageCount {
  /** Round trips (commands) in this stage. */
  total: number;
  /** Of which write commands (insert, update, delete, findAndModify), serialised per collection by the database's write lock. */
  writes: number;
  /** `command collection` → how many, for reading where they go. */
  by: Record<string, number>;
}

export interface CaseCount {
  case: string;
  ack: StageCount;
  processing: StageCount;
  delivery: StageCount;
  total: number;
  writes: number;
}

const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify']);
// Driver housekeeping, not the pipeline's.
const IGNORED = new Set(['hello', 'isMaster', 'ismaster', 'ping', 'endSessions', 'killCursors']);

class Recorder {
  private stage: StageCount | null = null;
  constructor(conn: Connection) {
    conn.getClient().on('commandStarted', (e) => {
      if (!this.stage || IGNORED.has(e.commandName)) return;
      const collection = (e.command as Record<string, unknown>)[e.commandName];
      const key = `${e.commandName} ${typeof collection === 'string' ? collection : ''}`.trim();
      this.stage.total++;
      if (WRITES.has(e.commandName)) this.stage.writes++;
      this.stage.by[key] = (this.stage.by[key] ?? 0) + 1;
    });
  }
  start(): StageCount {
    this.stage = { total: 0, writes: 0, by: {} };
    return this.stage;
  }
  stop(): void {
    this.stage = null;
  }
}

type Ack = { ok: boolean; data?: { message: { id: string; ticketId?: string } }; error?: unknown };

/**
 * Runs the delivery of every message queued for the customer, as the delivery job does (the
 * job's body is this one use case call; its BullMQ bookkeeping is Redis, not the database).
 * The queued messages are listed on a separate, unmonitored connection.
 */
async function deliverQueued(app: ParleyApp, observer: Connection, customerId: unknown): Promise<void> {
  const queued = await observer
    .collection('messages')
    .find({ 'delivery.status': 'queued', customerId }, { projection: { _id: 1 } })
    .sort({ createdAt: 1, _id: 1 })
    .toArray();
  for (const m of queued) {
    const outcome = await app.core.useCases.deliverMessage(String(m._id));
    if (outcome.kind !== 'done') throw new Error(`delivery did not finish: ${outcome.kind}`);
  }
}

/**
 * The commands of a saturated run's whole mix, per stored message: `run` sends messages and
 * returns how many were stored (and processed) while the commands were counted.
 */
export async function countMix(
  app: ParleyApp,
  run: () => Promise<number>,
): Promise<{ messages: number; perMessage: number; by: Record<string, number> }> {
  const recorder = new Recorder(app.core.infra.mongo);
  const stage = recorder.start();
  const messages = await run();
  recorder.stop();
  const per = (n: number) => Math.round((n / Math.max(1, messages)) * 100) / 100;
  return {
    messages,
    perMessage: per(stage.total),
    by: Object.fromEntries(
      Object.entries(stage.by)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, per(v)]),
    ),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 100));

/**
 * (a) an inbound message the bot answers, (b) one that opens a ticket, (c) one that joins that
 * live ticket, (d) an agent's reply on it — each from a customer who wrote before (the steady state).
 */
export async function countRoundTrips(opts: {
  app: ParleyApp;
  observer: Connection;
  widget: Socket;
  agent: Socket;
}): Promise<CaseCount[]> {
  const { app, observer, widget, agent } = opts;
  const recorder = new Recorder(app.core.infra.mongo);
  let seq = 0;
  const send = async (text: string) => {
    const ack = (await widget.timeout(10_000).emitWithAck('message:send', {
      clientMessageId: `rt-${seq++}`,
      text,
    })) as Ack;
    if (!ack.ok || !ack.data) throw new Error(`message refused: ${JSON.stringify(ack.error)}`);
    return ack.data.message;
  };
  const customerOf = async (messageId: string) => {
    const doc = await observer.collection('messages').findOne({ _id: new Types.ObjectId(messageId) });
    return doc?.customerId;
  };

  // The customer's first message creates customer, conversation and identity: not the steady state.
  const first = await send('Where is my order 10023?');
  await app.ctx.pipeline.drain();
  const customerId = await customerOf(first.id);
  await deliverQueued(app, observer, customerId);
  await settle();

  const inbound = async (name: string, text: string): Promise<{ count: CaseCount; ticketId?: string }> => {
    const ack = recorder.start();
    const m = await send(text);
    recorder.stop();
    const processing = recorder.start();
    await app.ctx.pipeline.drain();
    recorder.stop();
    const delivery = recorder.start();
    await deliverQueued(app, observer, customerId);
    recorder.stop();
    await settle();
    const stored = await observer.collection('messages').findOne({ _id: new Types.ObjectId(m.id) });
    return {
      count: {
        case: name,
        ack,
        processing,
        delivery,
        total: ack.total + processing.total + delivery.total,
        writes: ack.writes + processing.writes + delivery.writes,
      },
      ticketId: stored?.ticketId ? String(stored.ticketId) : undefined,
    };
  };

  const answered = await inbound('inbound, answered by the bot (order status)', 'Where is my order 10023?');
  const ticketCase = await inbound('inbound, opens a ticket', 'I want to talk to a human agent please');
  if (!ticketCase.ticketId) throw new Error('the hand-off message opened no ticket');
  // The customer writes on while the ticket is live: most of a busy desk's inbound messages.
  const onTicket = await inbound('inbound, joins its live ticket', 'It is still not working, any news?');
  if (onTicket.ticketId !== ticketCase.ticketId) throw new Error('the message did not join the live ticket');

  // (c) the agent's reply, up to its acknowledgement, then its delivery.
  const ack = recorder.start();
  const reply = (await agent.timeout(10_000).emitWithAck('reply:send', {
    ticketId: ticketCase.ticketId,
    clientMessageId: 'rt-reply',
    text: 'Hello, I am looking into it now.',
  })) as Ack;
  recorder.stop();
  if (!reply.ok) throw new Error(`reply refused: ${JSON.stringify(reply.error)}`);
  // The reply's follow-ups (first response, claim) run before its acknowledgement: no background stage.
  const processing: StageCount = { total: 0, writes: 0, by: {} };
  const delivery = recorder.start();
  await deliverQueued(app, observer, customerId);
  recorder.stop();
  const agentReply: CaseCount = {
    case: 'agent reply',
    ack,
    processing,
    delivery,
    total: ack.total + delivery.total,
    writes: ack.writes + delivery.writes,
  };
  return [answered.count, ticketCase.count, onTicket.count, agentReply];
}
