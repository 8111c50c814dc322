/**
 * The benchmark's staff consoles, in their own worker thread so their sockets do not share the
 * server's event loop: connects every console to /agents (and the supervisors also to
 * /supervisors), records when each customer message reaches each console, and reports back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { io, type Socket } from 'socket.io-client';

interface Input {
  url: string;
  consoles: { token: string; supervisor: boolean }[];
}

const { url, consoles } = workerData as Input;
const now = () => performance.timeOrigin + performance.now();
/** clientMessageId → arrival times at the consoles (one per console). */
const arrivals = new Map<string, number[]>();
/** When each supervisor console got a queue:live push. */
const livePushes: number[][] = [];
const sockets: Socket[] = [];

function open(ns: string, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(`${url}${ns}`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

async function main() {
  // A few at a time: 200 handshakes at once would measure the handshake storm, not the steady state.
  for (let i = 0; i < consoles.length; i += 20) {
    const batch = consoles.slice(i, i + 20);
    await Promise.all(
      batch.map(async (c) => {
        const s = await open('/agents', c.token);
        s.on('message:new', (m: { author: { kind: string }; clientMessageId?: string }) => {
          if (m.author.kind !== 'customer' || !m.clientMessageId) return;
          const t = now();
          let list = arrivals.get(m.clientMessageId);
          if (!list) {
            list = [];
            arrivals.set(m.clientMessageId, list);
          }
          list.push(t);
        });
        sockets.push(s);
        if (c.supervisor) {
          const pushes: number[] = [];
          livePushes.push(pushes);
          const sup = await open('/supervisors', c.token);
          sup.on('queue:live', () => pushes.push(now()));
          sockets.push(sup);
        }
      }),
    );
  }
  parentPort?.postMessage({ type: 'ready', sockets: sockets.length });
}

parentPort?.on('message', (msg: { type: string }) => {
  if (msg.type === 'report') {
    parentPort?.postMessage({ type: 'report', arrivals: [...arrivals], livePushes });
  } else if (msg.type === 'close') {
    for (const s of sockets) s.close();
    parentPort?.postMessage({ type: 'closed' });
  }
});

main().catch((err: unknown) => {
  parentPort?.postMessage({ type: 'error', message: String(err) });
});
