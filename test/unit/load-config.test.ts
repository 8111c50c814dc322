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
});
