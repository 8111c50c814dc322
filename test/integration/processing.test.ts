import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Classification, MessageClassifier } from '../../src/core/ports/classifier.js';
import type { MessageView } from '../../src/core/views/index.js';
import { staffToken } from '../helpers/staff.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { readUntil, sleep } from '../helpers/wait.js';

/** A classifier the test steers: by the text, with a count of what it saw and a switch to fail. */
function scriptedClassifier() {
  const seen: string[] = [];
  const state = { fail: /boom/ };
  const base: Classification = {
    language: 'en',
    intent: 'out_of_scope',
    confidence: 0.9,
    sentiment: 0,
    urgency: 0,
    kind: 'none',
  };
  const classifier: MessageClassifier = {
    version: 'scripted',
    async classify(text) {
      seen.push(text);
      if (state.fail.test(text)) throw new Error(`cannot classify "${text}"`);
      await sleep(30); // long enough for two concurrent runs to overlap
      if (/^hello/.test(text)) return { ...base, intent: 'greeting' };
      if (/in chinese/.test(text)) return { ...base, language: 'zh' };
      if (/person/.test(text)) return { ...base, intent: 'ask_human', kind: 'consultation' };
      if (/furious/.test(text))
        return { ...base, intent: 'complaint', kind: 'complaint', sentiment: -0.9, urgency: 0.9 };
      return base;
    },
  };
  return { classifier, seen, state };
}

describe('processing customer messages: once, in order, resumed, parked', () => {
  const script = scriptedClassifier();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('processing', { classifier: script.classifier });
  });
  afterAll(async () => {
    await t?.close();
  });

  const botReplies = (m: MessageView) =>
    t.app.core.infra.models.Message.countDocuments({ inReplyTo: m.id, 'author.kind': 'bot' });

  it('processes a message once even when its resends run at the same time', async () => {
    const { pipeline } = t.app.core;
    const { message } = await pipeline.accept({
      channel: 'api',
      externalUserId: 'once',
      clientMessageId: 'o1',
      text: 'hello once',
    });
    await Promise.all([pipeline.process(message), pipeline.process(message), pipeline.process(message)]);
    expect(script.seen.filter((x) => x === 'hello once')).toHaveLength(1);
    expect(await botReplies(message)).toBe(1);
  });

  it("keeps one conversation's bot state across two quick messages (they are processed in order)", async () => {
    const { pipeline } = t.app.core;
    // Two messages the bot does not understand: the second hands off (BOT_HANDOFF_AFTER_MISUNDERSTANDINGS=2).
    const [a, b] = await Promise.all([
      pipeline.receiveAndProcess({
        channel: 'api',
        externalUserId: 'quick',
        clientMessageId: 'q1',
        text: 'qwerty',
      }),
      pipeline.receiveAndProcess({
        channel: 'api',
        externalUserId: 'quick',
        clientMessageId: 'q2',
        text: 'asdfgh',
      }),
    ]);
    const tickets = await t.app.core.infra.models.Ticket.countDocuments({
      customerId: a?.message.customerId,
    });
    expect(tickets).toBe(1);
    expect([a?.ticket, b?.ticket].filter(Boolean)).toHaveLength(1);
  });

  it("processes a burst of one conversation's messages in one run: in order, each once, the live ticket read once", async () => {
    const { pipeline, stores, infra } = t.app.core;
    const accepted: MessageView[] = [];
    const texts = ['a person please, burst', ...Array.from({ length: 5 }, (_, i) => `burst detail ${i}`)];
    for (const [i, text] of texts.entries()) {
      const { message } = await pipeline.accept({
        channel: 'api',
        externalUserId: 'burst',
        clientMessageId: `b${i}`,
        text,
      });
      accepted.push(message);
    }
    // Counted at the port (the database stays real): how often the run looks for the live
    // ticket and for the waiting messages.
    const reads = { live: 0, waiting: 0 };
    const { findLive } = stores.tickets;
    const { listUnprocessedUpTo } = stores.messages;
    stores.tickets.findLive = (id) => {
      reads.live++;
      return findLive(id);
    };
    stores.messages.listUnprocessedUpTo = (id, upTo, limit) => {
      reads.waiting++;
      return listUnprocessedUpTo(id, upTo, limit);
    };
    let outcomes: Awaited<ReturnType<typeof pipeline.process>>[];
    try {
      // The first call queues a run; the five that come before it starts join it.
      outcomes = await Promise.all(accepted.map((m) => pipeline.process(m)));
    } finally {
      stores.tickets.findLive = findLive;
      stores.messages.listUnprocessedUpTo = listUnprocessedUpTo;
    }
    // Classified once each, in the order written.
    expect(script.seen.filter((x) => x.includes('burst'))).toEqual(texts);
    const ticketId = outcomes[0]?.ticket?.id;
    expect(ticketId).toBeDefined();
    expect(outcomes.map((o) => o.ticket?.id)).toEqual(texts.map(() => ticketId));
    // Every message processed, marked once and joined to the one ticket, which counted each once.
    const stored = await infra.models.Message.find({ _id: { $in: accepted.map((m) => m.id) } }).lean();
    expect(stored.every((m) => m.processedAt && !m.pending && String(m.ticketId) === ticketId)).toBe(true);
    expect(new Set(stored.map((m) => m.processedBy)).size).toBe(texts.length);
    expect((await stores.tickets.get(ticketId as string))?.messageCount).toBe(texts.length);
    // One run took all six: it read the waiting messages once and looked for the live ticket
    // once (after that, each hand-off's result is the ticket the next message joins).
    expect(reads.waiting).toBe(1);
    expect(reads.live).toBe(1);
    // Their features were counted once each (the marks told each message it was the first).
    const customer = await infra.models.Customer.findById(accepted[0]?.customerId).lean();
    expect(customer?.features?.sentimentCount).toBe(texts.length);
  });

  it("keeps the customer's last activity and language after a run of messages in several languages", async () => {
    const { pipeline, infra } = t.app.core;
    const send = async (n: number, text: string) =>
      (await pipeline.accept({ channel: 'api', externalUserId: 'polyglot', clientMessageId: `pg${n}`, text }))
        .message;
    const before = Date.now();
    const run = [
      await send(1, 'first in english'),
      await send(2, 'now in chinese'),
      await send(3, 'back to english'),
    ];
    await Promise.all(run.map((m) => pipeline.process(m)));
    const customer = () => infra.models.Customer.findById(run[0]?.customerId).lean();
    expect((await customer())?.language).toBe('en');
    expect((await customer())?.lastSeenAt?.getTime()).toBeGreaterThanOrEqual(before);
    await pipeline.process(await send(4, 'again in chinese'));
    expect((await customer())?.language).toBe('zh');
  });

  it('tells each of a batch of concurrent marks whether it was the one that marked its message', async () => {
    const { pipeline, stores } = t.app.core;
    const [x, y, z] = await Promise.all(
      ['x', 'y', 'z'].map(async (k) => {
        const { message } = await pipeline.accept({
          channel: 'api',
          externalUserId: `marks-${k}`,
          clientMessageId: k,
          text: `marks ${k}`,
        });
        return message;
      }),
    );
    expect(await stores.messages.markProcessed(x?.id as string, {})).toBe(true);
    // z goes out alone; x (marked before), y and y again wait and share one command, which
    // changes one message of the three it names: the marks' tokens tell who came first.
    const firsts = await Promise.all(
      [z, x, y, y].map((m) => stores.messages.markProcessed(m?.id as string, {})),
    );
    expect(firsts).toEqual([true, false, true, false]);
    expect(await stores.messages.markProcessed(y?.id as string, {})).toBe(false);
  });

  /** A conversation with a live ticket (opened by its first message) and `n` more messages waiting. */
  async function liveTicketWith(user: string, texts: string[]) {
    const { pipeline } = t.app.core;
    const send = async (n: number, text: string) =>
      (await pipeline.accept({ channel: 'api', externalUserId: user, clientMessageId: `${user}-${n}`, text }))
        .message;
    const opener = await send(0, `a person please, ${user}`);
    const ticket = (await pipeline.process(opener)).ticket;
    if (!ticket) throw new Error('no ticket opened');
    const waiting: MessageView[] = [];
    for (const [i, text] of texts.entries()) waiting.push(await send(i + 1, text));
    return { ticket, waiting };
  }

  /** Counts the calls of a store method while `work` runs (the database stays real). */
  async function counting<T>(
    target: Record<string, unknown>,
    method: string,
    work: () => Promise<T>,
    around?: (call: () => Promise<unknown>, args: unknown[]) => Promise<unknown>,
  ): Promise<{ result: T; calls: number }> {
    const original = target[method] as (...a: unknown[]) => Promise<unknown>;
    let calls = 0;
    target[method] = (...args: unknown[]) => {
      calls++;
      const call = () => original(...args);
      return around ? around(call, args) : call();
    };
    try {
      return { result: await work(), calls };
    } finally {
      target[method] = original;
    }
  }

  it('hands a run of messages to the live ticket in one update, with what each hand-off would have done', async () => {
    const { pipeline, stores, infra } = t.app.core;
    const texts = ['one-update detail 0', 'furious one-update detail 1', 'one-update detail 2'];
    const { ticket, waiting } = await liveTicketWith('one-update', texts);
    expect(ticket).toMatchObject({ kind: 'consultation', messageCount: 1 });
    const updated: string[] = [];
    const off = t.app.core.events.subscribe('ticket.updated', (e) => void updated.push(e.payload.ticket.id));
    // Updates of the ticket that applied. (The opener's failed delivery on this channel, which has
    // no destination, changed the ticket after its hand-off: the remembered copy is out of date,
    // so one compare-and-set may miss before the one that applies.)
    let applied = 0;
    const { result: outcomes, calls } = await counting(
      stores.tickets as unknown as Record<string, unknown>,
      'updateIfUnchanged',
      () => Promise.all(waiting.map((m) => pipeline.process(m))),
      async (call) => {
        const r = await call();
        if (r) applied++;
        return r;
      },
    );
    off();
    expect(applied).toBe(1);
    expect(calls).toBeLessThanOrEqual(2);
    expect(outcomes.map((o) => o.ticket?.id)).toEqual(texts.map(() => ticket.id));
    const after = await stores.tickets.get(ticket.id);
    // Counted each, and raised by the complaint among them as its own hand-off would have.
    expect(after).toMatchObject({ status: 'open', kind: 'complaint', messageCount: 1 + texts.length });
    expect(after?.priority).not.toBe(ticket.priority);
    expect(script.seen.filter((x) => x.includes('one-update detail'))).toEqual(texts);
    const stored = await infra.models.Message.find({ _id: { $in: waiting.map((m) => m.id) } }).lean();
    expect(stored.every((m) => m.processedAt && !m.pending && String(m.ticketId) === ticket.id)).toBe(true);
    expect(stored.map((m) => m.classification?.intent).sort()).toEqual([
      'complaint',
      'out_of_scope',
      'out_of_scope',
    ]);
    // The agents heard of the change once (live consoles, webhooks).
    expect(updated.filter((id) => id === ticket.id)).toHaveLength(1);
    const conversation = await infra.models.Conversation.findById(ticket.conversationId).lean();
    expect(conversation?.countedMessageId).toBe(waiting[waiting.length - 1]?.id);
    const customer = await infra.models.Customer.findById(ticket.customerId).lean();
    expect(customer?.features?.sentimentCount).toBe(1 + texts.length);
  });

  it('goes one message at a time when the live ticket changed under the run, and counts each once', async () => {
    const { pipeline, stores, infra } = t.app.core;
    const texts = ['changed detail 0', 'changed detail 1', 'changed detail 2'];
    const { ticket, waiting } = await liveTicketWith('changed-under', texts);
    // An agent raises the priority just after the run read the live ticket: its update misses.
    const { calls } = await counting(
      stores.tickets as unknown as Record<string, unknown>,
      'findLive',
      () => Promise.all(waiting.map((m) => pipeline.process(m))),
      async (call) => {
        const live = await call();
        await infra.models.Ticket.updateOne(
          { _id: ticket.id },
          { $set: { priority: 'urgent' }, $inc: { rev: 1 } },
        );
        return live;
      },
    );
    expect(calls).toBeGreaterThanOrEqual(2); // read again after the missed update
    const after = await stores.tickets.get(ticket.id);
    expect(after).toMatchObject({ priority: 'urgent', messageCount: 1 + texts.length });
    expect(script.seen.filter((x) => x.includes('changed detail'))).toEqual(texts);
    const stored = await infra.models.Message.find({ _id: { $in: waiting.map((m) => m.id) } }).lean();
    expect(stored.every((m) => m.processedAt && String(m.ticketId) === ticket.id)).toBe(true);
  });

  it('answers a run with the bot when the remembered live ticket was resolved meanwhile, and reopens nothing', async () => {
    const { pipeline, stores, infra } = t.app.core;
    const texts = ['hello after resolve 0', 'hello after resolve 1', 'hello after resolve 2'];
    const { ticket, waiting } = await liveTicketWith('resolved-under', texts);
    // A person resolves the ticket; the pipeline still remembers it live.
    const agent = await staffToken(t, 'resolver@processing.test', 'agent');
    const resolved = await fetch(`${t.url}/api/v1/tickets/${ticket.id}/resolve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent}` },
    });
    expect(resolved.status).toBe(200);
    const outcomes = await Promise.all(waiting.map((m) => pipeline.process(m)));
    // As fresh reads decide: no live ticket, so the bot greets each; the ticket stays resolved.
    expect(outcomes.map((o) => o.ticket)).toEqual(texts.map(() => null));
    expect((await stores.tickets.get(ticket.id))?.status).toBe('resolved');
    expect(await infra.models.Ticket.countDocuments({ conversationId: ticket.conversationId })).toBe(1);
    for (const m of waiting) expect(await botReplies(m)).toBe(1);
    const stored = await infra.models.Message.find({ _id: { $in: waiting.map((m) => m.id) } }).lean();
    expect(stored.every((m) => m.processedAt && !m.ticketId)).toBe(true);
  });

  it('re-runs a run cut short between its ticket update and its marks: each message processed and marked once, none lost', async () => {
    const { pipeline, stores, infra } = t.app.core;
    const texts = ['cut detail 0', 'cut detail 1', 'cut detail 2'];
    const { ticket, waiting } = await liveTicketWith('cut-short', texts);
    // The process "dies" at the marks: every mark fails while the first run lasts.
    await counting(
      stores.messages as unknown as Record<string, unknown>,
      'markProcessed',
      () => Promise.allSettled(waiting.map((m) => pipeline.process(m))),
      async () => {
        throw new Error('the process died here');
      },
    );
    const unmarked = await infra.models.Message.find({ _id: { $in: waiting.map((m) => m.id) } }).lean();
    expect(unmarked.every((m) => !m.processedAt && m.pending)).toBe(true);
    // The recovery job (or a resend) runs them again.
    await pipeline.recoverUnprocessed(new Date(Date.now() + 1000));
    const stored = await infra.models.Message.find({ _id: { $in: waiting.map((m) => m.id) } }).lean();
    expect(stored.every((m) => m.processedAt && !m.pending && String(m.ticketId) === ticket.id)).toBe(true);
    expect(stored.every((m) => !m.processing?.parkedAt)).toBe(true);
    expect(await infra.models.Ticket.countDocuments({ conversationId: ticket.conversationId })).toBe(1);
    // The ticket is live and counted them (a re-run counts again, as it does a single message).
    const after = await stores.tickets.get(ticket.id);
    expect(after?.status).toBe('open');
    expect(after?.messageCount).toBeGreaterThanOrEqual(1 + texts.length);
    // Each message's sentiment was counted once: only the first mark counts it.
    const customer = await infra.models.Customer.findById(ticket.customerId).lean();
    expect(customer?.features?.sentimentCount).toBe(1 + texts.length);
  });

  it('keeps processing other conversations while more conversations than it has slots are locked by another process', async () => {
    const { pipeline, infra } = t.app.core;
    // Five conversations (the app has INGEST_CONCURRENCY 4 slots) whose locks another process
    // holds, as one that died mid-run would until the locks expire.
    const locked = await Promise.all(
      [0, 1, 2, 3, 4].map(
        async (i) =>
          (
            await pipeline.accept({
              channel: 'api',
              externalUserId: `locked-${i}`,
              clientMessageId: `l${i}`,
              text: `hello locked ${i}`,
            })
          ).message,
      ),
    );
    for (const m of locked)
      await infra.redis.set(`${t.dbName}:lock:process:${m.conversationId}`, 'another-process', 'PX', 3000);
    const finished = new Set<string>();
    const lockedRuns = locked.map((m) => pipeline.process(m).then(() => finished.add(m.id)));
    await sleep(100); // they have tried their locks
    const free = await pipeline.receiveAndProcess({
      channel: 'api',
      externalUserId: 'not-locked',
      clientMessageId: 'f1',
      text: 'hello free',
    });
    // Answered while every locked conversation still waits: they hold no slot between tries.
    expect(free.botReplies).toHaveLength(1);
    expect(finished.size).toBe(0);
    // Once the locks expire, each locked message is processed, once.
    await Promise.all(lockedRuns);
    for (const m of locked) expect(await botReplies(m)).toBe(1);
  });

  it('sends the "a person will reply" notice when a crash came between opening the ticket and the notice', async () => {
    const { pipeline, stores, infra } = t.app.core;
    const { message } = await pipeline.accept({
      channel: 'api',
      externalUserId: 'notice',
      clientMessageId: 'n1',
      text: 'a person please',
    });
    // The run that crashed: it opened the ticket, then died.
    const opened = await stores.tickets.create({
      conversationId: message.conversationId,
      customerId: message.customerId,
      channel: 'api',
      kind: 'consultation',
      priority: 'normal',
      subject: message.text,
      firstResponseDueAt: new Date(Date.now() + 3_600_000),
      openedBy: message.id,
      at: new Date(),
    });
    expect(opened).not.toBeNull();
    await pipeline.process(message);
    const notices = await infra.models.Message.find({ inReplyTo: message.id, 'author.kind': 'bot' }).lean();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toMatch(/person will reply/i);
    expect(await infra.models.Ticket.countDocuments({ conversationId: message.conversationId })).toBe(1);
  });

  it('parks a message that always fails, keeps processing newer ones, and lets a supervisor retry it', async () => {
    const { pipeline, infra } = t.app.core;
    const { message: bad } = await pipeline.accept({
      channel: 'api',
      externalUserId: 'parked',
      clientMessageId: 'p1',
      text: 'boom',
    });
    await expect(pipeline.process(bad)).rejects.toThrow(/cannot classify/);
    // The recovery job's runs: the third failure parks it.
    for (let i = 0; i < 3; i++) await pipeline.recoverUnprocessed(new Date(Date.now() + 1000));
    const parked = await t.app.core.stores.messages.get(bad.id);
    expect(parked?.processing).toMatchObject({ attempts: 3, lastError: 'cannot classify "boom"' });
    expect(parked?.processing?.parkedAt).toBeDefined();
    // A newer message (another customer) is not starved behind it.
    const { message: fine } = await pipeline.accept({
      channel: 'api',
      externalUserId: 'after-parked',
      clientMessageId: 'f1',
      text: 'hello after',
    });
    await pipeline.recoverUnprocessed(new Date(Date.now() + 1000));
    expect((await t.app.core.stores.messages.get(fine.id))?.processed).toBe(true);
    expect(script.seen.filter((x) => x === 'boom')).toHaveLength(3);

    const supervisor = await staffToken(t, 'lead@processing.test', 'supervisor');
    const agent = await staffToken(t, 'agent@processing.test', 'agent');
    const list = (token: string) =>
      fetch(`${t.url}/api/v1/messages/parked`, { headers: { authorization: `Bearer ${token}` } });
    expect((await list(agent)).status).toBe(403);
    const listed = (await (await list(supervisor)).json()) as { messages: MessageView[] };
    expect(listed.messages.map((m) => m.id)).toContain(bad.id);

    script.state.fail = /^$/; // the cause is fixed
    const retried = await fetch(`${t.url}/api/v1/messages/${bad.id}/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${supervisor}` },
    });
    expect(retried.status).toBe(200);
    expect(((await retried.json()) as { message: MessageView }).message.processed).toBe(true);
    expect(await infra.models.AuditLog.countDocuments({ action: 'message.retry' })).toBe(1);
  });
});

describe('resuming at start-up', () => {
  it('processes messages acknowledged but unprocessed by a process that died, within seconds of the next start', async () => {
    const first = await startTestApp('resume', {
      env: { NLP_SENTENCE_ENCODER: 'false' },
      workers: false,
      listen: false,
    });
    const { message } = await first.app.core.pipeline.accept({
      channel: 'api',
      externalUserId: 'resume',
      clientMessageId: 'r1',
      text: 'I want to talk to a person',
    });
    await first.app.close(); // as if it died right after the ack (nothing was processing it)
    const second = await startTestApp('resume', {
      env: { NLP_SENTENCE_ENCODER: 'false' },
      workers: false,
      listen: false,
      dbName: first.dbName,
    });
    try {
      const done = await readUntil(
        () => second.app.core.stores.messages.get(message.id),
        (m) => m?.processed === true,
        10_000,
      );
      expect(done?.processed).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('also processes a message an older version left unprocessed (stored before the pending flag)', async () => {
    const env = { NLP_SENTENCE_ENCODER: 'false' };
    const old = await startTestApp('migrate', { env, workers: false, listen: false });
    const { message } = await old.app.core.pipeline.accept({
      channel: 'api',
      externalUserId: 'migrate',
      clientMessageId: 'm1',
      text: 'I want to talk to a person',
    });
    // What an older version stored: no flag, and no record that the migration ran.
    const { Message, Setting } = old.app.core.infra.models;
    await Message.updateOne({ _id: message.id }, { $unset: { pending: 1 } });
    await Setting.deleteOne({ _id: 'migration:message-pending-flag' });
    await old.app.close();
    const next = await startTestApp('migrate', { env, workers: false, listen: false, dbName: old.dbName });
    try {
      const done = await readUntil(
        () => next.app.core.stores.messages.get(message.id),
        (m) => m?.processed === true,
        10_000,
      );
      expect(done?.processed).toBe(true);
      expect(
        await next.app.core.infra.models.Setting.exists({ _id: 'migration:message-pending-flag' }),
      ).toBeTruthy();
    } finally {
      await next.close();
    }
  });
});
