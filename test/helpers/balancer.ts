import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { freePort } from '../../src/infra/embedded/free-port.js';

/**
 * A TCP load balancer in front of a deployment's app processes, as production puts one: each new
 * connection goes to the next backend that accepts it (round robin, a refused one skipped), and a
 * connection whose backend dies is cut, so the client reconnects, to a process that is up.
 */
export interface Balancer {
  url: string;
  close(): Promise<void>;
}

export async function startBalancer(backends: { port: number }[]): Promise<Balancer> {
  const port = await freePort();
  const open = new Set<Socket>();
  let next = 0;
  const server: Server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const tryBackend = (left: number) => {
      if (left === 0 || client.destroyed) return client.destroy();
      const target = backends[next++ % backends.length] as { port: number };
      const upstream = tcpConnect({ port: target.port, host: '127.0.0.1' });
      let connected = false;
      open.add(upstream);
      upstream.on('close', () => {
        open.delete(upstream);
        if (connected) client.destroy();
      });
      upstream.once('error', () => {
        upstream.destroy();
        if (!connected) tryBackend(left - 1);
      });
      upstream.once('connect', () => {
        connected = true;
        upstream.removeAllListeners('error');
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    tryBackend(backends.length);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
