import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SMTPServer } from 'smtp-server';
import type { Logger } from '../logger.js';

/**
 * A local SMTP server for development (npm start without SMTP_URL): it accepts every message and
 * keeps it as DATA_DIR/mail/<time>-<id>.eml, so a newcomer sees what outreach sends (admins list
 * them at GET /api/v1/admin/mail; any mail program opens the files).
 */
export async function startSmtpSink(
  directory: string,
  log: Logger,
  port = 0,
): Promise<{ url: string; directory: string; stop(): Promise<void> }> {
  mkdirSync(directory, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const id = `${Date.now().toString().padStart(14, '0')}-${randomBytes(4).toString('hex')}`;
      pipeline(stream, createWriteStream(path.join(directory, `${id}.eml`)))
        .then(() => callback(null, `kept as ${id}`))
        .catch((err: Error) => {
          log.error({ err, session: session.id }, 'mail sink could not store a message');
          callback(err);
        });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  server.on('error', (err) => log.error({ err }, 'mail sink error'));
  const address = server.server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  const url = `smtp://127.0.0.1:${actual}`;
  log.info({ url, directory }, 'development mail sink listening (no SMTP_URL): outreach email is kept here');
  return {
    url,
    directory,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
