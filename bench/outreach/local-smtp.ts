/**
 * The benchmark's SMTP server, in its own process (as a real one would be): it accepts every
 * message and tells its parent, over IPC, its port and how many it has accepted when asked.
 */
import { SMTPServer } from 'smtp-server';

let accepted = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  maxClients: 500,
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      accepted++;
      callback(null, 'queued');
    });
  },
});
server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('message', (m: unknown) => {
  if (m === 'count') process.send?.({ accepted });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
