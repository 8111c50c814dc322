import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';

describe('configuration', () => {
  it('starts on documented defaults with an empty environment', () => {
    const c = loadConfig({}, '/srv/parley');
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.dataDir).toBe('/srv/parley/.data');
    expect(c.mongo.uri).toBeUndefined();
    expect(c.redis.url).toBeUndefined();
    expect(c.workers.runInApp).toBe(true);
    expect(c.nlp.sentenceEncoder).toBe(true);
    expect(c.publicUrl).toBe('http://localhost:3000');
  });

  it('converts and applies valid values', () => {
    const c = loadConfig({
      PORT: '8080',
      RUN_WORKERS: 'false',
      MONGODB_URI: 'mongodb://db:27017/parley',
      REDIS_URL: 'redis://cache:6379',
      PUBLIC_URL: 'https://help.example.com/',
      SLA_COMPLAINT_FIRST_RESPONSE_MINUTES: '15',
      NLP_SENTENCE_ENCODER: '0',
    });
    expect(c.nlp.sentenceEncoder).toBe(false);
    expect(c.port).toBe(8080);
    expect(c.workers.runInApp).toBe(false);
    expect(c.mongo.uri).toBe('mongodb://db:27017/parley');
    expect(c.publicUrl).toBe('https://help.example.com');
    expect(c.sla.firstResponseMinutes.complaint).toBe(15);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', MONGODB_URI: '' }).port).toBe(3000);
  });

  it('refuses bad values, naming each variable and what it expects', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '70000', LOG_LEVEL: 'loud', REDIS_URL: 'localhost:6379', SESSION_SECRET: 'short' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/PORT="70000": expected an integer.*<= 65535/);
    expect(message).toMatch(/LOG_LEVEL="loud": expected one of fatal, error, warn, info/);
    expect(message).toMatch(/REDIS_URL="localhost:6379": expected matching \^rediss\?:\/\//);
    expect(message).toMatch(/SESSION_SECRET=.*at least 32 characters/);
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it('ignores variables it does not know', () => {
    expect(() => loadConfig({ SOMETHING_ELSE: '!!!', PATH: '/bin' })).not.toThrow();
  });

  it('refuses to run in production without a strong session secret, and ships none', async () => {
    const production = (secret?: string) => () =>
      loadConfig({ NODE_ENV: 'production', ...(secret ? { SESSION_SECRET: secret } : {}) });
    expect(production()).toThrow(/SESSION_SECRET=\(unset\): production needs one/);
    expect(production('change-me-change-me-change-me-change-me')).toThrow(/known or weak/);
    expect(production('a'.repeat(40))).toThrow(/known or weak/);
    expect(production('my-parley-secret-0123456789-abcdefgh')).toThrow(/known or weak/);
    expect(production('Zq7vN1pX4cR8tW2yB6mK0sD5fH9jL3aE')().auth.sessionSecret).toHaveLength(32);
    // Development still generates one when unset.
    expect(loadConfig({}).auth.sessionSecret).toBeUndefined();
    const { readFile } = await import('node:fs/promises');
    const compose = await readFile(new URL('../../docker-compose.yml', import.meta.url), 'utf8');
    expect(compose).toMatch(/SESSION_SECRET: \$\{SESSION_SECRET:\?/);
    expect(compose).not.toMatch(/change-me/);
  });

  it('trusts no proxy unless TRUST_PROXY names one', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ]);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
  });
});
