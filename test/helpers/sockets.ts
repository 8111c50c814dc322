import { io, type Socket } from 'socket.io-client';

type AckResponse<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

/** Connects a real Socket.IO client and resolves once connected (or rejects with the server's refusal). */
export function connect(
  url: string,
  namespace: string,
  auth: Record<string, unknown> = {},
  /** Listeners attached before connecting, for events the server sends right at connection. */
  early: Record<string, (payload: unknown) => void> = {},
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}${namespace}`, {
      auth,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    for (const [event, listener] of Object.entries(early)) socket.once(event, listener);
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

export async function emitAck<T>(socket: Socket, event: string, payload: unknown): Promise<AckResponse<T>> {
  return (await socket.timeout(10_000).emitWithAck(event, payload)) as AckResponse<T>;
}

/** Waits for the next event matching `filter`. */
export function nextEvent<T>(
  socket: Socket,
  event: string,
  filter: (p: T) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, handler);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const handler = (payload: T) => {
      if (!filter(payload)) return;
      clearTimeout(timer);
      socket.off(event, handler);
      resolve(payload);
    };
    socket.on(event, handler);
  });
}
