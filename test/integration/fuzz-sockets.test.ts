import type { TSchema } from '@sinclair/typebox';
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeywordClassifier } from '../../src/nlp/index.js';
import * as payloads from '../../src/realtime/payloads.js';
import { addStaff, type StaffHandle } from '../helpers/console.js';
import {
  FUZZ_RUNS,
  FUZZ_SEED,
  hostileValue,
  IdPool,
  type JsonSchema,
  payloadFor,
  prototypesClean,
} from '../helpers/fuzz.js';
import { FUZZ_LIMITS, idPool, seed } from '../helpers/fuzz-app.js';
import { LogCapture } from '../helpers/log-capture.js';
import { connect } from '../helpers/sockets.js';
import { type SocketEvent, socketEvents } from '../helpers/surface.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

type Ack = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } };

/** How a fuzzed event is sent: the payload with an ack, without one, several arguments, none. */
const SHAPES = ['payload+ack', 'payload+ack', 'payload+ack', 'payload', 'none+ack', 'two+ack'] as const;

describe('fuzzing every Socket.IO client event of the typed namespaces', () => {
  let t: TestApp;
  let admin: StaffHandle;
  let pool = new IdPool(new Map());
  const events = socketEvents();
  const logs = new LogCapture();
  const crashes: string[] = [];
  const onRejection = (reason: unknown) => crashes.push(`unhandled rejection: ${String(reason)}`);
  const onException = (err: Error) => crashes.push(`uncaught exception: ${err.stack ?? err.message}`);

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
    t = await startTestApp('fuzzsock', {
      classifier: new KeywordClassifier(),
      env: { NLP_SENTENCE_ENCODER: 'false', ...FUZZ_LIMITS },
      log: { destination: logs, level: 'warn' },
    });
    admin = await addStaff(t, 'SockFuzzer', 'admin');
    await seed(t);
    pool = (await idPool(t)).without(admin.id);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    await t?.close();
  });

  const open = async (namespace: string): Promise<Socket> =>
    connect(t.url, namespace, namespace === '/widget' ? {} : { token: admin.token });

  /** Resolves with the ack, or 'none' when the event takes none; rejects when no ack comes. */
  const emit = (socket: Socket, ev: SocketEvent, shape: (typeof SHAPES)[number], payload: unknown) =>
    new Promise<Ack | 'none'>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ack for ${ev.key} within 10 s`)), 10_000);
      const ack = (res: Ack) => {
        clearTimeout(timer);
        resolve(res);
      };
      const noAck = () => {
        clearTimeout(timer);
        resolve('none');
      };
      if (shape === 'payload' || !ev.acked) {
        socket.emit(ev.event, payload);
        noAck();
      } else if (shape === 'none+ack') socket.emit(ev.event, ack);
      else if (shape === 'two+ack') socket.emit(ev.event, payload, payload, ack);
      else socket.emit(ev.event, payload, ack);
    });

  it('reads the events of all three namespaces from socket-types.ts', () => {
    const namespaces = new Set(events.map((e) => e.namespace));
    expect([...namespaces].sort()).toEqual(['/agents', '/supervisors', '/widget']);
    expect(events.length).toBeGreaterThan(15);
    for (const e of events) {
      if (e.payloadSchema) expect(payloads, `${e.key}: ${e.payloadSchema}`).toHaveProperty(e.payloadSchema);
    }
  });

  it('answers every event with random and malformed payloads without an internal error, a drop or a crash', {
    timeout: 60_000 + FUZZ_RUNS * 2_000 * 25,
  }, async () => {
    const failures: string[] = [];
    const sockets = new Map<string, Socket>();
    for (const ev of events) {
      const schema = ev.payloadSchema
        ? ((payloads as Record<string, unknown>)[ev.payloadSchema] as TSchema as JsonSchema)
        : undefined;
      const result = await fc.check(
        fc.asyncProperty(payloadFor(schema, pool), fc.constantFrom(...SHAPES), async (payload, shape) => {
          let socket = sockets.get(ev.namespace);
          if (!socket?.connected) {
            socket = await open(ev.namespace);
            sockets.set(ev.namespace, socket);
          }
          const ack = await emit(socket, ev, shape, payload);
          if (ack !== 'none' && !ack.ok && ack.error.code === 'internal') {
            throw new Error(`internal error for ${ev.key}: ${ack.error.message}`);
          }
          if (ack !== 'none' && typeof ack !== 'object') throw new Error(`a malformed ack: ${String(ack)}`);
          const polluted = prototypesClean();
          if (polluted.length) throw new Error(`prototype polluted: ${polluted.join(', ')}`);
        }),
        { numRuns: FUZZ_RUNS, seed: FUZZ_SEED + ev.key.length * 7919 },
      );
      if (result.failed) {
        failures.push(
          `${ev.key}: ${result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)}\n  counterexample: ${JSON.stringify(result.counterexample)?.slice(0, 600)}\n  seed ${result.seed} path ${result.counterexamplePath}`,
        );
      }
      // Still connected (the server dropped nobody over a payload), and still answering.
      const socket = sockets.get(ev.namespace);
      if (!socket?.connected) failures.push(`${ev.key}: the socket was dropped`);
      const live = await fetch(`${t.url}/health/ready`);
      if (live.status !== 200) failures.push(`${ev.key}: readiness ${live.status} after it`);
    }
    for (const s of sockets.values()) s.close();
    const errors = logs
      .atLeast(50)
      .map((l) => `${String(l.msg)}: ${JSON.stringify(l.err ?? '').slice(0, 300)}`);
    expect({ failures, crashes, errors }).toEqual({ failures: [], crashes: [], errors: [] });
  });

  it('refuses hostile handshakes with a connect error, never a crash', { timeout: 120_000 }, async () => {
    // Socket.IO itself drops a handshake whose auth is not an object (its parser refuses the
    // packet) before the app sees it; the app's own checks get every object.
    const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    const auths = fc.sample(
      fc.oneof(
        hostileValue.filter(isObject),
        fc.record({ token: hostileValue }),
        fc.record({ visitorId: hostileValue, token: hostileValue }),
      ),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
    );
    for (const namespace of ['/widget', '/agents', '/supervisors']) {
      for (const auth of auths) {
        const outcome = await connect(t.url, namespace, auth as Record<string, unknown>).then(
          (s) => {
            s.close();
            return 'connected';
          },
          (err: Error) => err.message,
        );
        if (namespace === '/widget')
          expect(outcome).toBe('connected'); // a new visitor
        else expect(outcome).toMatch(/^unauthorized/);
      }
    }
    // Events that no namespace declares are ignored, and the socket stays.
    const s = await open('/agents');
    for (const name of ['__proto__', 'constructor', 'hasOwnProperty', 'toString', '$where']) {
      s.emit(name, { polluted: 'yes' });
    }
    const status = (await s.timeout(10_000).emitWithAck('status:set', { status: 'online' })) as Ack;
    expect(status.ok).toBe(true);
    s.close();
    expect(prototypesClean()).toEqual([]);
    expect(crashes).toEqual([]);
  });

  // Found by the fuzzer: an ack with no payload (or with two) was taken for the payload, and the
  // client waited forever for an answer.
  it('answers an event sent with only an ack, or with extra arguments, instead of leaving it hanging', async () => {
    const s = await open('/agents');
    const bare = (await s.timeout(5_000).emitWithAck('ticket:claim')) as Ack;
    expect(bare).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const extra = (await s.timeout(5_000).emitWithAck('status:set', { status: 'away' }, 'extra')) as Ack;
    expect(extra.ok).toBe(true);
    s.close();
    const w = await open('/widget');
    const history = (await w.timeout(5_000).emitWithAck('history')) as Ack;
    expect(history).toEqual({ ok: true, data: { messages: [] } });
    w.close();
  });
});
