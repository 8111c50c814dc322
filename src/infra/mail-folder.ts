import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { type AddressObject, simpleParser } from 'mailparser';
import type { DevMailbox, MailMessage } from '../core/ports/outreach.js';

const ID = /^[A-Za-z0-9_-]{1,100}$/;

const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : []).map((x) => x.text).join(', ');

/** Reads the .eml files the development SMTP sink writes (one per message, newest name last). */
export function mailFolder(directory: string): DevMailbox {
  const parse = async (id: string): Promise<MailMessage | null> => {
    if (!ID.test(id)) return null;
    const file = path.join(directory, `${id}.eml`);
    let raw: Buffer;
    try {
      raw = await readFile(file);
    } catch {
      return null;
    }
    const mail = await simpleParser(raw);
    const headers: Record<string, string> = {};
    for (const line of mail.headerLines) headers[line.key] = line.line.slice(line.key.length + 1).trim();
    return {
      id,
      from: addresses(mail.from),
      to: addresses(mail.to),
      subject: mail.subject ?? '',
      date: (mail.date ?? (await stat(file)).mtime).toISOString(),
      size: raw.length,
      ...(mail.text ? { text: mail.text } : {}),
      ...(typeof mail.html === 'string' ? { html: mail.html } : {}),
      headers,
    };
  };
  return {
    directory,
    async list(limit) {
      let names: string[];
      try {
        names = (await readdir(directory)).filter((n) => n.endsWith('.eml'));
      } catch {
        return [];
      }
      const newest = names.sort().reverse().slice(0, limit);
      const parsed = await Promise.all(newest.map((n) => parse(n.slice(0, -4))));
      return parsed
        .filter((m): m is MailMessage => m !== null)
        .map(({ id, from, to, subject, date, size }) => ({ id, from, to, subject, date, size }));
    },
    get: parse,
  };
}
