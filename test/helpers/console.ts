import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import type { Role } from '../../src/core/views/staff.js';
import type { TicketView } from '../../src/core/views/ticket.js';
import { connect } from './sockets.js';
import { login } from './staff.js';
import type { TestApp } from './test-app.js';

export interface StaffHandle {
  id: string;
  email: string;
  password: string;
  token: string;
  role: Role;
}

/** A staff member created directly (as a seed would) and signed in over HTTP. */
export async function addStaff(
  t: TestApp,
  name: string,
  role: Role = 'agent',
  opts: { languages?: string[]; skills?: string[]; capacity?: number } = {},
): Promise<StaffHandle> {
  const email = `${name.toLowerCase()}-${randomUUID().slice(0, 6)}@test.local`;
  const password = `${name}-password-123`;
  const created = await t.app.ctx.useCases.staff.create({ email, name, role, password, ...opts });
  return { id: created.id, email, password, role, token: await login(t.url, email, password) };
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** Calls the REST API as a staff member (or anonymously with token null). */
export async function call<T = Record<string, unknown>>(
  t: TestApp,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {}
  return { status: res.status, body: parsed as T, text, headers: res.headers };
}

/** A console connected to /agents (the agent shows online once the server has counted it). */
export async function openConsole(t: TestApp, staff: StaffHandle): Promise<Socket> {
  const socket = await connect(t.url, '/agents', { token: staff.token });
  await waitFor(
    async () => (await t.app.core.stores.staff.getMember(staff.id))?.status !== 'offline',
    'online',
  );
  return socket;
}

/** Polls until `check` holds (events and pushes cross Redis), failing after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let counter = 0;
/**
 * A customer message through the real pipeline (the widget channel, as a visitor would write),
 * processed before returning; `thread` opens a second conversation of the same customer.
 */
export async function customerSays(
  t: TestApp,
  visitor: string,
  text: string,
  opts: { thread?: string } = {},
): Promise<{ ticket: TicketView | null; messageId: string; botReplies: string[] }> {
  const r = await t.app.core.pipeline.receiveAndProcess({
    channel: 'widget',
    externalUserId: visitor,
    clientMessageId: `m-${++counter}-${randomUUID().slice(0, 8)}`,
    text,
    ...(opts.thread ? { threadKey: opts.thread } : {}),
  });
  return { ticket: r.ticket, messageId: r.message.id, botReplies: r.botReplies.map((m) => m.text) };
}

/** Moves the clock every rule reads by `ms` from real time (instead of sleeping); 0 puts it back. */
export function shiftClock(t: TestApp, ms: number): void {
  t.app.core.clock.now = () => new Date(Date.now() + ms);
}

export const HOUR = 3600_000;

/** Stops the clock every rule reads at `iso` (figures worked out by hand need exact times). */
export function clockAt(t: TestApp, iso: string): void {
  const at = Date.parse(iso);
  t.app.core.clock.now = () => new Date(at);
}
