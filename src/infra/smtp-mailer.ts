import nodemailer from 'nodemailer';
import type { Mailer, SendOutcome } from '../core/ports/outreach.js';
import type { Logger } from './logger.js';

export interface SmtpSettings {
  url: string;
  from: string;
  /** Pooled connections kept open to the server. */
  connections: number;
}

interface SmtpError {
  message?: string;
  code?: string;
  responseCode?: number;
  response?: string;
  permanent?: boolean;
  originalCode?: string;
  timeoutType?: string;
}

/** Errors raised before anything of the message could reach the server: retrying cannot duplicate it. */
const NOTHING_SENT_CODES = new Set([
  'EDNS',
  'ETLS',
  'EAUTH',
  'ENOAUTH',
  'EPROXY',
  'ECONFIG',
  'EREQUIRETLS',
  'EOAUTH2',
]);
const NOTHING_SENT_TIMEOUTS = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT']);
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * What a failed send means for the delivery. An SMTP reply code says it: 5xx refused for good
 * (except 503, a bad command sequence), 4xx refused for now. Without a reply, only a failure
 * before the connection could carry the message is safe to retry; a connection that broke later
 * may have delivered it (the server's 250 lost on the way), so the outcome is unknown.
 */
export function classifySmtpError(err: SmtpError): SendOutcome {
  const reason = (err.response ?? err.message ?? 'unknown SMTP error').slice(0, 500);
  if (typeof err.responseCode === 'number') {
    const permanent = err.permanent ?? (err.responseCode >= 500 && err.responseCode !== 503);
    return { status: 'rejected', permanent, code: err.responseCode, reason };
  }
  if (err.code === 'EENVELOPE') return { status: 'rejected', permanent: true, reason };
  if (
    (err.code && NOTHING_SENT_CODES.has(err.code)) ||
    (err.timeoutType && NOTHING_SENT_TIMEOUTS.has(err.timeoutType)) ||
    (err.originalCode && NOT_CONNECTED.has(err.originalCode))
  ) {
    return { status: 'rejected', permanent: false, reason };
  }
  return { status: 'unknown', reason };
}

/**
 * The Mailer port on nodemailer's SMTP pool: a few long-lived connections, many messages each.
 * The transport opens lazily, so processes that never send (the app) never connect.
 */
export function smtpMailer(settings: SmtpSettings, log: Logger): Mailer {
  let transport: ReturnType<typeof nodemailer.createTransport> | null = null;
  const domain = settings.from.match(/@([^>\s]+)/)?.[1] ?? 'parley.local';
  const open = () => {
    transport ??= nodemailer.createTransport({
      url: settings.url,
      pool: true,
      maxConnections: settings.connections,
      maxMessages: 1000,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    return transport;
  };
  return {
    configured: true,
    async send(email) {
      try {
        const info = await open().sendMail({
          from: settings.from,
          to: email.to,
          subject: email.subject,
          text: email.text,
          ...(email.html ? { html: email.html } : {}),
          messageId: `<${email.messageId}@${domain}>`,
          headers: {
            ...(email.unsubscribeUrl
              ? {
                  'List-Unsubscribe': `<${email.unsubscribeUrl}>`,
                  // RFC 8058: mail clients may unsubscribe with one POST, no page in between.
                  'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
                }
              : {}),
            ...email.headers,
          },
        });
        const rejected = (info as { rejected?: unknown[] }).rejected ?? [];
        if (rejected.length > 0) return { status: 'rejected', permanent: true, reason: 'recipient refused' };
        return { status: 'accepted', response: String((info as { response?: unknown }).response ?? '250') };
      } catch (err) {
        const outcome = classifySmtpError(err as SmtpError);
        if (outcome.status === 'unknown')
          log.warn({ err, to: email.to }, 'SMTP send broke off; outcome unknown');
        return outcome;
      }
    },
    async close() {
      transport?.close();
      transport = null;
    },
  };
}

/** No SMTP_URL: outreach cannot send, and says so plainly instead of failing obscurely. */
export function unconfiguredMailer(): Mailer {
  return {
    configured: false,
    async send() {
      return {
        status: 'rejected',
        permanent: false,
        reason: 'SMTP_URL is not set: outreach email cannot be sent',
      };
    },
    async close() {},
  };
}
