import { describe, expect, it } from 'vitest';
import { remembering, type SentenceEncoder } from '../../src/nlp/index.js';

/** An encoder of our own that counts calls and fails on the texts it is told to. */
function countingEncoder(failing: Set<string>): SentenceEncoder & { calls: string[] } {
  const calls: string[] = [];
  return {
    name: 'counting',
    dimensions: 2,
    calls,
    embed: async (text) => {
      calls.push(text);
      if (failing.has(text)) throw new Error(`cannot embed ${text}`);
      return Float32Array.of(text.length, 1);
    },
    close: async () => {},
  };
}

describe('remembered vectors (the retraining job embeds the same texts run after run)', () => {
  it('embeds a text once per encoder, across callers and concurrent requests', async () => {
    const inner = countingEncoder(new Set());
    const a = remembering(inner);
    const [x, y] = await Promise.all([a.embed('hello'), a.embed('hello')]);
    expect(x).toBe(y);
    expect(await remembering(inner).embed('hello')).toBe(x);
    expect(inner.calls).toEqual(['hello']);
    expect(a.name).toBe('counting');
    expect(a.dimensions).toBe(2);
    // Another encoder has its own memory.
    const other = countingEncoder(new Set());
    await remembering(other).embed('hello');
    expect(other.calls).toEqual(['hello']);
  });

  it('does not remember a failure: the next request tries again', async () => {
    const failing = new Set(['bad']);
    const inner = countingEncoder(failing);
    const a = remembering(inner);
    await expect(a.embed('bad')).rejects.toThrow(/cannot embed bad/);
    failing.clear();
    expect(Array.from(await a.embed('bad'))).toEqual([3, 1]);
    expect(inner.calls).toEqual(['bad', 'bad']);
  });
});
