import mongoose, { type Connection } from 'mongoose';
import type { Logger } from './logger.js';

// Mongoose keeps each query's creation stack for one rare error ("query was already executed");
// with source maps on (tsx) building it cost about 2.5 % of the app's CPU under load.
mongoose.set('skipOriginalStackTraces', true);

const URI_DATABASE = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?/;

/** The same server without a database path, for callers that name the database themselves. */
export function withoutDatabase(uri: string): string {
  return uri.replace(URI_DATABASE, '$1/');
}

/** Opens a dedicated mongoose connection (not the global one), so tests can hold several. */
export async function connectMongo(uri: string, dbName: string, log: Logger): Promise<Connection> {
  // A database named in the URI path wins over MONGODB_DB.
  const named = new URL(uri.replace(/^mongodb(\+srv)?:/, 'http:')).pathname.replace(/^\//, '');
  const conn = mongoose.createConnection(uri, {
    dbName: named || dbName,
    serverSelectionTimeoutMS: 10_000,
    autoIndex: false, // indexes are built explicitly at start (syncIndexes), before traffic
  });
  // Logged through pino: without a listener an error event on the connection would go unseen.
  conn.on('error', (err: Error) => log.error({ err }, 'MongoDB connection error'));
  conn.on('disconnected', () => log.warn('MongoDB disconnected'));
  conn.on('reconnected', () => log.info('MongoDB reconnected'));
  await conn.asPromise();
  log.info({ db: conn.name }, 'connected to MongoDB');
  return conn;
}

export async function pingMongo(conn: Connection): Promise<void> {
  if (!conn.db) throw new Error('MongoDB connection not open');
  await conn.db.admin().ping();
}
