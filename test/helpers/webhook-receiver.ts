import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCall {
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  at: number;
}

/**
 * A real HTTP server for webhook calls: records every request and answers with what `respond`
 * says (a status, or a status with headers), so a test can fail calls on purpose.
 */
export async function startWebhookReceiver(
  respond: (
    call: ReceivedCall,
    index: number,
  ) => number | { status: number; headers?: Record<string, string> } = () => 200,
): Promise<{ url: string; calls: ReceivedCall[]; close(): Promise<void>; server: Server }> {
  const calls: ReceivedCall[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        /* not JSON */
      }
      const call = { headers: req.headers, body, json, at: Date.now() };
      calls.push(call);
      const answer = respond(call, calls.length - 1);
      const { status, headers } = typeof answer === 'number' ? { status: answer, headers: {} } : answer;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    calls,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
