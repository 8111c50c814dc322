import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseTags } from '../../src/core/tickets/update-ticket.js';
import type { MessageView, TicketView } from '../../src/core/views/index.js';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { addStaff, call, customerSays, type StaffHandle } from '../helpers/console.js';
import { FUZZ_RUNS, FUZZ_SEED, HOSTILE_STRINGS, OPERATOR_VALUES, prototypesClean } from '../helpers/fuzz.js';
import { FUZZ_LIMITS } from '../helpers/fuzz-app.js';
import { connect, emitAck } from '../helpers/sockets.js';
import { API_KEY, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Markup, template syntax, Mongo operators written as text and prototype key names are data:
 * wherever the app takes a string, it refuses it (4xx) or stores it and gives back the very
 * same string (no HTML escaping in the API, no operator read, no template run, no key
 * interpreted). The console and widget escape on display (their own tests).
 */
describe('hostile text is refused or stored as the exact string', () => {
  let t: TestApp;
  let admin: StaffHandle;
  let widget: Socket;
  let ticket: TicketView;

  // Strings that fit the fields' lengths (one over 10,000 characters is refused, which is fine too).
  const text = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.trim().length > 0)) },
    { weight: 1, arbitrary: fc.constantFrom(...OPERATOR_VALUES.map((v) => JSON.stringify(v))) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom('<b>', '{{', '$ne', '__proto__', '"\'', '\\u0000'),
          fc.string({ unit: 'grapheme', maxLength: 30 }),
        )
        .map(([a, b]) => `x${a}${b}`),
    },
  );
  const runs = { numRuns: Math.max(8, Math.round(FUZZ_RUNS / 2)), seed: FUZZ_SEED };

  beforeAll(async () => {
    t = await startTestApp('inert', {
      classifier: new KeywordClassifier(),
      env: { NLP_SENTENCE_ENCODER: 'false', ...FUZZ_LIMITS },
    });
    admin = await addStaff(t, 'Inert', 'admin');
    const said = await customerSays(t, `inert-${randomUUID().slice(0, 6)}`, 'I want to talk to a human');
    if (!said.ticket) throw new Error('no ticket');
    ticket = said.ticket;
    widget = await connect(t.url, '/widget');
  });
  afterAll(async () => {
    widget?.close();
    await t?.close();
  });

  it('a widget message', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(text, async (s) => {
        const ack = await emitAck<{ message: MessageView }>(widget, 'message:send', {
          clientMessageId: randomUUID(),
          text: s,
        });
        if (!ack.ok) {
          expect(ack.error.code).toBe('validation_failed');
          return;
        }
        expect(ack.data.message.text).toBe(s);
        const stored = await t.app.core.stores.messages.get(ack.data.message.id);
        expect(stored?.text).toBe(s);
      }),
      runs,
    );
  });

  it("an integration's message, the customer's name and id", { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(text, async (s) => {
        const res = await fetch(`${t.url}/api/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
          body: JSON.stringify({
            userId: s.slice(0, 200),
            clientMessageId: randomUUID(),
            text: s,
            name: s.slice(0, 200),
          }),
        });
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) return;
        const body = (await res.json()) as { message: MessageView };
        expect(body.message.text).toBe(s);
      }),
      runs,
    );
  });

  it('an FAQ article', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(text, async (s) => {
        const made = await call<{ id: string }>(t, admin.token, 'POST', '/api/v1/faq', {
          language: 'en',
          title: s.slice(0, 300),
          variants: [s.slice(0, 500)],
          answer: s,
          tags: [s.slice(0, 50)],
        });
        expect(made.status).toBeLessThan(500);
        if (made.status >= 400) return;
        const list = await call<{
          articles: { id: string; title: string; answer: string; variants: string[]; tags?: string[] }[];
        }>(t, admin.token, 'GET', '/api/v1/faq?language=en');
        const got = list.body.articles.find((a) => a.id === made.body.id);
        expect(got).toMatchObject({
          title: s.slice(0, 300),
          answer: s,
          variants: [s.slice(0, 500)],
          tags: [s.slice(0, 50)],
        });
      }),
      runs,
    );
  });

  it('a canned response, and its rendering runs no template code', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(text, async (s) => {
        const made = await call<{ id: string }>(t, admin.token, 'POST', '/api/v1/canned-responses', {
          shortcut: `c${randomUUID().slice(0, 8)}`,
          title: s.slice(0, 200),
          text: s.slice(0, 5000),
        });
        expect(made.status).toBeLessThan(500);
        if (made.status >= 400) return;
        const got = await call<{ title: string; text: string }>(
          t,
          admin.token,
          'GET',
          `/api/v1/canned-responses/${made.body.id}`,
        );
        expect(got.body).toMatchObject({ title: s.slice(0, 200), text: s.slice(0, 5000) });
        const rendered = await call<{ text: string }>(
          t,
          admin.token,
          'POST',
          `/api/v1/canned-responses/${made.body.id}/render`,
          {
            ticketId: ticket.id,
          },
        );
        expect(rendered.status).toBe(200);
        // Variables it does not know stay as written; nothing of the process leaks in.
        expect(rendered.body.text).not.toMatch(/\[object |function |process|native code/);
      }),
      runs,
    );
  });

  it("a ticket's tags and notes", { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(text, async (s) => {
        const tag = s.slice(0, 40);
        // Tags are a small alphabet (refused otherwise), compared without case.
        let kept: string[] | null = null;
        try {
          kept = normaliseTags([tag]);
        } catch {}
        const patched = await call<{ ticket: TicketView }>(
          t,
          admin.token,
          'PATCH',
          `/api/v1/tickets/${ticket.id}`,
          {
            tags: [tag],
          },
        );
        expect(patched.status).toBe(kept ? 200 : 400);
        if (kept) expect(patched.body.ticket.tags).toEqual(kept);
        const note = await call<{ ticket: TicketView }>(
          t,
          admin.token,
          'POST',
          `/api/v1/tickets/${ticket.id}/notes`,
          {
            text: s.slice(0, 5000),
          },
        );
        expect(note.status).toBeLessThan(500);
        if (note.status === 201) {
          const got = await call<{ ticket: TicketView }>(
            t,
            admin.token,
            'GET',
            `/api/v1/tickets/${ticket.id}`,
          );
          expect(got.body.ticket.notes.map((n) => n.text)).toContain(s.slice(0, 5000));
        }
      }),
      runs,
    );
  });

  it("a staff member's name", { timeout: 120_000 }, async () => {
    const other = await addStaff(t, 'Renamed', 'agent');
    await fc.assert(
      fc.asyncProperty(text, async (s) => {
        const res = await call<{ name: string }>(t, admin.token, 'PATCH', `/api/v1/agents/${other.id}`, {
          name: s.slice(0, 100),
        });
        expect(res.status).toBeLessThan(500);
        if (res.status === 200) expect(res.body.name).toBe(s.slice(0, 100));
      }),
      runs,
    );
  });

  it('no prototype was polluted by any of it', () => {
    expect(prototypesClean()).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
