import { SMTPServer } from 'smtp-server';

/** One message the test SMTP server accepted (answered 250 to). */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  /** Header name (lower case) → value, unfolded. */
  headers: Map<string, string>;
}

export interface TestSmtp {
  url: string;
  received: ReceivedMail[];
  /** Every recipient address the server refused or deferred, with the code. */
  refusals: { to: string; code: number }[];
  stop(): Promise<void>;
}

export interface TestSmtpOptions {
  /** A reply code for a recipient (e.g. 550), or null to accept. Called per RCPT TO. */
  rcpt?: (address: string) => number | null;
  /** A reply code for a whole message after its data (e.g. 421), or null to accept. */
  data?: (to: string[]) => number | null;
  /** Wait this long before answering each message (a slow server). */
  delayMs?: number;
}

export function parseHeaders(raw: string): Map<string, string> {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const headers = new Map<string, string>();
  let current: string | null = null;
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && current) {
      headers.set(current, `${headers.get(current)} ${line.trim()}`.trim());
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    current = line.slice(0, colon).trim().toLowerCase();
    headers.set(current, line.slice(colon + 1).trim());
  }
  return headers;
}

const smtpError = (code: number) =>
  Object.assign(new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: code });

/**
 * A real SMTP server (smtp-server) on loopback for tests: it records what it accepted and can
 * refuse recipients or messages with chosen reply codes.
 */
export async function startTestSmtp(opts: TestSmtpOptions = {}): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const refusals: { to: string; code: number }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    maxClients: 200,
    onRcptTo(address, _session, callback) {
      const code = opts.rcpt?.(address.address.toLowerCase()) ?? null;
      if (code !== null) {
        refusals.push({ to: address.address.toLowerCase(), code });
        return callback(smtpError(code));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        const finish = () => {
          const code = opts.data?.(to) ?? null;
          if (code !== null) {
            for (const t of to) refusals.push({ to: t, code });
            return callback(smtpError(code));
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          received.push({ from, to, raw, headers: parseHeaders(raw) });
          callback(null, 'queued');
        };
        if (opts.delayMs) setTimeout(finish, opts.delayMs);
        else finish();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => {});
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refusals,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
