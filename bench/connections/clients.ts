/**
 * Idle widget visitors for the connections benchmark, in a process of their own (forked by
 * run.ts; a process holds at most its file-descriptor limit of sockets): opens `count` /widget
 * connections, `batch` handshakes at a time, and keeps them open and silent (socket.io answers
 * the server's pings) until told to close. Reports over IPC.
 */
import { io, type Socket } from 'socket.io-client';

const [url = '', countArg = '0', batchArg = '100'] = process.argv.slice(2);
const count = Number(countArg);
const batch = Number(batchArg);
const sockets: Socket[] = [];
let dropped = 0;

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(`${url}/widget`, {
      transports: ['websocket'],
      forceNew: true,
      // An idle visitor that loses its connection is counted, not reconnected: the figure is
      // how many the one process holds.
      reconnection: false,
      timeout: 60_000,
    });
    s.once('connect', () => {
      s.on('disconnect', () => dropped++);
      resolve(s);
    });
    s.once('connect_error', (err) => {
      s.close();
      reject(err);
    });
  });
}

async function main() {
  const started = performance.now();
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    const opened = await Promise.allSettled(Array.from({ length: n }, open));
    for (const r of opened) {
      if (r.status === 'fulfilled') sockets.push(r.value);
      else process.send?.({ type: 'error', message: String(r.reason) });
    }
  }
  process.send?.({
    type: 'ready',
    connected: sockets.length,
    seconds: (performance.now() - started) / 1000,
  });
}

process.on('message', (msg: { type: string }) => {
  if (msg.type === 'count') {
    process.send?.({ type: 'count', connected: sockets.filter((s) => s.connected).length, dropped });
  } else if (msg.type === 'close') {
    for (const s of sockets) s.close();
    process.send?.({ type: 'closed' });
    setTimeout(() => process.exit(0), 100);
  }
});

main().catch((err: unknown) => {
  process.send?.({ type: 'error', message: String(err) });
  process.exit(1);
});
