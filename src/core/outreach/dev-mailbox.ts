import { forbidden, notFound } from '../errors.js';
import type { DevMailbox, MailMessage, MailSummary } from '../ports/outreach.js';
import type { Actor } from '../views/staff.js';

/**
 * The emails the development SMTP sink received (npm start without SMTP_URL), for admins to see
 * what outreach sent without a mail server. Empty when the sink is not in use.
 */
export async function listSinkMail(
  mailbox: DevMailbox,
  actor: Actor,
  limit: number,
): Promise<{ directory: string; messages: MailSummary[] }> {
  if (actor.role !== 'admin') throw forbidden('reading the mail sink needs the role admin');
  return { directory: mailbox.directory, messages: await mailbox.list(limit) };
}

export async function readSinkMail(mailbox: DevMailbox, actor: Actor, id: string): Promise<MailMessage> {
  if (actor.role !== 'admin') throw forbidden('reading the mail sink needs the role admin');
  const message = await mailbox.get(id);
  if (!message) throw notFound('message');
  return message;
}
