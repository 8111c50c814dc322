import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, staffToken } from '../helpers/staff.js';
import { API_KEY, startTestApp, type TestApp } from '../helpers/test-app.js';

describe('intent corrections: who may make them, and bad input', () => {
  let a: TestApp;
  let admin: string;
  beforeAll(async () => {
    a = await startTestApp('corrections');
    admin = await login(a.url);
  });
  afterAll(async () => a?.close());

  const post = (t: TestApp, path: string, body: unknown, token: string) =>
    fetch(`${t.url}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const customerMessage = async (text: string) => {
    const res = await fetch(`${a.url}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify({ userId: `u-${Math.random()}`, clientMessageId: 'c1', text }),
    });
    return (await res.json()) as { message: { id: string }; replies: { id: string }[] };
  };

  it('stores one correction per message and lets only staff make it', async () => {
    const agent = await staffToken(a, 'ag@test.local');
    const { message, replies } = await customerMessage('Hello!');
    expect((await post(a, `/messages/${message.id}/intent`, { intent: 'greeting' }, 'nope')).status).toBe(
      401,
    );
    const first = await post(a, `/messages/${message.id}/intent`, { intent: 'consultation' }, agent);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ intent: 'consultation', previousIntent: 'greeting' });
    expect((await post(a, `/messages/${message.id}/intent`, { intent: 'complaint' }, agent)).status).toBe(
      200,
    );
    expect(await a.app.core.infra.models.IntentCorrection.countDocuments({ messageId: message.id })).toBe(1);
    expect(
      (await a.app.core.infra.models.IntentCorrection.findOne({ messageId: message.id }).lean())?.intent,
    ).toBe('complaint');

    expect((await post(a, `/messages/${message.id}/intent`, { intent: 'angry' }, agent)).status).toBe(400);
    expect(
      (await post(a, '/messages/0123456789abcdef01234567/intent', { intent: 'greeting' }, agent)).status,
    ).toBe(404);
    const botReply = replies[0]?.id;
    expect((await post(a, `/messages/${botReply}/intent`, { intent: 'greeting' }, agent)).status).toBe(400);
    const list = (token: string) =>
      fetch(`${a.url}/api/v1/nlp/corrections`, { headers: { authorization: `Bearer ${token}` } });
    expect((await list(agent)).status).toBe(403);
    expect(((await (await list(admin)).json()) as { corrections: unknown[] }).corrections).toHaveLength(1);
    expect((await post(a, '/nlp/retrain', {}, agent)).status).toBe(403);
  });
});
