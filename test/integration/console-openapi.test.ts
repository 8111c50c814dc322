import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** Every route the console builds on, as the OpenAPI document at /docs/json says it. */
const CONSOLE_ROUTES: [string, string][] = [
  ['get', '/api/v1/tickets'],
  ['get', '/api/v1/tickets/{id}'],
  ['get', '/api/v1/tickets/{id}/messages'],
  ['get', '/api/v1/tickets/{id}/context'],
  ['post', '/api/v1/tickets/{id}/replies'],
  ['post', '/api/v1/tickets/{id}/claim'],
  ['post', '/api/v1/tickets/{id}/assign'],
  ['post', '/api/v1/tickets/{id}/resolve'],
  ['post', '/api/v1/tickets/{id}/reopen'],
  ['post', '/api/v1/tickets/{id}/close'],
  ['post', '/api/v1/tickets/{id}/merge'],
  ['post', '/api/v1/tickets/{id}/notes'],
  ['patch', '/api/v1/tickets/{id}'],
  ['get', '/api/v1/agents'],
  ['post', '/api/v1/agents'],
  ['get', '/api/v1/agents/{id}'],
  ['patch', '/api/v1/agents/{id}'],
  ['delete', '/api/v1/agents/{id}'],
  ['post', '/api/v1/agents/{id}/password-reset'],
  ['post', '/api/v1/auth/login'],
  ['post', '/api/v1/auth/logout'],
  ['post', '/api/v1/auth/set-password'],
  ['get', '/api/v1/me'],
  ['post', '/api/v1/me/password'],
  ['put', '/api/v1/me/status'],
  ['get', '/api/v1/queue/live'],
  ['get', '/api/v1/reports/tickets'],
  ['get', '/api/v1/canned-responses'],
  ['post', '/api/v1/canned-responses'],
  ['get', '/api/v1/canned-responses/{id}'],
  ['patch', '/api/v1/canned-responses/{id}'],
  ['delete', '/api/v1/canned-responses/{id}'],
  ['post', '/api/v1/canned-responses/{id}/render'],
  ['post', '/api/v1/csat/{token}'],
  ['get', '/rate/{token}'],
  ['post', '/rate/{token}'],
];

type Operation = {
  responses: Record<string, { content?: Record<string, unknown> }>;
  security?: unknown[];
  summary?: string;
  tags?: string[];
};

describe('the OpenAPI document covers the console API', () => {
  let t: TestApp;
  let doc: { paths: Record<string, Record<string, Operation>> };
  beforeAll(async () => {
    t = await startTestApp('openapi', {
      classifier: new KeywordClassifier(),
      env: { NLP_SENTENCE_ENCODER: 'false' },
    });
    doc = (await (await fetch(`${t.url}/docs/json`)).json()) as typeof doc;
  });
  afterAll(async () => t?.close());

  it('is a valid OpenAPI document', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it.each(CONSOLE_ROUTES)(
    '%s %s has a summary, tags, a success response schema and error responses',
    (method, path) => {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeTruthy();
      if (!op) return;
      expect(op.summary).toBeTruthy();
      expect(op.tags?.length).toBeGreaterThan(0);
      const success = Object.keys(op.responses).filter((s) => /^2/.test(s));
      expect(success.length).toBeGreaterThan(0);
      expect(Object.keys(op.responses)).toContain('4XX');
      const publicRoutes = [
        '/api/v1/auth/login',
        '/api/v1/auth/set-password',
        '/api/v1/csat/{token}',
        '/rate/{token}',
      ];
      if (!publicRoutes.includes(path)) expect(op.security).toEqual([{ staffBearer: [] }]);
    },
  );

  it('documents the report as JSON and as CSV', () => {
    const content = doc.paths['/api/v1/reports/tickets']?.get?.responses['200']?.content ?? {};
    expect(Object.keys(content).sort()).toEqual(['application/json', 'text/csv']);
  });
});
